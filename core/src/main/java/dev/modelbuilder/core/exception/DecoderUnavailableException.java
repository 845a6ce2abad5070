package dev.modelbuilder.core.exception;

/**
 * An image is in a format whose decoder is an optional library that is not on the class path (lossy and
 * lossless WebP need libwebp through {@code com.github.usefulness:webp-imageio}). The message names the artifact
 * to add.
 */
public class DecoderUnavailableException extends ScoringException {
    private static final long serialVersionUID = 1L;

    /** @param message which image, which format, and which artifact decodes it */
    public DecoderUnavailableException(String message) {
        super(message);
    }

    /**
     * @param message which image, which format, and which artifact decodes it
     * @param cause why the decoder could not be loaded
     */
    public DecoderUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
