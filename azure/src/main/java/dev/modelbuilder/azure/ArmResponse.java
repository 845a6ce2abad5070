package dev.modelbuilder.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.MissingNode;
import java.io.IOException;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;

/**
 * One HTTP answer of Azure Resource Manager (or a data-plane service), read fully.
 *
 * @param method the request method
 * @param path the request path, without its query (never log the query: signed URLs carry signatures there)
 * @param status the HTTP status
 * @param headers the response headers
 * @param body the response body (empty when none)
 */
record ArmResponse(String method, String path, int status, HttpHeaders headers, byte[] body) {

    static final HttpHeaderName REQUEST_ID = HttpHeaderName.fromString("x-ms-request-id");
    static final HttpHeaderName CORRELATION_ID = HttpHeaderName.fromString("x-ms-correlation-request-id");
    static final HttpHeaderName ASYNC_OPERATION = HttpHeaderName.fromString("Azure-AsyncOperation");
    static final HttpHeaderName MS_RETRY_AFTER_MS = HttpHeaderName.fromString("x-ms-retry-after-ms");
    static final HttpHeaderName RETRY_AFTER_MS = HttpHeaderName.fromString("retry-after-ms");

    /** @return whether the status is 2xx */
    boolean isSuccess() {
        return status >= 200 && status < 300;
    }

    /** @return the body as JSON, or a missing node when it is empty or not JSON */
    JsonNode json() {
        if (body.length == 0) {
            return MissingNode.getInstance();
        }
        try {
            JsonNode node = Json.MAPPER.readTree(body);
            return node == null ? MissingNode.getInstance() : node;
        } catch (IOException e) {
            return MissingNode.getInstance();
        }
    }

    /**
     * @param name a header name
     * @return its value, or {@code null}
     */
    String header(HttpHeaderName name) {
        return headers.getValue(name);
    }

    /** @return the service's request id ({@code x-ms-request-id}), or {@code null} */
    String requestId() {
        String id = header(REQUEST_ID);
        return id != null ? id : header(CORRELATION_ID);
    }

    /** @return the wait the service asked for, or {@code null} */
    Duration retryAfter() {
        return retryAfter(headers);
    }

    /**
     * Reads {@code x-ms-retry-after-ms}, {@code retry-after-ms} and {@code Retry-After} (seconds or an HTTP date).
     *
     * @param headers response headers
     * @return the wait the service asked for, or {@code null}
     */
    static Duration retryAfter(HttpHeaders headers) {
        for (HttpHeaderName name : new HttpHeaderName[] {MS_RETRY_AFTER_MS, RETRY_AFTER_MS}) {
            String ms = headers.getValue(name);
            if (ms != null) {
                try {
                    long v = Long.parseLong(ms.trim());
                    if (v >= 0) {
                        return Duration.ofMillis(v);
                    }
                } catch (NumberFormatException e) {
                    // try the next header
                }
            }
        }
        String value = headers.getValue(HttpHeaderName.RETRY_AFTER);
        if (value == null || value.isBlank()) {
            return null;
        }
        try {
            long seconds = Long.parseLong(value.trim());
            return seconds < 0 ? null : Duration.ofSeconds(seconds);
        } catch (NumberFormatException e) {
            try {
                OffsetDateTime at = OffsetDateTime.parse(value.trim(), DateTimeFormatter.RFC_1123_DATE_TIME);
                Duration d = Duration.between(OffsetDateTime.now(), at);
                return d.isNegative() ? Duration.ZERO : d;
            } catch (RuntimeException e2) {
                return null;
            }
        }
    }
}
