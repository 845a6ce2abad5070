package dev.modelbuilder.core.exception;

import java.util.Optional;

/** A remote operation failed: the service returned an error, or a long-running operation ended as failed. */
public class RemoteOperationException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final ServiceErrorDetails details;

    /**
     * @param message what was being done
     * @param details what the service said
     */
    public RemoteOperationException(String message, ServiceErrorDetails details) {
        super(message + (details == null ? "" : ": " + details.describe()));
        this.details = details;
    }

    /**
     * @param message what was being done
     * @param details what the service said
     * @param cause the transport-level failure
     */
    public RemoteOperationException(String message, ServiceErrorDetails details, Throwable cause) {
        super(message + (details == null ? "" : ": " + details.describe()), cause);
        this.details = details;
    }

    /** @return what the service said, when it said anything */
    public Optional<ServiceErrorDetails> details() {
        return Optional.ofNullable(details);
    }

    /** @return the service's error code, when known */
    public Optional<String> serviceCode() {
        return details().map(ServiceErrorDetails::code);
    }

    /** @return the service's request id, when known */
    public Optional<String> requestId() {
        return details().map(ServiceErrorDetails::requestId);
    }
}
