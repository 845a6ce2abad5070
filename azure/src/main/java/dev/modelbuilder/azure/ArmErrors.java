package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.AuthenticationException;
import dev.modelbuilder.core.exception.AuthorizationException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.exception.ThrottledException;
import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns Azure error answers into the SDK's typed exceptions. ARM errors are
 * {@code {"error":{"code","message","details":[...]}}} (common-types v3 {@code ErrorResponse}); MLflow answers
 * {@code {"error_code","message"}}. Every exception carries the code, the message and {@code x-ms-request-id}.
 */
final class ArmErrors {
    private static final Pattern LIMIT = Pattern.compile("(?i)current limit:\\s*(\\d+)");
    private static final Pattern USAGE = Pattern.compile("(?i)current usage:\\s*(\\d+)");
    private static final Pattern REQUIRED = Pattern.compile("(?i)additional required:\\s*(\\d+)");
    private static final Pattern QUOTA_OF = Pattern.compile("(?i)quota of (\\d+)");
    private static final Pattern NEEDED = Pattern.compile("(?i)(?:accomodate|accommodate) for at least (\\d+)");
    private static final Pattern MAPS_TO = Pattern.compile("(?i)maps to (\\d+) (?:vcpus?|cores)");
    private static final Pattern FAMILY = Pattern.compile("(?i)(standard\\s*[\\w]+\\s*family)");

    private ArmErrors() {
    }

    /**
     * @param r an error answer
     * @return what the service said
     */
    static ServiceErrorDetails details(ArmResponse r) {
        return details(r.json(), r.status(), r.requestId());
    }

    /**
     * @param body an error body (ARM, AML or MLflow shape) or an {@code error} object
     * @param status the HTTP status, or 0
     * @param requestId the request id, or {@code null}
     * @return what the service said
     */
    static ServiceErrorDetails details(JsonNode body, int status, String requestId) {
        JsonNode error = body.has("error") && body.get("error").isObject() ? body.get("error") : body;
        String code = firstText(error, "code", "error_code", "errorCode");
        List<Level> levels = new ArrayList<>();
        collect(error, 0, levels);
        // the innermost reason first: a template deployment says DeploymentFailed > ResourceDeploymentFailure > the
        // resource's own error, and only the last one says what to do
        levels.sort(Comparator.comparingInt(Level::depth).reversed());
        StringBuilder b = new StringBuilder();
        Set<String> seen = new HashSet<>();
        int shown = 0;
        for (Level level : levels) {
            if (level.message() == null || !seen.add(level.message()) || shown == MAX_MESSAGES) {
                continue;
            }
            shown++;
            b.append(b.length() > 0 ? "; " : "");
            if (level.depth() > 0 && level.code() != null) {
                b.append(level.code()).append(": ");
            }
            b.append(level.message());
        }
        String message = b.length() == 0 ? null : b.toString();
        return new ServiceErrorDetails(status, code, message == null ? null : Redact.text(message), requestId);
    }

    /** One level of an error: its code and message, and how deep it sits. */
    private record Level(int depth, String code, String message) {
    }

    private static final int MAX_DEPTH = 32;
    private static final int MAX_MESSAGES = 8;

    /**
     * Collects an error and its {@code details}, to any depth (up to {@value #MAX_DEPTH} levels). A message that is
     * itself a JSON error (deployment operations write their resource's answer that way) counts as the level below.
     */
    private static void collect(JsonNode error, int depth, List<Level> out) {
        if (depth > MAX_DEPTH || error == null || !error.isObject()) {
            return;
        }
        String code = firstText(error, "code", "error_code", "errorCode");
        String message = firstText(error, "message", "Message");
        JsonNode embedded = message == null ? null : embeddedError(message);
        if (embedded != null) {
            collect(embedded, depth + 1, out);
            message = null;
        }
        if (code != null || message != null) {
            out.add(new Level(depth, code, message));
        }
        JsonNode details = error.path("details");
        if (details.isArray()) {
            for (JsonNode d : details) {
                collect(d, depth + 1, out);
            }
        }
    }

    private static JsonNode embeddedError(String message) {
        String t = message.strip();
        if (!t.startsWith("{") || !t.contains("\"error\"")) {
            return null;
        }
        try {
            JsonNode parsed = Json.MAPPER.readTree(t);
            JsonNode inner = parsed.path("error");
            return inner.isObject() ? inner : null;
        } catch (java.io.IOException | RuntimeException e) {
            return null;
        }
    }

    private static String firstText(JsonNode node, String... names) {
        for (String name : names) {
            JsonNode n = node.path(name);
            if (n.isTextual() && !n.asText().isBlank()) {
                return n.asText();
            }
        }
        return null;
    }

