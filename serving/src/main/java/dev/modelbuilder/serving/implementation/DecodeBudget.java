package dev.modelbuilder.serving.implementation;

/**
 * DECODE BUDGET HOOK (issue 24, item 1). The memory that concurrent decodes may hold at once, drawn from before an
 * image is decoded: {@link ImageGate#decode} asks for a permit sized by the image's declared pixels and releases it
 * when the decode (and the copy the engine makes of it) is done.
 *
 * <p>Today this is {@link #UNBOUNDED}: the pipeline has no process-wide budget yet. When it has one, the starter's
 * bean of this type becomes an adapter over it: {@link #acquire} blocks for a while (the pipeline's policy) and then
 * either returns a permit or throws {@link RequestRefusedException} with 503 {@code decode_budget_exhausted} (the
 * server is busy with large images: retry) or 413/422 when the image alone can never fit. The pixel cap
 * ({@code modelbuilder.server.max-pixels}) is checked before this, on the image's header.
 */
@FunctionalInterface
public interface DecodeBudget {
    /** No budget: every decode goes ahead (the state before the pipeline's budget lands). */
    DecodeBudget UNBOUNDED = (bytes, source) -> () -> { };

    /**
     * @param bytes the memory the decode is expected to hold at its peak (width × height × {@link #BYTES_PER_PIXEL})
     * @param source what to call the image in an error message
     * @return a permit to close once the decoded image is no longer needed
     * @throws RequestRefusedException when the decode cannot be admitted
     */
    Permit acquire(long bytes, String source);

    /**
     * What a decode holds per pixel today: ImageIO's raster (up to 4 bytes) and the SDK's RGB copy (3 bytes). The
     * pipeline's budget will bring its own estimate.
     */
    long BYTES_PER_PIXEL = 7;

    /** Returned by {@link #acquire}; closing it gives the memory back. */
    @FunctionalInterface
    interface Permit extends AutoCloseable {
        @Override
        void close();
    }
}
