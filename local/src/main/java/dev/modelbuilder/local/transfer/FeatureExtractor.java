package dev.modelbuilder.local.transfer;

import dev.modelbuilder.core.support.DaemonThreadFactory;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.scoring.implementation.OrtRuntime;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.function.BooleanSupplier;

/**
 * Runs a cut backbone ({@link BackboneGraph#featureModel()}) with ONNX Runtime over image files: decoding and the
 * pipeline module's preprocessing run on a pool of threads and fill the next batch while ONNX Runtime (using all
 * cores) computes the current one. Not thread-safe; close it to free the native session and the threads.
 */
public final class FeatureExtractor implements AutoCloseable {
    /** The most views per image: plain, mirrored, centre 90 %, centre 90 % mirrored. */
    public static final int MAX_VIEWS = 4;

    /** Told as images are done. */
    @FunctionalInterface
    public interface Progress {
        /**
         * @param done images (views) done so far
         * @param total images (views) in all
         */
        void done(int done, int total);
    }

    private final OrtSession session;
    private final ImagePreprocessor preprocessor;
    private final ExecutorService pool;
    private final int batchSize;
    private final int dimension;

    /**
     * @param featureModel the cut backbone, input {@value PipelineSpec#DEFAULT_INPUT_NAME}
     * @param spec the preprocessing (its size must be the backbone's input size)
     * @param threads threads for decoding and preprocessing, and for ONNX Runtime's operators
     * @param batchSize images per ONNX Runtime call (1 is used when the graph only takes one image at a time)
     * @throws ModelLoadException if ONNX Runtime cannot load or run the model
     */
    public FeatureExtractor(byte[] featureModel, PreprocessingSpec spec, int threads, int batchSize) {
        this.preprocessor = new ImagePreprocessor(spec);
        OrtEnvironment env = OrtRuntime.environment();
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(Math.max(1, threads));
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // as in scoring: stop the intra-op workers spinning after a run, so they do not take the cores that
            // decode the next batch
            options.addConfigEntry("session.force_spinning_stop", "1");
            this.session = env.createSession(featureModel, options);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load the cut backbone: " + OrtRuntime.describe(e), e);
        }
        int batch = Math.max(1, batchSize);
        int dim;
        try {
            dim = probe(Math.min(2, batch));
        } catch (OrtException e) {
            if (batch == 1) {
                closeQuietly(e);
                throw new ModelLoadException("ONNX Runtime cannot run the cut backbone: " + OrtRuntime.describe(e), e);
            }
            batch = 1; // graphs with a fixed batch of 1 (e.g. a Reshape to [1, -1]) run one image at a time
            try {
                dim = probe(1);
            } catch (OrtException e2) {
                closeQuietly(e2);
                throw new ModelLoadException("ONNX Runtime cannot run the cut backbone: " + OrtRuntime.describe(e2),
                        e2);
            }
        }
        this.batchSize = batch;
        this.dimension = dim;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads), new DaemonThreadFactory("modelbuilder-features"));
    }

    private void closeQuietly(Exception cause) {
        try {
            session.close();
        } catch (OrtException e) {
            cause.addSuppressed(e);
        }
    }

    private int probe(int n) throws OrtException {
        float[] zeros = new float[n * preprocessor.spec().tensorSize()];
        return run(FloatBuffer.wrap(zeros), n).length / n;
    }

    /** @return the number of features per image */
    public int dimension() {
        return dimension;
    }

    /** @return images per ONNX Runtime call */
    public int batchSize() {
        return batchSize;
    }

    /** @return the preprocessing applied */
    public PreprocessingSpec spec() {
        return preprocessor.spec();
    }

    /**
     * Runs the backbone on preprocessed images.
     *
     * @param tensors {@code n} images, CHW each, from position 0
     * @param n the number of images
     * @return {@code n * dimension()} features, image after image
     * @throws OrtException if ONNX Runtime fails
     */
    public float[] run(FloatBuffer tensors, int n) throws OrtException {
        PreprocessingSpec s = preprocessor.spec();
        long[] shape = {n, 3, s.height(), s.width()};
        FloatBuffer data = tensors.duplicate();
        data.position(0).limit(n * s.tensorSize());
        try (OnnxTensor input = OnnxTensor.createTensor(OrtRuntime.environment(), data, shape);
             OrtSession.Result result = session.run(Map.of(PipelineSpec.DEFAULT_INPUT_NAME, input))) {
            OnnxValue out = result.get(0);
            FloatBuffer fb = ((OnnxTensor) out).getFloatBuffer();
            float[] features = new float[fb.remaining()];
            fb.get(features);
            return features;
        }
    }

    /**
     * Computes the features of every view of every file.
     *
     * @param files the images
     * @param views views per image, 1 to {@value #MAX_VIEWS} (1: the image as it is)
     * @param progress told after each batch
     * @param cancelled polled before each image and batch
     * @return one row per file and view: {@code rows[file * views + view]}
     * @throws CancellationException when {@code cancelled} says so
     * @throws dev.modelbuilder.core.exception.ScoringException if an image cannot be decoded
     * @throws ModelLoadException if ONNX Runtime fails
     */
    public float[][] extract(List<Path> files, int views, Progress progress, BooleanSupplier cancelled) {
        if (views < 1 || views > MAX_VIEWS) {
            throw new IllegalArgumentException("views must be 1 to " + MAX_VIEWS + ", got " + views);
        }
        int total = files.size() * views;
        float[][] rows = new float[total][];
        int size = preprocessor.spec().tensorSize();
        FloatBuffer[] buffers = {direct(batchSize * size), direct(batchSize * size)};
        int batches = (total + batchSize - 1) / batchSize;
        List<Future<?>> next = prepare(files, views, 0, total, buffers[0], cancelled);
        for (int b = 0; b < batches; b++) {
            List<Future<?>> current = next;
            awaitAll(current);
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled during feature extraction");
            }
            int from = b * batchSize;
            int n = Math.min(batchSize, total - from);
            next = b + 1 < batches ? prepare(files, views, from + batchSize, total, buffers[(b + 1) % 2], cancelled)
                    : List.of();
            float[] out;
            try {
                out = run(buffers[b % 2], n);
            } catch (OrtException e) {
                next.forEach(f -> f.cancel(true));
                throw new ModelLoadException("ONNX Runtime failed on the backbone: " + OrtRuntime.describe(e), e);
            }
            for (int i = 0; i < n; i++) {
                float[] row = new float[dimension];
                System.arraycopy(out, i * dimension, row, 0, dimension);
                rows[from + i] = row;
            }
            progress.done(from + n, total);
        }
        return rows;
    }

    private List<Future<?>> prepare(List<Path> files, int views, int from, int total, FloatBuffer buffer,
            BooleanSupplier cancelled) {
        int size = preprocessor.spec().tensorSize();
        List<Future<?>> tasks = new ArrayList<>();
        for (int k = from; k < Math.min(total, from + batchSize); k++) {
            int item = k;
            int slot = k - from;
            tasks.add(pool.submit(() -> {
                if (cancelled.getAsBoolean()) {
                    return;
                }
                RgbImage image = view(ImageDecoder.decode(files.get(item / views)), item % views);
                preprocessor.toTensor(preprocessor.geometry(image), buffer, slot * size);
            }));
        }
        return tasks;
    }

    /** View 0 is the image; odd views are mirrored; views 2 and 3 keep the centre 90 %. */
    static RgbImage view(RgbImage image, int view) {
        RgbImage v = image;
        if (view >= 2) {
            int w = Math.max(1, (int) Math.round(image.width() * 0.9));
            int h = Math.max(1, (int) Math.round(image.height() * 0.9));
            v = v.crop((image.width() - w) / 2, (image.height() - h) / 2, w, h);
        }
        return view % 2 == 1 ? v.flipHorizontal() : v;
    }

    private static void awaitAll(List<Future<?>> tasks) {
        for (Future<?> f : tasks) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                tasks.forEach(t -> t.cancel(true));
                throw new CancellationException("interrupted during feature extraction");
            } catch (ExecutionException e) {
                tasks.forEach(t -> t.cancel(true));
                if (e.getCause() instanceof RuntimeException r) {
                    throw r;
                }
                throw new IllegalStateException(e.getCause());
            }
        }
    }

    private static FloatBuffer direct(int floats) {
        return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
    }

    @Override
    public void close() {
        pool.shutdownNow();
        try {
            session.close();
        } catch (OrtException e) {
            throw new IllegalStateException("could not close the ONNX Runtime session", e);
        }
    }
}
