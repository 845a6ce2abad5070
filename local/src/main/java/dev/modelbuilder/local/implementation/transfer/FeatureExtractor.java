package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.support.DaemonThreadFactory;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.scoring.TensorModel;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
final class FeatureExtractor implements AutoCloseable {
    /** The most views per image: plain, mirrored, centre 90 %, centre 90 % mirrored. */
    static final int MAX_VIEWS = 4;

    /**
     * One image to compute the features of.
     *
     * @param file the image file
     * @param view 0 for the image as it is, up to {@value #MAX_VIEWS} - 1 (see {@link #view(RgbImage, int)})
     */
    record Item(Path file, int view) {
        Item {
            if (view < 0 || view >= MAX_VIEWS) {
                throw new IllegalArgumentException("view must be 0 to " + (MAX_VIEWS - 1) + ", got " + view);
            }
        }
    }

    private final TensorModel model;
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
    FeatureExtractor(byte[] featureModel, PreprocessingSpec spec, int threads, int batchSize) {
        this.preprocessor = new ImagePreprocessor(spec);
        this.model = TensorModel.load(featureModel, "the cut backbone", Math.max(1, threads));
        int batch = Math.max(1, batchSize);
        int dim;
        try {
            dim = probe(Math.min(2, batch));
        } catch (ScoringException e) {
            if (batch == 1) {
                throw unrunnable(e);
            }
            batch = 1; // graphs with a fixed batch of 1 (e.g. a Reshape to [1, -1]) run one image at a time
            try {
                dim = probe(1);
            } catch (ScoringException e2) {
                throw unrunnable(e2);
            }
        }
        this.batchSize = batch;
        this.dimension = dim;
        this.pool = Executors.newFixedThreadPool(Math.max(1, threads),
                new DaemonThreadFactory("modelbuilder-features"));
    }

    private ModelLoadException unrunnable(ScoringException cause) {
        try {
            model.close();
        } catch (ScoringException e) {
            cause.addSuppressed(e);
        }
        return new ModelLoadException(cause.getMessage(), cause);
    }

    private int probe(int n) {
        float[] zeros = new float[n * preprocessor.spec().tensorSize()];
        return run(FloatBuffer.wrap(zeros), n).length / n;
    }

    /** @return the number of features per image */
    int dimension() {
        return dimension;
    }

    /** @return images per ONNX Runtime call */
    int batchSize() {
        return batchSize;
    }

    /**
     * Runs the backbone on preprocessed images.
     *
     * @param tensors {@code n} images, CHW each, from position 0
     * @param n the number of images
     * @return {@code n * dimension()} features, image after image
     * @throws ScoringException if ONNX Runtime fails
     */
    float[] run(FloatBuffer tensors, int n) {
        PreprocessingSpec s = preprocessor.spec();
        FloatBuffer data = tensors.duplicate();
        data.position(0).limit(n * s.tensorSize());
        return model.run(PipelineSpec.DEFAULT_INPUT_NAME, data, new long[] {n, 3, s.height(), s.width()});
    }

    /**
     * @param files images
     * @param views views per image, 1 to {@value #MAX_VIEWS} (1: the image as it is)
     * @return every view of every file, file after file: {@code items.get(file * views + view)}
     */
    static List<Item> views(List<Path> files, int views) {
        if (views < 1 || views > MAX_VIEWS) {
            throw new IllegalArgumentException("views must be 1 to " + MAX_VIEWS + ", got " + views);
        }
        List<Item> items = new ArrayList<>(files.size() * views);
        for (Path file : files) {
            for (int v = 0; v < views; v++) {
                items.add(new Item(file, v));
            }
        }
        return items;
    }

    /**
     * Computes the features of every view of every file.
     *
     * @param files the images
     * @param views views per image, 1 to {@value #MAX_VIEWS} (1: the image as it is)
     * @param events told after each batch ({@code EXTRACT_FEATURES}, in images)
     * @param cancelled polled before each image and batch
     * @return one row per file and view: {@code rows[file * views + view]}
     * @throws CancellationException when {@code cancelled} says so
     * @throws ScoringException if an image cannot be decoded or ONNX Runtime fails
     */
    float[][] extract(List<Path> files, int views, ProgressListener events, BooleanSupplier cancelled) {
        return extract(views(files, views), events, cancelled);
    }

    /**
     * Computes the features of each item, in batches, preparing the next batch while the current one runs.
     *
     * @param items the images and their views
     * @param events told after each batch ({@code EXTRACT_FEATURES}, in images)
     * @param cancelled polled before each image and batch
     * @return one row per item, in order
     * @throws CancellationException when {@code cancelled} says so
     * @throws ScoringException if an image cannot be decoded or ONNX Runtime fails
     */
    float[][] extract(List<Item> items, ProgressListener events, BooleanSupplier cancelled) {
        int total = items.size();
        float[][] rows = new float[total][];
        int size = preprocessor.spec().tensorSize();
        FloatBuffer[] buffers = {direct(batchSize * size), direct(batchSize * size)};
        int batches = (total + batchSize - 1) / batchSize;
        List<Future<?>> next = prepare(items, 0, buffers[0], cancelled);
        for (int b = 0; b < batches; b++) {
            List<Future<?>> current = next;
            awaitAll(current);
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled during feature extraction");
            }
            int from = b * batchSize;
            int n = Math.min(batchSize, total - from);
            next = b + 1 < batches ? prepare(items, from + batchSize, buffers[(b + 1) % 2], cancelled) : List.of();
            float[] out;
            try {
                out = run(buffers[b % 2], n);
            } catch (ScoringException e) {
                next.forEach(f -> f.cancel(true));
                throw e;
            }
            for (int i = 0; i < n; i++) {
                float[] row = new float[dimension];
                System.arraycopy(out, i * dimension, row, 0, dimension);
                rows[from + i] = row;
            }
            events.onEvent(new ProgressEvent.StepProgress(WorkStep.EXTRACT_FEATURES, from + n, total, "images"));
        }
        return rows;
    }

    private List<Future<?>> prepare(List<Item> items, int from, FloatBuffer buffer, BooleanSupplier cancelled) {
        int size = preprocessor.spec().tensorSize();
        List<Future<?>> tasks = new ArrayList<>();
        for (int k = from; k < Math.min(items.size(), from + batchSize); k++) {
            Item item = items.get(k);
            int slot = k - from;
            tasks.add(pool.submit(() -> {
                if (cancelled.getAsBoolean()) {
                    return;
                }
                RgbImage image = view(ImageDecoder.decode(item.file()), item.view());
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

    /** Frees the threads and the native session. */
    @Override
    public void close() {
        pool.shutdownNow();
        model.close();
    }
}
