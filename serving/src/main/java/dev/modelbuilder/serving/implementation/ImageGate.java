package dev.modelbuilder.serving.implementation;

import dev.modelbuilder.core.dataset.ImageInfo;
import dev.modelbuilder.core.dataset.ImageProbe;
import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.RgbImage;
import java.util.Locale;

/**
 * Decides whether an uploaded image is decoded, and decodes it: the bytes must be a JPEG, PNG, GIF, BMP, TIFF or WebP
 * file, the image must declare at most {@code max-pixels} pixels in its header (read without decoding), and its decode
 * draws from the process-wide decode budget (in the decoder). Every refusal is a {@link RequestRefusedException} with
 * its own status and code.
 */
public final class ImageGate {
    /** Error codes of refused images, also the {@code reason} tag of the refused-images counter. */
    public static final String EMPTY = "empty_image";
    /** Not an image of a supported format. */
    public static final String NOT_AN_IMAGE = "not_an_image";
    /** An image that cannot be decoded. */
    public static final String CORRUPT = "corrupt_image";
    /** An image over the size limit (bytes). */
    public static final String TOO_LARGE = "image_too_large";
    /** An image over the pixel cap. */
    public static final String TOO_MANY_PIXELS = "too_many_pixels";
    /** Code of an image the process's decode budget cannot take now. */
    public static final String TOO_LARGE_TO_DECODE = "image_too_large_to_decode";
    private static final String FORMATS = "JPEG, PNG, GIF, BMP, TIFF or WebP";

    private final long maxImageBytes;
    private final long maxPixels;

    /**
     * @param maxImageBytes the largest encoded image
     * @param maxPixels the most pixels an image may declare
     */
    public ImageGate(long maxImageBytes, long maxPixels) {
        this.maxImageBytes = maxImageBytes;
        this.maxPixels = maxPixels;
    }

    /** @return the largest encoded image, in bytes */
    public long maxImageBytes() {
        return maxImageBytes;
    }

    /**
     * @param source what to call the image in an error message
     * @return the refusal of an image over the byte limit
     */
    public RequestRefusedException tooLarge(String source) {
        return new RequestRefusedException(413, TOO_LARGE, source + " is larger than the limit of " + maxImageBytes
                + " bytes (modelbuilder.server.max-image-size): send a smaller image or raise the limit");
    }

    /**
     * Checks an image without decoding it.
     *
     * @param image the encoded image
     * @param source what to call it in an error message
     * @return the pixels it declares
     * @throws RequestRefusedException when it is empty, too large, not an image, corrupt in its header, or over the
     *     pixel cap
     */
    public long check(byte[] image, String source) {
        if (image.length == 0) {
            throw new RequestRefusedException(400, EMPTY, source + " is empty: send an image (" + FORMATS + ")");
        }
        if (image.length > maxImageBytes) {
            throw tooLarge(source);
        }
        long[] size = declaredSize(image, source);
        long pixels = size[0] * size[1];
        if (pixels > maxPixels) {
            throw new RequestRefusedException(422, TOO_MANY_PIXELS, String.format(Locale.ROOT,
                    "%s is %d x %d pixels (%.1f megapixels), more than this server's limit of %.1f megapixels "
                            + "(modelbuilder.server.max-pixels): send a smaller image", source, size[0], size[1],
                    pixels / 1e6, maxPixels / 1e6));
        }
        return pixels;
    }

    /**
     * Checks and decodes an image; the decoder draws what it needs from the process-wide decode budget.
     *
     * @param image the encoded image
     * @param source what to call it in an error message
     * @return the pixels
     * @throws RequestRefusedException as {@link #check}, 400 {@code corrupt_image} when it cannot be decoded, 413
     *     {@code image_too_large_to_decode} when the decode budget cannot take it, 503 {@code insufficient_memory}
     *     when the decode ran out of memory
     */
    public RgbImage decode(byte[] image, String source) {
        check(image, source);
        try {
            // the decoder draws from the process-wide decode budget itself, before it allocates the pixels
            return ImageDecoder.decode(image, maxImageBytes);
        } catch (ImageTooLargeException e) {
            // the decoder reports an allocation that failed as the image's size; it is the server's memory
            if (causedByOutOfMemory(e)) {
                throw outOfMemory(source);
            }
            throw tooLargeToDecode(source, e);
        } catch (ScoringException e) {
            if (causedByOutOfMemory(e)) {
                throw outOfMemory(source);
            }
            throw new RequestRefusedException(400, CORRUPT, source + " cannot be decoded: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw outOfMemory(source);
        }
    }

    /**
     * @param source the image
     * @param e the decoder's refusal: the image needs more than the decode budget holds, or could free in time
     * @return 413 {@code image_too_large_to_decode}, naming what it needs (the client may retry it later or smaller)
     */
    public static RequestRefusedException tooLargeToDecode(String source, ImageTooLargeException e) {
        return new RequestRefusedException(413, TOO_LARGE_TO_DECODE, source + " was not decoded: " + e.getMessage());
    }

    /**
     * @param e a failure
     * @return whether an {@link OutOfMemoryError} is in its cause chain (never reported as a corrupt image)
     */
    public static boolean causedByOutOfMemory(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof OutOfMemoryError) {
                return true;
            }
        }
        return false;
    }

    /**
     * @param source what to call the image
     * @return the refusal of an image whose decode ran out of memory
     */
    public static RequestRefusedException outOfMemory(String source) {
        return new RequestRefusedException(503, "insufficient_memory", "the server ran out of memory decoding "
                + source + ": retry later, or send a smaller image");
    }

    /** The size the header declares, read by core's structural probe (no decoding, every supported format). */
    private static long[] declaredSize(byte[] image, String source) {
        try {
            ImageInfo info = ImageProbe.probe(image);
            return new long[] {info.width(), info.height()};
        } catch (ImageProbe.ProbeFailure e) {
            if (!e.recognised()) {
                throw new RequestRefusedException(400, NOT_AN_IMAGE, source + " is not an image this server reads ("
                        + FORMATS + "): " + e.getMessage());
            }
            throw new RequestRefusedException(400, CORRUPT, source + " cannot be decoded: its header is unreadable ("
                    + e.getMessage() + ")");
        }
    }
}
