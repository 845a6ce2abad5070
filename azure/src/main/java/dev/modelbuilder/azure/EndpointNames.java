package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import java.util.regex.Pattern;

/**
 * Azure's rule for the names of online endpoints and their deployments, as azure-ai-ml checks it before any request
 * ({@code azure/ai/ml/entities/_endpoint/_endpoint_helpers.py}, {@code validate_endpoint_or_deployment_name}): 3-32
 * characters, {@code ^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$}. An endpoint's name is also part of its scoring URI's host
 * ({@code <name>.<region>.inference.ml.azure.com}), hence unique in the region.
 */
final class EndpointNames {
    static final Pattern RULE = Pattern.compile("^[a-zA-Z]([-a-zA-Z0-9]*[a-zA-Z0-9])?$");

    private EndpointNames() {
    }

    /**
     * @param field what the caller calls it, e.g. {@code endpoint name}
     * @param name the name
     * @return the name
     * @throws ValidationException when it breaks the rule
     */
    static String require(String field, String name) {
        if (name == null || name.length() < 3 || name.length() > 32 || !RULE.matcher(name).matches()) {
            throw new ValidationException(field, name, "use 3-32 letters, digits or hyphens, starting with a letter "
                    + "and ending with a letter or digit (Azure's rule for online endpoints and deployments; an "
                    + "endpoint's name must also be unique in its region)");
        }
        return name;
    }
}
