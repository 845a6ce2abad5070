package dev.modelbuilder.core.exception;

import java.time.Duration;
import java.util.Optional;

/** The service asked us to slow down (HTTP 429) and retries were exhausted. */
public class ThrottledException extends RemoteOperationException {
    private static final long serialVersionUID = 1L;
    private final Duration retryAfter;

    /**
     * @param message what was throttled
     * @param details the service's answer
     * @param retryAfter how long the service asked to wait, or {@code null}
     */
    public ThrottledException(String message, ServiceErrorDetails details, Duration retryAfter) {
        super(message, details);
        this.retryAfter = retryAfter;
    }

    /** @return how long the service asked to wait before trying again */
    public Optional<Duration> retryAfter() {
        return Optional.ofNullable(retryAfter);
    }
}
