package dev.modelbuilder.scoring.implementation;

import dev.modelbuilder.core.support.DaemonThreadFactory;
import dev.modelbuilder.core.exception.ScoringException;

import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.IntFunction;

/**
 * Runs many inputs through a model a batch at a time: the inputs of one batch are written into one pooled buffer in
 * parallel, and the next batch is prepared while the current one runs.
 *
 * @param <S> an input
 * @param <R> a result
 */
public final class BatchScheduler<S, R> {

    /** Writes one input's tensor into a buffer. */
    @FunctionalInterface
    public interface Writer<S> {
        /**
         * @param source the input
         * @param buffer the batch buffer
         * @param offset where the input's floats start
         */
        void write(S source, FloatBuffer buffer, int offset);
    }

    /** Runs one inference over the first images of a buffer. */
    @FunctionalInterface
    public interface Inference<S, R> {
        /**
         * @param buffer the batch buffer
         * @param count the number of inputs in it
         * @param first the first input, for messages
         * @return one result per input
         */
        R[] run(FloatBuffer buffer, int count, S first);
    }

    private final ExecutorService pool;
    private final BufferPool buffers;
    private final int batchSize;
    private final int tensorSize;
    private final Writer<S> writer;
    private final Inference<S, R> inference;
    private final Function<S, String> describe;
    private final IntFunction<R[]> newArray;

    /**
     * @param pool the threads that prepare inputs
     * @param buffers batch buffers of {@code batchSize * tensorSize} floats
     * @param batchSize inputs per inference
     * @param tensorSize floats per input
     * @param writer prepares one input
     * @param inference runs one batch
     * @param describe names an input in messages
     * @param newArray creates the result array
     */
    public BatchScheduler(ExecutorService pool, BufferPool buffers, int batchSize, int tensorSize, Writer<S> writer,
                          Inference<S, R> inference, Function<S, String> describe,
                          IntFunction<R[]> newArray) {
        this.pool = pool;
        this.buffers = buffers;
        this.batchSize = batchSize;
        this.tensorSize = tensorSize;
        this.writer = writer;
        this.inference = inference;
        this.describe = describe;
        this.newArray = newArray;
    }

    /**
     * @param threads the number of threads
     * @param name the threads' name prefix
     * @return a pool of daemon threads that time out after 30 s idle
     */
    public static ExecutorService newPool(int threads, String name) {
        ThreadPoolExecutor pool = new ThreadPoolExecutor(threads, threads, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(), new DaemonThreadFactory(name));
        pool.allowCoreThreadTimeOut(true);
        return pool;
    }

    /**
     * @param sources the inputs
     * @return one result per input, in order
     * @throws ScoringException for the first input (in order) that fails, naming its position
     */
    public List<R> run(List<S> sources) {
        int n = sources.size();
        R[] results = newArray.apply(n);
        Prepared current = prepare(sources, 0);
        while (current != null) {
            int nextStart = current.start + current.count;
            Prepared next = nextStart < n ? prepare(sources, nextStart) : null;
            R[] out;
            try {
                current.await(sources);
                out = inference.run(current.buffer, current.count, sources.get(current.start));
            } catch (RuntimeException | Error e) {
                if (next != null) {
                    next.cancel();
                }
                throw e;
            }
            System.arraycopy(out, 0, results, current.start, current.count);
            buffers.give(current.buffer);
            current = next;
        }
        return Arrays.asList(results);
    }

    private Prepared prepare(List<S> sources, int start) {
        int count = Math.min(batchSize, sources.size() - start);
        FloatBuffer buffer = buffers.take();
        List<Future<?>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            S source = sources.get(start + i);
            int offset = i * tensorSize;
            futures.add(pool.submit(() -> {
                writer.write(source, buffer, offset);
                return null;
            }));
        }
        return new Prepared(start, count, buffer, futures);
    }

    /** Inputs being prepared into one buffer. */
    private final class Prepared {
        final int start;
        final int count;
        final FloatBuffer buffer;
        final List<Future<?>> futures;

        Prepared(int start, int count, FloatBuffer buffer, List<Future<?>> futures) {
            this.start = start;
            this.count = count;
            this.buffer = buffer;
            this.futures = futures;
        }

        void await(List<S> sources) {
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    cancel();
                    Throwable c = e.getCause();
                    String where = "predictBatch input #" + (start + i) + " ("
                            + describe.apply(sources.get(start + i)) + ")";
                    if (c instanceof ScoringException s) {
                        throw new ScoringException(where + ": " + s.getMessage(), s);
                    }
                    if (c instanceof Error err) {
                        throw err;
                    }
                    throw new ScoringException(where + " failed: " + c, c);
                } catch (InterruptedException e) {
                    cancel();
                    Thread.currentThread().interrupt();
                    throw new ScoringException("interrupted while preprocessing images", e);
                }
            }
        }

        /** Stops work not yet started; the buffer is dropped, never reused, as running tasks may still write. */
        void cancel() {
            for (Future<?> f : futures) {
                f.cancel(false);
            }
        }
    }
}
