package dev.modelbuilder.serving.implementation;

import dev.modelbuilder.core.exception.ModelBuilderException;

/**
 * A request the endpoints refuse: answered as problem details with this HTTP status and error code (the
 * {@code error} member that clients of the generated Web API read).
 */
public final class RequestRefusedException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    private final int status;
    private final String error;

    /**
     * @param status the HTTP status, 4xx or 5xx
     * @param error a short code, e.g. {@code not_an_image}
     * @param message what was wrong and how to fix it
     */
    public RequestRefusedException(int status, String error, String message) {
        super(message);
        this.status = status;
        this.error = error;
    }

    /** @return the HTTP status */
    public int status() {
        return status;
    }

    /** @return the error code */
    public String error() {
        return error;
    }
}
