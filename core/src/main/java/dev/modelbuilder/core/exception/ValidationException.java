package dev.modelbuilder.core.exception;

import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * Input broke a rule. Raised before any remote call or training starts. Each {@link Violation} names the
 * field, the rejected value and the rule, e.g. {@code workspace name 'a_b' is invalid: use 3-33 letters,
 * digits or hyphens}.
 */
public class ValidationException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /** One broken rule. */
    public record Violation(String field, String value, String rule) {
        /**
         * @param field the field, in words (e.g. {@code workspace name})
         * @param value the rejected value as text ({@code null} when it was missing)
         * @param rule what a valid value looks like
         */
        public Violation {
            Objects.requireNonNull(field, "field");
            Objects.requireNonNull(rule, "rule");
        }

        /** @return the violation as one sentence */
        public String message() {
            return value == null
                    ? field + " is missing: " + rule
                    : field + " '" + value + "' is invalid: " + rule;
        }
    }

    private final transient List<Violation> violations;

    /**
     * @param violations every broken rule, at least one
     */
    public ValidationException(List<Violation> violations) {
        super(join(violations));
        this.violations = List.copyOf(violations);
    }

    /**
     * @param field the field, in words
     * @param value the rejected value
     * @param rule what a valid value looks like
     */
    public ValidationException(String field, Object value, String rule) {
        this(List.of(new Violation(field, value == null ? null : String.valueOf(value), rule)));
    }

    /** Subclasses with a message of their own. */
    protected ValidationException(String message, List<Violation> violations) {
        super(message);
        this.violations = List.copyOf(violations);
    }

    /** @return every broken rule, in the order found */
    public List<Violation> violations() {
        return violations;
    }

    private static String join(List<Violation> violations) {
        if (violations.isEmpty()) {
            throw new IllegalArgumentException("a validation error needs at least one violation");
        }
        return violations.stream().map(Violation::message).collect(Collectors.joining("; "));
    }
}
