package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.exception.ScoringException;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;

/** Reads encoded images with a bound: the format from the first bytes and the size before the rest is read. */
final class EncodedImages {
    /** The largest array the JVM allocates. */
    private static final long MAX_ARRAY = Integer.MAX_VALUE - 16;

    private EncodedImages() {
    }

    static byte[] readFile(Path file, long maxBytes, String supported) {
        try (InputStream in = Files.newInputStream(file)) {
            long size = Files.isRegularFile(file) ? Files.size(file) : -1;
            return readBounded(in, maxBytes, size, file.toString(), supported);
        } catch (NoSuchFileException e) {
            throw new ScoringException("image file not found: " + file, e);
        } catch (IOException e) {
            throw new ScoringException("cannot read image file " + file + ": " + e, e);
        }
    }

    /**
     * Reads the first bytes and refuses what is no supported image, then refuses a known size over the limit, then
     * reads the rest in chunks, growing only with what arrives and stopping past the limit.
     */
    static byte[] readBounded(InputStream in, long maxBytes, long knownSize, String source, String supported)
            throws IOException {
        byte[] head = in.readNBytes(ImageFormat.SNIFF_BYTES);
        if (ImageFormat.sniff(head).isEmpty()) {
            throw new ScoringException("unsupported image format in " + source + ": " + ImageFormat.describe(head)
                    + "; " + supported);
        }
        if (knownSize > maxBytes || head.length > maxBytes) {
            throw tooLarge(source, knownSize, maxBytes);
        }
        if (head.length < ImageFormat.SNIFF_BYTES) {
            return head;
        }
        int limit = (int) Math.min(maxBytes, MAX_ARRAY);
        byte[] buf = Arrays.copyOf(head, (int) Math.max(head.length, Math.min(knownSize > 0 ? knownSize : 1 << 16,
                limit)));
        int n = head.length;
        while (true) {
            if (n == buf.length) {
                int extra = in.read();
                if (extra < 0) {
                    return buf;
                }
                if (n >= limit) {
                    throw tooLarge(source, -1, maxBytes);
                }
                buf = Arrays.copyOf(buf, (int) Math.min(Math.max((long) n * 2, n + 1), limit));
                buf[n++] = (byte) extra;
                continue;
            }
            int r = in.read(buf, n, buf.length - n);
            if (r < 0) {
                return Arrays.copyOf(buf, n);
            }
            n += r;
        }
    }

    static long checkLimit(long maxBytes) {
        if (maxBytes < 1) {
            throw new IllegalArgumentException("the image size limit must be at least 1 byte, got " + maxBytes);
        }
        return maxBytes;
    }

    static ScoringException tooLarge(String source, long size, long maxBytes) {
        return new ScoringException("image " + source + " is " + (size >= 0 ? size + " bytes" : "larger than "
                + maxBytes + " bytes") + "; images over " + maxBytes + " bytes are not read (raise the limit with "
                + "maxImageBytes if this is a real image)");
    }
}
