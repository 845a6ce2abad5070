package dev.modelbuilder.scoring;

import dev.modelbuilder.core.exception.InvalidStateException;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.OutputKind;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.scoring.implementation.BatchScheduler;
import dev.modelbuilder.scoring.implementation.BufferPool;
import dev.modelbuilder.scoring.implementation.Inference;
import dev.modelbuilder.scoring.implementation.OrtRuntime;
import dev.modelbuilder.scoring.implementation.ModelSession;
import dev.modelbuilder.scoring.implementation.ModelSignature;
import dev.modelbuilder.scoring.implementation.Scores;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Classifies images with an ONNX model: decode, preprocess exactly as in training, run ONNX Runtime, softmax (or,
 * for a multi-label package, a sigmoid per label and its threshold).
 *
 * <pre>{@code
 * try (PredictionEngine engine = PredictionEngine.fromPackage(Path.of("MLModel.zip"))) {
 *     Prediction one = engine.predict(Path.of("rose.jpg"));
 *     List<Prediction> many = engine.predictBatch(ImageSource.ofFiles(List.of(Path.of("a.jpg"), Path.of("b.png"))));
 * }
 *
 * PredictionEngine raw = PredictionEngine.builder()
 *         .withOnnxModel(Path.of("bestModel.onnx"))
 *         .withLabels(LabelMap.read(Path.of("bestModelMap.json")))
 *         .withPreprocessing(PreprocessingSpec.resizeCrop(256, 224))
 *         .withExecutionProvider(ExecutionProvider.cuda(0)).withFallbackToCpu(true)
 *         .build();
 * }</pre>
 *
 * <p>Loading reads the model's real input and output names and shapes and fails with a {@link ModelLoadException}
 * when the labels do not match the model's class count, the input is not float32 {@code [N,3,H,W]} of the
 * preprocessing's size, or the requested execution provider is unusable (unless {@code fallbackToCpu(true)}).
 *
 * <p>Thread-safe: any number of threads may call {@code predict} and {@code predictBatch} at once (ONNX Runtime
 * sessions are safe to share). {@link #predictBatch} decodes and preprocesses its images in parallel on the engine's
 * own bounded thread pool and runs them through the model {@link #batchSize()} at a time, preparing the next batch
 * while the current one runs. {@link #close()} waits for the calls already running, then frees the native session;
 * calls made after it throw {@link InvalidStateException}. ONNX Runtime types never appear in this API.
 */
public final class PredictionEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionEngine.class);

    private final ModelSession model;
    private final ModelSignature signature;
    private final String modelName;
    private final LabelMap labels;
    private final ImagePreprocessor preprocessor;
    private final OutputKind outputKind;
    /** Each label's decision threshold in class-index order for a multi-label model; null for single-label. */
    private final double[] thresholds;
    private final ExecutionProvider provider;
    private final int batchSize;
    private final boolean fixedBatch;
    private final int preprocessingThreads;
    private final long maxImageBytes;
    private final int tensorSize;
    private final Inference inference;
    private final BufferPool singleBuffers;
    private final BufferPool batchBuffers;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private boolean sessionClosed; // guarded by the write lock
    private ExecutorService executor; // guarded by this

    PredictionEngine(ModelSession model, ModelSignature signature, PredictionEngineBuilder b, LabelMap labels,
                     PreprocessingSpec spec, OutputKind kind, double[] thresholds) {
        this.thresholds = thresholds == null ? null : thresholds.clone();
        this.model = model;
        this.signature = signature;
        this.modelName = model.name();
        this.provider = model.cudaDevice() >= 0 ? ExecutionProvider.cuda(model.cudaDevice()) : ExecutionProvider.cpu();
        this.labels = labels;
        this.preprocessor = new ImagePreprocessor(spec);
        this.outputKind = kind;
        int fixed = signature.fixedBatchSize();
        this.fixedBatch = fixed > 0;
        // a batch never needs more than one buffer holds: very large images are scored fewer at a time
        this.batchSize = fixedBatch ? fixed
                : (int) Math.max(1, Math.min(b.batchSize, BufferPool.MAX_FLOATS / spec.tensorSize()));
        this.preprocessingThreads = b.preprocessingThreads > 0 ? b.preprocessingThreads
                : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
        this.maxImageBytes = b.maxImageBytes;
        this.tensorSize = spec.tensorSize();
        this.inference = new Inference(model, signature, spec.width(), spec.height(), labels.size());
        this.singleBuffers = new BufferPool(fixedBatch ? batchSize : 1, tensorSize, 16, "one image of " + modelName);
        this.batchBuffers = new BufferPool(batchSize, tensorSize, 8, "a batch of " + batchSize + " images of "
                + modelName);
        LOG.debug("loaded {} on {}: {}, {} classes, batch size {}{}", modelName, provider, signature, labels.size(),
                batchSize, fixedBatch ? " (fixed by the model)" : "");
    }

    // ------------------------------------------------------------------------------------------------ creation

    /**
     * @param zip an MLModel.zip
     * @return an engine on the CPU
     * @throws ModelLoadException if the package or its model cannot be loaded, or labels and model disagree
     */
    public static PredictionEngine fromPackage(Path zip) {
        return builder().withModelPackage(zip).build();
    }

    /**
     * @param zip an MLModel.zip's bytes (read to the end of the archive; the stream is not closed)
     * @return an engine on the CPU
     * @throws ModelLoadException if the package or its model cannot be loaded, or labels and model disagree
     */
    public static PredictionEngine fromPackage(InputStream zip) {
        return builder().withModelPackage(zip).build();
    }

    /**
     * @param zip an MLModel.zip's bytes
     * @return an engine on the CPU
     * @throws ModelLoadException if the package or its model cannot be loaded, or labels and model disagree
     */
    public static PredictionEngine fromPackage(byte[] zip) {
        return builder().withModelPackage(ModelPackage.read(zip)).build();
    }

    /**
     * Starts, on a daemon thread, the one-time work of a process's first engine that does not depend on the model:
     * loading ONNX Runtime's native library and the image readers. Returns at once. A program that builds an engine
     * soon after starting (a command-line tool, a serverless function) may call it first thing, so that this work
     * overlaps its own start-up; {@link PredictionEngineBuilder#build()} starts it anyway when it has not run.
     *
     * @return completed when the warm-up has ended; a program that may exit before building an engine waits for it
     *     first, so that the JVM does not exit while ONNX Runtime's native library is still loading
     */
    public static CompletableFuture<Void> warmUp() {
        return OrtRuntime.warmUpInBackground();
    }

    /** @return a builder for a customized engine */
    public static PredictionEngineBuilder builder() {
        return new PredictionEngineBuilder();
    }

    // ------------------------------------------------------------------------------------------------ scoring

    /**
     * @param file an image file (JPEG, PNG, BMP or GIF)
     * @return the prediction
     * @throws ScoringException if the image cannot be read or decoded, or inference fails
     * @throws InvalidStateException if the engine is closed
     */
    public Prediction predict(Path file) {
        return predictOne(new ImageSource.File(file));
    }

    /**
     * @param encoded an encoded image (JPEG, PNG, BMP or GIF)
     * @return the prediction
     * @throws ScoringException if the image cannot be decoded, or inference fails
     * @throws InvalidStateException if the engine is closed
     */
    public Prediction predict(byte[] encoded) {
        return predictOne(new ImageSource.Bytes(encoded));
    }

    /**
     * @param in an encoded image, read to its end (not closed)
     * @return the prediction
     * @throws ScoringException if the image cannot be read or decoded, or inference fails
     * @throws InvalidStateException if the engine is closed
     */
    public Prediction predict(InputStream in) {
        return predictOne(new ImageSource.Stream(in));
    }

    /**
     * @param image an in-memory image (its raw samples are used, see {@link ImageDecoder#decode(BufferedImage)})
     * @return the prediction
     * @throws ScoringException if the colour model is unsupported, or inference fails
     * @throws InvalidStateException if the engine is closed
     */
    public Prediction predict(BufferedImage image) {
        return predictOne(new ImageSource.Buffered(image));
    }

    /**
     * @param image a decoded image of any size (the geometry is applied)
     * @return the prediction
     * @throws ScoringException if inference fails
     * @throws InvalidStateException if the engine is closed
     */
    public Prediction predict(RgbImage image) {
        return predictOne(new ImageSource.Decoded(image));
    }

    /**
     * Classifies many images: decodes and preprocesses them in parallel on the engine's thread pool and runs them
     * through the model {@link #batchSize()} at a time, the next batch being prepared while the current one runs.
     *
     * @param images the images, e.g. {@link ImageSource#ofFiles}
     * @return one prediction per image, in order
     * @throws ScoringException for the first image (in list order) that cannot be decoded, naming its position, or
     *     if inference fails; no partial result is returned
     * @throws NullPointerException if an element is null
     * @throws InvalidStateException if the engine is closed
     */
    public List<Prediction> predictBatch(List<? extends ImageSource> images) {
        List<ImageSource> sources = new ArrayList<>(images.size());
        for (int i = 0; i < images.size(); i++) {
            sources.add(Objects.requireNonNull(images.get(i), "predictBatch input #" + i + " is null"));
        }
        if (sources.isEmpty()) {
            checkOpen();
            return List.of();
        }
        enter();
        try {
            return List.copyOf(new BatchScheduler<ImageSource, Prediction>(executor(), batchBuffers, batchSize,
                    tensorSize, this::write, this::infer, ImageSource::describe, Prediction[]::new).run(sources));
        } finally {
            lock.readLock().unlock();
        }
    }

    /**
     * Decodes, resizes and normalizes one image into a tensor buffer.
     *
     * @param source the image
     * @param buffer the tensor buffer
     * @param offset where its floats start
     */
    private void write(ImageSource source, FloatBuffer buffer, int offset) {
        preprocessor.toTensor(preprocessor.geometry(source.decode(maxImageBytes)), buffer, offset);
    }

    private Prediction predictOne(ImageSource source) {
        enter();
        try {
            FloatBuffer buffer = singleBuffers.take();
            try {
                write(source, buffer, 0);
                return infer(buffer, 1, source)[0];
            } finally {
                singleBuffers.give(buffer);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    /** One inference over the first {@code count} images in the buffer. */
    private Prediction[] infer(FloatBuffer buffer, int count, ImageSource first) {
        String what = count == 1 ? first.describe() : count + " images starting with " + first.describe();
        float[][] rows = inference.run(buffer, count, what);
        Prediction[] out = new Prediction[count];
        for (int i = 0; i < count; i++) {
            String source = count == 1 ? first.describe() : null;
            out[i] = thresholds == null
                    ? Prediction.of(labels, Scores.probabilities(rows[i], outputKind, modelName, source), rows[i])
                    : Prediction.of(labels, Scores.sigmoidProbabilities(rows[i], outputKind, modelName, source),
                    rows[i], thresholds);
        }
        return out;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    private void checkOpen() {
        if (closed) {
            throw new InvalidStateException("this PredictionEngine is closed");
        }
    }

    /** Takes the read lock for a whole call; close() waits for it. */
    private void enter() {
        checkOpen();
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new InvalidStateException("this PredictionEngine is closed");
        }
    }

    private synchronized ExecutorService executor() {
        if (executor == null) {
            executor = BatchScheduler.newPool(preprocessingThreads, "modelbuilder-preprocess");
        }
        return executor;
    }

    /**
     * Waits for the predictions already running, then frees the native session and stops the preprocessing
     * threads. Later calls throw {@link InvalidStateException}. Idempotent.
     *
     * @throws InvalidStateException if called from inside a prediction on the same thread (it would wait forever)
     */
    @Override
    public void close() {
        if (lock.getReadHoldCount() > 0) {
            throw new InvalidStateException("close() was called from inside a prediction of this engine");
        }
        closed = true; // new calls fail fast from now on
        lock.writeLock().lock();
        try {
            if (sessionClosed) {
                return;
            }
            ExecutorService ex;
            synchronized (this) {
                ex = executor;
                executor = null;
            }
            if (ex != null) {
                ex.shutdownNow();
            }
            closeSession();
            singleBuffers.clear();
            batchBuffers.clear();
        } finally {
            lock.writeLock().unlock();
        }
    }

    private void closeSession() {
        sessionClosed = true;
        model.close();
        LOG.debug("closed {}", modelName);
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    // ------------------------------------------------------------------------------------------------ accessors

    /** @return the labels in class-index order */
    public LabelMap labels() {
        return labels;
    }

    /** @return the preprocessing applied to every image */
    public PreprocessingSpec preprocessing() {
        return preprocessor.spec();
    }

    /** @return the model input fed with images */
    public String inputName() {
        return signature.inputName();
    }

    /** @return the model output read as class scores */
    public String outputName() {
        return signature.outputName();
    }

    /** @return the declared output kind, or empty when it is detected per prediction */
    public Optional<OutputKind> outputKind() {
        return Optional.ofNullable(outputKind);
    }

    /**
     * @return whether the model is multi-label: a sigmoid per label, each prediction's {@link Prediction#labels()}
     *     decided by the thresholds
     */
    public boolean isMultiLabel() {
        return thresholds != null;
    }

    /**
     * @param label a label of the model
     * @return the probability at or above which a multi-label model predicts it
     * @throws IllegalArgumentException for an unknown label
     * @throws dev.modelbuilder.core.exception.InvalidStateException for a single-label model, which predicts its most
     *     probable label whatever its probability
     */
    public double threshold(String label) {
        if (thresholds == null) {
            throw new InvalidStateException("a single-label model has no thresholds: it predicts its most probable"
                    + " label");
        }
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("no label '" + label + "'; labels are " + labels.labels());
        }
        return thresholds[i];
    }

    /** @return the provider the model runs on (the CPU after a fallback) */
    public ExecutionProvider executionProvider() {
        return provider;
    }

    /** @return the number of images per inference in {@link #predictBatch} */
    public int batchSize() {
        return batchSize;
    }

    /** @return the number of classes (= labels) */
    public int classCount() {
        return labels.size();
    }

    @Override
    public String toString() {
        return "PredictionEngine[" + modelName + ", " + provider + ", " + signature + ", " + labels.size() + " labels"
                + (closed ? ", closed" : "") + "]";
    }
}