    /**
     * Builds the typed exception for an error answer.
     *
     * @param r the answer (status 4xx or 5xx)
     * @param action what was being done, e.g. {@code create compute 'gpu'}
     * @param resourceType the kind of resource addressed, e.g. {@code compute}
     * @param resourceName its name
     * @return the exception to throw
     */
    /**
     * Any failure of a library this provider calls (azure-storage-blob, a credential) as this SDK's error, so that
     * public methods throw only {@link ModelBuilderException}s. The message is redacted; an HTTP error of a library
     * is not kept as the cause, since its message may carry a signed URL.
     *
     * @param action what was being done, e.g. {@code upload /data/pets}
     * @param e the failure
     * @return the failure itself when it is already this SDK's, else a {@link RemoteOperationException}
     */
    static ModelBuilderException unexpected(String action, RuntimeException e) {
        if (e instanceof ModelBuilderException m) {
            return m;
        }
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String message = action + " failed: " + Redact.text(root.getClass().getSimpleName()
                + (root.getMessage() == null ? "" : ": " + root.getMessage().lines().findFirst().orElse("")));
        return e instanceof com.azure.core.exception.HttpResponseException
                ? new RemoteOperationException(message, null)
                : new RemoteOperationException(message, null, e);
    }

    static ModelBuilderException toException(ArmResponse r, String action, String resourceType, String resourceName) {
        ServiceErrorDetails d = details(r);
        String said = d.describe();
        if (isQuota(d)) {
            QuotaExceededException q = quota(d);
            if (q != null) {
                return q;
            }
        }
        switch (r.status()) {
            case 401:
                return new AuthenticationException(action + " was refused because the token was not accepted (" + said
                        + "); sign in again (e.g. az login) or check the credential's tenant");
            case 403:
                return new AuthorizationException(action + " is not permitted for this identity; it needs a role "
                        + "such as Contributor (or AzureML Data Scientist for runs) on the resource group", d);
            case 404:
                return new ResourceNotFoundException(resourceType, resourceName, said);
            case 409:
                if ("PUT".equals(r.method())) {
                    return new ResourceExistsException(resourceType, resourceName, said);
                }
                return new RemoteOperationException(action + " failed", d);
            case 429:
                return new ThrottledException(action + " was throttled and retries ran out", d, r.retryAfter());
            default:
                return new RemoteOperationException(action + " failed", d);
        }
    }

    /**
     * @param d what the service said
     * @return whether it is a quota error
     */
    static boolean isQuota(ServiceErrorDetails d) {
        String code = d.code() == null ? "" : d.code().toLowerCase(Locale.ROOT);
        String message = d.message() == null ? "" : d.message().toLowerCase(Locale.ROOT);
        return code.contains("quota") || (message.contains("quota")
                && (message.contains("exceed") || message.contains("accomodate") || message.contains("accommodate")
                        || message.contains("additional required")));
    }

    /**
     * Reads the numbers out of Azure's quota messages, e.g. "... exceeding approved standardNCFamily Cores quota.
     * ... Current Limit: 0, Current Usage: 0, Additional Required: 6" or "... has a Standard NC family vCPU quota of
     * 0 and cannot accomodate for at least 1 requested managed compute nodes ...".
     *
     * @param d what the service said
     * @return the exception, or {@code null} when the message has no numbers to report
     */
    static QuotaExceededException quota(ServiceErrorDetails d) {
        String m = d.message() == null ? "" : d.message();
        String name = group(FAMILY, m);
        if (name == null) {
            Matcher approved = Pattern.compile("(?i)approved (\\S+) (?:cores|vcpus?) quota").matcher(m);
            name = approved.find() ? approved.group(1) : "vCPUs";
        }
        String hint = "request more quota for it in the Azure portal (Quotas), or choose a size of another family"
                + (d.requestId() == null ? "" : " (request id " + d.requestId() + ")");
        String limit = group(LIMIT, m);
        String required = group(REQUIRED, m);
        if (limit != null && required != null) {
            long usage = group(USAGE, m) == null ? 0 : Long.parseLong(group(USAGE, m));
            long available = Math.max(0, Long.parseLong(limit) - usage);
            return new QuotaExceededException(name, available + Long.parseLong(required), available, hint);
        }
        String quotaOf = group(QUOTA_OF, m);
        String nodes = group(NEEDED, m);
        if (quotaOf != null && nodes != null) {
            long available = Long.parseLong(quotaOf);
            String maps = group(MAPS_TO, m);
            long needed = maps != null ? Long.parseLong(maps) : available + 1;
            return new QuotaExceededException(name, Math.max(needed, available + 1), available,
                    nodes + " node(s) did not fit; " + hint);
        }
        return null;
    }

    private static String group(Pattern p, String text) {
        Matcher m = p.matcher(text);
        return m.find() ? m.group(1) : null;
    }
}
