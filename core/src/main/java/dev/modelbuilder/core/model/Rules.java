package dev.modelbuilder.core.model;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.ValidationException.Violation;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The naming and range rules of the domain, in one place so that every provider validates the same way
 * before any remote call. Each check returns the violations it found rather than throwing, so that one
 * error can report everything wrong with a spec at once.
 */
public final class Rules {
    /**
     * Names of workspaces the SDK creates: 3-33 letters, digits or hyphens, starting with a letter or digit (stricter
     * than Azure, so that every resource name derived from it is valid too).
     */
    public static final Pattern WORKSPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9-]{2,32}");
    /**
     * Names that may address an existing workspace: Azure Machine Learning's own rule (the REST description's
     * {@code workspaceName} pattern {@code ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$}), which also allows underscores.
     */
    public static final Pattern EXISTING_WORKSPACE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_-]{2,32}");
    /** Compute names: 2-16 letters, digits or hyphens, starting with a letter. */
    public static final Pattern COMPUTE_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9-]{1,15}");
    /** Experiment names: 1-256 letters, digits, underscores or hyphens. */
    public static final Pattern EXPERIMENT_NAME = Pattern.compile("[A-Za-z0-9_-]{1,256}");
    /** Resource groups: 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period. */
    public static final Pattern RESOURCE_GROUP = Pattern.compile("[\\p{L}\\p{Nd}_\\-.()]{0,89}[\\p{L}\\p{Nd}_\\-()]");
    /** Regions: lower-case letters and digits, as Azure writes them (e.g. {@code eastus}, {@code westeurope2}). */
    public static final Pattern REGION = Pattern.compile("[a-z][a-z0-9]{1,39}");

    static final String WORKSPACE_NAME_RULE = "use 3-33 letters, digits or hyphens, starting with a letter or digit";
    static final String EXISTING_WORKSPACE_NAME_RULE =
            "use 3-33 letters, digits, underscores or hyphens, starting with a letter or digit";
    static final String COMPUTE_NAME_RULE = "use 2-16 letters, digits or hyphens, starting with a letter";
    static final String EXPERIMENT_NAME_RULE = "use 1-256 letters, digits, underscores or hyphens";
    static final String RESOURCE_GROUP_RULE =
            "use 1-90 letters, digits, underscores, hyphens, periods or parentheses, not ending in a period";
    static final String REGION_RULE = "use an Azure region name in lower case without spaces, e.g. eastus";

    private Rules() {
    }

    /**
     * Checks the name of a workspace to create ({@link #WORKSPACE_NAME}).
     *
     * @param name the name
     * @return the violations, empty when valid
     */
    public static List<Violation> workspaceName(String name) {
        return check("workspace name", name, WORKSPACE_NAME, WORKSPACE_NAME_RULE);
    }

    /**
     * Checks a name that addresses a workspace that may exist already ({@link #EXISTING_WORKSPACE_NAME}: Azure's rule,
     * underscores allowed).
     *
     * @param name the name
     * @return the violations, empty when valid
     */
    public static List<Violation> existingWorkspaceName(String name) {
        return check("workspace name", name, EXISTING_WORKSPACE_NAME, EXISTING_WORKSPACE_NAME_RULE);
    }

    /**
     * Checks a compute name.
     *
     * @param name the name
     * @return the violations, empty when valid
     */
    public static List<Violation> computeName(String name) {
        return check("compute name", name, COMPUTE_NAME, COMPUTE_NAME_RULE);
    }

    /**
     * Checks an experiment name.
     *
     * @param name the name
     * @return the violations, empty when valid
     */
    public static List<Violation> experimentName(String name) {
        return check("experiment name", name, EXPERIMENT_NAME, EXPERIMENT_NAME_RULE);
    }

    /**
     * Checks a resource group name.
     *
     * @param name the name
     * @return the violations, empty when valid
     */
    public static List<Violation> resourceGroup(String name) {
        return check("resource group", name, RESOURCE_GROUP, RESOURCE_GROUP_RULE);
    }

    /**
     * Checks a region name.
     *
     * @param region the region
     * @return the violations, empty when valid
     */
    public static List<Violation> region(String region) {
        return check("region", region, REGION, REGION_RULE);
    }

    /**
     * Throws when the name cannot address a workspace: it must follow Azure's rule ({@link #EXISTING_WORKSPACE_NAME},
     * underscores allowed), so that workspaces made elsewhere can be got, used and deleted. A workspace the SDK creates
     * is held to the stricter {@link #workspaceName}.
     *
     * @param name the name
     * @return the name
     * @throws ValidationException naming the rule
     */
    public static String requireWorkspaceName(String name) {
        throwIfAny(existingWorkspaceName(name));
        return name;
    }

    /**
     * Throws when the name is not a valid compute name.
     *
     * @param name the name
     * @return the name
     * @throws ValidationException naming the rule
     */
    public static String requireComputeName(String name) {
        throwIfAny(computeName(name));
        return name;
    }

    /**
     * Throws when the name is not a valid experiment name.
     *
     * @param name the name
     * @return the name
     * @throws ValidationException naming the rule
     */
    public static String requireExperimentName(String name) {
        throwIfAny(experimentName(name));
        return name;
    }

    /**
     * @param minNodes minimum nodes
     * @param maxNodes maximum nodes
     * @throws ValidationException listing every broken rule
     */
    public static void requireNodeRange(int minNodes, int maxNodes) {
        new Collector().nodeRange(minNodes, maxNodes).throwIfAny();
    }

    /**
     * Throws one error listing every violation, if there is any.
     *
     * @param violations the violations found
     * @throws ValidationException when the list is not empty
     */
    public static void throwIfAny(List<Violation> violations) {
        if (!violations.isEmpty()) {
            throw new ValidationException(violations);
        }
    }

    static List<Violation> check(String field, String value, Pattern pattern, String rule) {
        if (value == null || value.isEmpty()) {
            return List.of(new Violation(field, null, rule));
        }
        return pattern.matcher(value).matches() ? List.of() : List.of(new Violation(field, value, rule));
    }

    /** A small accumulator for specs with several fields. */
    static final class Collector {
        private final List<Violation> violations = new ArrayList<>();

        Collector add(List<Violation> found) {
            violations.addAll(found);
            return this;
        }

        Collector require(boolean ok, String field, Object value, String rule) {
            if (!ok) {
                violations.add(new Violation(field, value == null ? null : String.valueOf(value), rule));
            }
            return this;
        }

        Collector nodeRange(int minNodes, int maxNodes) {
            return require(minNodes >= 0, "minimum node count", minNodes, "use 0 or more")
                    .require(maxNodes >= 1, "maximum node count", maxNodes, "use 1 or more")
                    .require(minNodes <= maxNodes, "minimum node count", minNodes,
                            "must not exceed the maximum node count (" + maxNodes + ")");
        }

        void throwIfAny() {
            Rules.throwIfAny(violations);
        }
    }
}
