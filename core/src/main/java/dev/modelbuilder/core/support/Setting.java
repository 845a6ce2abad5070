package dev.modelbuilder.core.support;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.regex.Pattern;

/**
 * One setting of the SDK, read the same way everywhere: the Java system property, then the environment variable,
 * then the default. A module declares each of its settings once as a constant; README.md lists them all in one table.
 *
 * <pre>{@code
 * static final Setting CACHE_DIR = Setting.of("modelbuilder.cache.dir", "MODELBUILDER_CACHE_DIR",
 *         "the SDK's cache folder");
 * Path cache = CACHE_DIR.value().map(Path::of).orElse(defaultCache);
 * }</pre>
 *
 * @param property the system property, e.g. {@code modelbuilder.cache.dir}
 * @param environmentVariable the environment variable, e.g. {@code MODELBUILDER_CACHE_DIR}
 * @param description what it sets, in words (used in error messages)
 */
public record Setting(String property, String environmentVariable, String description) {
    private static final Pattern PROPERTY = Pattern.compile("[a-z][a-z0-9]*(\\.[a-z][a-zA-Z0-9-]*)+");
    private static final Pattern VARIABLE = Pattern.compile("[A-Z][A-Z0-9_]*");

    /** Checks the names' shapes. */
    public Setting {
        Objects.requireNonNull(description, "description");
        if (!PROPERTY.matcher(Objects.requireNonNull(property, "property")).matches()) {
            throw new IllegalArgumentException("not a property name: " + property);
        }
        if (!VARIABLE.matcher(Objects.requireNonNull(environmentVariable, "environmentVariable")).matches()) {
            throw new IllegalArgumentException("not an environment variable name: " + environmentVariable);
        }
    }

    /**
     * @param property the system property
     * @param environmentVariable the environment variable
     * @param description what it sets
     * @return the setting
     */
    public static Setting of(String property, String environmentVariable, String description) {
        return new Setting(property, environmentVariable, description);
    }

    /**
     * @return the system property's value when set and not blank, else the environment variable's, else empty
     */
    public Optional<String> value() {
        return valueFrom(System::getProperty, System.getenv());
    }

    /**
     * The same lookup over given sources, for tests and for callers that pass their own environment.
     *
     * @param properties looks up a system property
     * @param environment the environment variables
     * @return the first non-blank value, property first
     */
    public Optional<String> valueFrom(Function<String, String> properties, Map<String, String> environment) {
        String fromProperty = properties.apply(property);
        if (fromProperty != null && !fromProperty.isBlank()) {
            return Optional.of(fromProperty.strip());
        }
        String fromEnvironment = environment.get(environmentVariable);
        if (fromEnvironment != null && !fromEnvironment.isBlank()) {
            return Optional.of(fromEnvironment.strip());
        }
        return Optional.empty();
    }

    /** @return how to set it, e.g. {@code -Dmodelbuilder.cache.dir or MODELBUILDER_CACHE_DIR} */
    public String howToSet() {
        return "-D" + property + " or " + environmentVariable;
    }
}
