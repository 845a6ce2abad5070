package dev.modelbuilder.core.exception;

/**
 * An image was not decoded because of its size, before any large allocation: its encoded bytes are over the size
 * limit, its pixel count is over the pixel cap, or its decode needs more memory than the process's decode budget
 * holds (or could free within the wait). The image itself may be fine; the message names what to raise. Other
 * images go on being scored. A server answers it with 413 (or 422), never as a corrupt image.
 */
public class ImageTooLargeException extends ScoringException {
    private static final long serialVersionUID = 1L;

    /** @param message which image, what it needs, which limit it met and how to raise it */
    public ImageTooLargeException(String message) {
        super(message);
    }

    /**
     * @param message which image, what it needs, which limit it met and how to raise it
     * @param cause the underlying failure (e.g. an {@link OutOfMemoryError} the decode ran into)
     */
    public ImageTooLargeException(String message, Throwable cause) {
        super(message, cause);
    }
}
