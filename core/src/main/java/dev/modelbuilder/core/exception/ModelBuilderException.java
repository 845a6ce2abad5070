package dev.modelbuilder.core.exception;

/**
 * Base type of every error the SDK raises on purpose. Unchecked, so that fluent chains stay readable;
 * each subtype says what went wrong and, where the caller can act on it, how to fix it.
 */
public class ModelBuilderException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what went wrong, and how to fix it where the caller can
     */
    public ModelBuilderException(String message) {
        super(message);
    }

    /**
     * @param message what went wrong, and how to fix it where the caller can
     * @param cause the underlying failure, kept for diagnosis
     */
    public ModelBuilderException(String message, Throwable cause) {
        super(message, cause);
    }
}
