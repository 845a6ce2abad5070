package dev.modelbuilder.core.exception;

/** A prediction failed: an image that cannot be decoded, an unsupported format, or an inference-engine error. */
public class ScoringException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and for which input */
    public ScoringException(String message) {
        super(message);
    }

    /**
     * @param message what failed and for which input
     * @param cause the underlying failure
     */
    public ScoringException(String message, Throwable cause) {
        super(message, cause);
    }
}
