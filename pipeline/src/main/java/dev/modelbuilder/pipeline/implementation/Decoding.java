package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;

/** What every decoder does the same way: the size checks before any large allocation, and the error messages. */
public final class Decoding {
    /** The largest RGB array an image may have (a Java array's limit). */
    private static final long MAX_RGB_BYTES = Integer.MAX_VALUE - 8;

    private Decoding() {
    }

    /**
     * Checks a declared size against the pixel cap, then reserves the decode's peak memory from the budget.
     *
     * @param budget the decode budget (its pixel cap applies)
     * @param format the format's name, for messages
     * @param source the image, for messages
     * @param width the declared width
     * @param height the declared height
     * @param bytes what the decode will allocate at its peak, pixels included
     * @return the reservation, to close when the decode ends
     * @throws ScoringException if a dimension is not positive (a corrupt header)
     * @throws ImageTooLargeException if the image is over the pixel cap or cannot get the memory
     */
    public static DecodeBudget.Reservation reserve(DecodeBudget budget, String format, String source, long width,
            long height, long bytes) {
        if (width < 1 || height < 1) {
            throw new ScoringException(format + " image " + source + " has an unusable size " + width + "x" + height);
        }
        long pixels = width * height; // both below 2^32: no overflow
        String what = format + " image " + source + " (" + width + "x" + height + ")";
        if (pixels > budget.maxPixels()) {
            throw new ImageTooLargeException(what + " has " + pixels + " pixels, over the cap of "
                    + budget.maxPixels() + " (like Pillow's decompression-bomb limit); raise it with -D"
                    + DecodeBudget.MAX_PIXELS_PROPERTY + " or " + DecodeBudget.MAX_PIXELS_ENV
                    + " if this is a real image");
        }
        if (pixels * 3 > MAX_RGB_BYTES) {
            throw new ImageTooLargeException(what + " is too large for one Java array of RGB samples (at most "
                    + MAX_RGB_BYTES / 3 + " pixels)");
        }
        return budget.reserve(bytes, what);
    }

    /**
     * @param format the format
     * @param source the image
     * @param detail what is wrong, e.g. "the image data ends after row 12 of 64"
     * @return the error a decoder throws for damaged data
     */
    public static ScoringException corrupt(String format, String source, String detail) {
        return new ScoringException("corrupt or truncated " + format + " data in " + source + ": " + detail);
    }
}
