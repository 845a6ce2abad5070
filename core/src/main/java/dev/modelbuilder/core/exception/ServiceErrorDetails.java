package dev.modelbuilder.core.exception;

import java.io.Serializable;

/**
 * What a remote service said about a failure.
 *
 * @param httpStatus the HTTP status, or 0 when the failure did not come from an HTTP response
 * @param code the service's error code (e.g. {@code QuotaExceeded}), or {@code null}
 * @param message the service's error message, or {@code null}
 * @param requestId the service's request id (e.g. {@code x-ms-request-id}) for support cases, or {@code null}
 */
public record ServiceErrorDetails(int httpStatus, String code, String message, String requestId)
        implements Serializable {

    /** @return a compact one-line description */
    public String describe() {
        StringBuilder b = new StringBuilder();
        if (code != null) {
            b.append(code);
        }
        if (message != null) {
            b.append(b.length() > 0 ? ": " : "").append(message);
        }
        if (httpStatus > 0) {
            b.append(" (HTTP ").append(httpStatus);
            if (requestId != null) {
                b.append(", request id ").append(requestId);
            }
            b.append(')');
        } else if (requestId != null) {
            b.append(" (request id ").append(requestId).append(')');
        }
        return b.toString();
    }
}
