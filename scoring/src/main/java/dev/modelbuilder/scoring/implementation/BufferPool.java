package dev.modelbuilder.scoring.implementation;

import dev.modelbuilder.core.exception.ModelLoadException;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicInteger;

/** Direct, native-order tensor buffers of one size, reused across calls. Thread-safe. */
public final class BufferPool {
    /** The most floats one direct buffer holds (its byte size must fit an int). */
    public static final long MAX_FLOATS = (Integer.MAX_VALUE - 16) / Float.BYTES;

    private final int floats;
    private final int keep;
    private final ConcurrentLinkedDeque<FloatBuffer> free = new ConcurrentLinkedDeque<>();
    private final AtomicInteger size = new AtomicInteger();

    /**
     * Keeps at most {@code maxKept} idle buffers, and at most 64 MiB of them (but always 2).
     *
     * @param images images per buffer
     * @param floatsPerImage floats per image
     * @param maxKept idle buffers kept at most
     * @param what the buffer in words, for the error
     * @throws ModelLoadException if one buffer would exceed {@link #MAX_FLOATS}
     */
    public BufferPool(int images, long floatsPerImage, int maxKept, String what) {
        long total = requireFits(images, floatsPerImage, what);
        this.floats = (int) total;
        long budget = 64L << 20;
        this.keep = (int) Math.max(2, Math.min(maxKept, budget / (total * Float.BYTES)));
    }

    /**
     * @param images images in one tensor
     * @param floatsPerImage floats per image
     * @param what the tensor in words
     * @return the float count, computed in {@code long}
     * @throws ModelLoadException naming the size if it exceeds what one buffer holds
     */
    public static long requireFits(long images, long floatsPerImage, String what) {
        long total = images * floatsPerImage;
        if (floatsPerImage <= 0 || images <= 0 || total / images != floatsPerImage || total > MAX_FLOATS) {
            throw new ModelLoadException(what + " needs " + images + " x " + floatsPerImage + " floats ("
                    + (total / images == floatsPerImage ? total * Float.BYTES + " bytes" : "more than 2^63 bytes")
                    + "), more than one tensor buffer holds (" + MAX_FLOATS * Float.BYTES + " bytes); use a smaller "
                    + "image size or batch size");
        }
        return total;
    }

    /** @return an idle buffer, or a new one */
    public FloatBuffer take() {
        FloatBuffer b = free.pollFirst();
        if (b != null) {
            size.decrementAndGet();
            return b;
        }
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    /** @param b a buffer from {@link #take()} that is no longer used */
    public void give(FloatBuffer b) {
        if (size.incrementAndGet() <= keep) {
            free.offerFirst(b);
        } else {
            size.decrementAndGet();
        }
    }

    /** Drops the idle buffers. */
    public void clear() {
        free.clear();
        size.set(0);
    }
}
