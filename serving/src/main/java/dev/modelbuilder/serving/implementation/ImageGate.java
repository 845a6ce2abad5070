package dev.modelbuilder.serving.implementation;

import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.RgbImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Decides whether an uploaded image is decoded, and decodes it: the bytes must start like a JPEG, PNG, GIF or BMP
 * file, the image must declare at most {@code max-pixels} pixels in its header (read without decoding), and its decode
 * draws from the {@link DecodeBudget}. Every refusal is a {@link RequestRefusedException} with its own status and code.
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

    private final long maxImageBytes;
    private final long maxPixels;
    private final DecodeBudget budget;

    /**
     * @param maxImageBytes the largest encoded image
     * @param maxPixels the most pixels an image may declare
     * @param budget the decode budget
     */
    public ImageGate(long maxImageBytes, long maxPixels, DecodeBudget budget) {
        this.maxImageBytes = maxImageBytes;
        this.maxPixels = maxPixels;
        this.budget = budget;
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
            throw new RequestRefusedException(400, EMPTY, source + " is empty: send a JPEG, PNG, BMP or GIF image");
        }
        if (image.length > maxImageBytes) {
            throw tooLarge(source);
        }
        if (!looksLikeAnImage(image)) {
            throw new RequestRefusedException(400, NOT_AN_IMAGE, source + " is not a JPEG, PNG, BMP or GIF image");
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
     * Checks and decodes an image, holding a permit of the decode budget while it decodes.
     *
     * @param image the encoded image
     * @param source what to call it in an error message
     * @return the pixels
     * @throws RequestRefusedException as {@link #check}, 400 {@code corrupt_image} when it cannot be decoded, 503
     *     {@code insufficient_memory} when the decode ran out of memory
     */
    public RgbImage decode(byte[] image, String source) {
        long pixels = check(image, source);
        // DECODE BUDGET HOOK (issue 24 item 1): the permit covers the decode; the engine copies the pixels into its
        // tensor right after, so the caller drops the image at once
        DecodeBudget.Permit permit = budget.acquire(pixels * DecodeBudget.BYTES_PER_PIXEL, source);
        try {
            return ImageDecoder.decode(image, maxImageBytes);
        } catch (ScoringException e) {
            if (causedByOutOfMemory(e)) {
                throw outOfMemory(source);
            }
            throw new RequestRefusedException(400, CORRUPT, source + " cannot be decoded: " + e.getMessage());
        } catch (OutOfMemoryError e) {
            throw outOfMemory(source);
        } finally {
            permit.close();
        }
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

    private static long[] declaredSize(byte[] image, String source) {
        // in memory: ImageIO.createImageInputStream would cache the bytes in a temporary file for every request
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(image))) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
            if (!readers.hasNext()) {
                throw new RequestRefusedException(400, NOT_AN_IMAGE, source + " is not a JPEG, PNG, BMP or GIF image");
            }
            ImageReader reader = readers.next();
            try {
                reader.setInput(in, true, true);
                return new long[] {reader.getWidth(0), reader.getHeight(0)};
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof RequestRefusedException r) {
                throw r;
            }
            throw new RequestRefusedException(400, CORRUPT, source + " cannot be decoded: its header is unreadable ("
                    + e.getMessage() + ")");
        }
    }

    private static boolean looksLikeAnImage(byte[] data) {
        return startsWith(data, 0xFF, 0xD8, 0xFF) || startsWith(data, 0x89, 'P', 'N', 'G')
                || startsWith(data, 'G', 'I', 'F', '8') || startsWith(data, 'B', 'M');
    }

    private static boolean startsWith(byte[] data, int... prefix) {
        if (data.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((data[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
