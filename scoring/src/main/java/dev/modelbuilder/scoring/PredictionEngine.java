package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.OutputKind;
import dev.modelbuilder.pipeline.PipelineDefinition;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.RgbImage;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.scoring.implementation.ModelSignature;
import dev.modelbuilder.scoring.implementation.OrtRuntime;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Classifies images with an ONNX model: decode, preprocess exactly as in training, run ONNX Runtime, softmax.
 *
 * <pre>{@code
 * try (PredictionEngine engine = PredictionEngine.fromPackage(Path.of("MLModel.zip"))) {
 *     Prediction one = engine.predict(Path.of("rose.jpg"));
 *     List<Prediction> many = engine.predictBatch(List.of(Path.of("a.jpg"), Path.of("b.png")));
 * }
 *
 * PredictionEngine raw = PredictionEngine.builder()
 *         .onnxModel(Path.of("bestModel.onnx"))
 *         .labels(LabelMap.read(Path.of("bestModelMap.json")))
 *         .preprocessing(PreprocessingSpec.resizeCrop(256, 224))
 *         .executionProvider(ExecutionProvider.cuda(0)).fallbackToCpu(true)
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
 * calls made after it throw {@link IllegalStateException}. ONNX Runtime types never appear in this API.
 */
public final class PredictionEngine implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(PredictionEngine.class);
    private static final int DEFAULT_BATCH_SIZE = 8;
    private static final AtomicInteger THREAD_IDS = new AtomicInteger();

    private final OrtEnvironment env;
    private final OrtSession.SessionOptions options;
    private final OrtSession session;
    private final ModelSignature signature;
    private final String modelName;
    private final LabelMap labels;
    private final ImagePreprocessor preprocessor;
    private final OutputKind outputKind;
    private final ExecutionProvider provider;
    private final int batchSize;
    private final boolean fixedBatch;
    private final int preprocessingThreads;
    private final int tensorSize;
    private final Set<String> outputNames;
    private final BufferPool singleBuffers;
    private final BufferPool batchBuffers;

    private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
    private volatile boolean closed;
    private boolean sessionClosed; // guarded by the write lock
    private ExecutorService executor; // guarded by this

    private PredictionEngine(Loaded loaded, Builder b, LabelMap labels, PreprocessingSpec spec, OutputKind kind,
                             int classes) {
        this.env = loaded.env;
        this.options = loaded.options;
        this.session = loaded.session;
        this.signature = loaded.signature;
        this.modelName = loaded.name;
        this.provider = loaded.provider;
        this.labels = labels;
        this.preprocessor = new ImagePreprocessor(spec);
        this.outputKind = kind;
        int fixed = signature.fixedBatchSize();
        this.fixedBatch = fixed > 0;
        this.batchSize = fixedBatch ? fixed : b.batchSize;
        this.preprocessingThreads = b.preprocessingThreads > 0 ? b.preprocessingThreads
                : Math.max(1, Math.min(Runtime.getRuntime().availableProcessors(), 8));
        this.tensorSize = spec.tensorSize();
        this.outputNames = Set.of(signature.outputName());
        this.singleBuffers = new BufferPool((fixedBatch ? batchSize : 1) * tensorSize, 16);
        this.batchBuffers = new BufferPool(batchSize * tensorSize, 8);
        LOG.debug("loaded {} on {}: {}, {} classes, batch size {}{}", modelName, provider, signature, classes,
                batchSize, fixedBatch ? " (fixed by the model)" : "");
    }

    // ------------------------------------------------------------------------------------------------ creation

    /**
     * @param zip an MLModel.zip
     * @return an engine on the CPU
     * @throws ModelLoadException if the package or its model cannot be loaded, or labels and model disagree
     */
    public static PredictionEngine fromPackage(Path zip) {
        return builder().modelPackage(zip).build();
    }

    /**
     * @param zip an MLModel.zip's bytes (read to the end of the archive; the stream is not closed)
     * @return an engine on the CPU
     * @throws ModelLoadException if the package or its model cannot be loaded, or labels and model disagree
     */
    public static PredictionEngine fromPackage(InputStream zip) {
        return builder().modelPackage(ModelPackage.read(zip)).build();
    }

    /**
     * @param zip an MLModel.zip's bytes
     * @return an engine on the CPU
     * @throws ModelLoadException if the package or its model cannot be loaded, or labels and model disagree
     */
    public static PredictionEngine fromPackage(byte[] zip) {
        return builder().modelPackage(ModelPackage.read(zip)).build();
    }

    /** @return a builder for a customized engine */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Configures a {@link PredictionEngine}. Give either a model package, or an ONNX model with its labels and
     * preprocessing. Not thread-safe; each {@link #build()} creates a new engine.
     */
    public static final class Builder {
        private Path packagePath;
        private ModelPackage modelPackage;
        private Path onnxModel;
        private LabelMap labels;
        private PreprocessingSpec preprocessing;
        private String inputName;
        private String outputName;
        private OutputKind outputKind;
        private ExecutionProvider executionProvider = ExecutionProvider.cpu();
        private boolean fallbackToCpu;
        private int intraOpThreads;
        private int batchSize = DEFAULT_BATCH_SIZE;
        private int preprocessingThreads;

        private Builder() {
        }

        /**
         * @param zip an MLModel.zip (read at {@link #build()})
         * @return this builder
         */
        public Builder modelPackage(Path zip) {
            this.packagePath = Objects.requireNonNull(zip, "zip");
            this.modelPackage = null;
            return this;
        }

        /**
         * @param pkg a package already read
         * @return this builder
         */
        public Builder modelPackage(ModelPackage pkg) {
            this.modelPackage = Objects.requireNonNull(pkg, "pkg");
            this.packagePath = null;
            return this;
        }

        /**
         * @param onnxFile an ONNX model (e.g. bestModel.onnx); also give {@link #labels} and {@link #preprocessing}
         * @return this builder
         */
        public Builder onnxModel(Path onnxFile) {
            this.onnxModel = Objects.requireNonNull(onnxFile, "onnxFile");
            return this;
        }

        /**
         * @param labels the labels in class-index order (with {@link #onnxModel})
         * @return this builder
         */
        public Builder labels(LabelMap labels) {
            this.labels = Objects.requireNonNull(labels, "labels");
            return this;
        }

        /**
         * @param spec the preprocessing the model was trained with (with {@link #onnxModel})
         * @return this builder
         */
        public Builder preprocessing(PreprocessingSpec spec) {
            this.preprocessing = Objects.requireNonNull(spec, "spec");
            return this;
        }

        /**
         * @param name the model's image input; by default the package's, or the model's only input
         * @return this builder
         */
        public Builder inputName(String name) {
            this.inputName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * @param name the model's class-score output; by default the package's, or the model's only output
         * @return this builder
         */
        public Builder outputName(String name) {
            this.outputName = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Declares what the output holds (overrides the package's declaration). Without a declaration (a bare ONNX
         * model), each output row is treated as probabilities when all values lie in [0, 1] and sum to 1 (within
         * 1e-3), and as logits otherwise.
         *
         * @param kind logits or probabilities
         * @return this builder
         */
        public Builder outputKind(OutputKind kind) {
            this.outputKind = Objects.requireNonNull(kind, "kind");
            return this;
        }

        /**
         * @param provider where to run the model; CPU by default
         * @return this builder
         */
        public Builder executionProvider(ExecutionProvider provider) {
            this.executionProvider = Objects.requireNonNull(provider, "provider");
            return this;
        }

        /**
         * @param fallback true to run on the CPU, with a WARN log, when the requested CUDA provider is unusable;
         *     false (the default) to fail {@link #build()} instead
         * @return this builder
         */
        public Builder fallbackToCpu(boolean fallback) {
            this.fallbackToCpu = fallback;
            return this;
        }

        /**
         * @param threads ONNX Runtime intra-op threads for one inference; 0 (the default) lets ONNX Runtime choose
         *     (one per physical core)
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder intraOpThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("intraOpThreads must be 0 (automatic) or more, got " + threads);
            }
            this.intraOpThreads = threads;
            return this;
        }

        /**
         * @param size images per inference in {@link #predictBatch}, default 8; ignored when the model's batch
         *     dimension is fixed (then that size is used)
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder batchSize(int size) {
            if (size < 1) {
                throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
            }
            this.batchSize = size;
            return this;
        }

        /**
         * @param threads threads that decode and preprocess images for {@link #predictBatch}; 0 (the default) means
         *     one per processor, at most 8
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder preprocessingThreads(int threads) {
            if (threads < 0) {
                throw new IllegalArgumentException("preprocessingThreads must be 0 (automatic) or more, got " + threads);
            }
            this.preprocessingThreads = threads;
            return this;
        }

        /**
         * @return a new engine
         * @throws IllegalStateException if the configuration is incomplete or contradictory (the message lists
         *     every problem)
         * @throws ModelLoadException if the package or model cannot be loaded, the labels do not match the model,
         *     the model's input does not fit the preprocessing, or the execution provider is unusable
         */
        public PredictionEngine build() {
            List<String> problems = new ArrayList<>();
            boolean fromPackage = packagePath != null || modelPackage != null;
            if (fromPackage && onnxModel != null) {
                problems.add("give either modelPackage(..) or onnxModel(..), not both");
            }
            if (!fromPackage && onnxModel == null) {
                problems.add("give modelPackage(..) or onnxModel(..)");
            }
            if (fromPackage && (labels != null || preprocessing != null)) {
                problems.add("labels(..) and preprocessing(..) come from the model package; do not set them");
            }
            if (onnxModel != null && labels == null) {
                problems.add("labels(..) is required with onnxModel(..)");
            }
            if (onnxModel != null && preprocessing == null) {
                problems.add("preprocessing(..) is required with onnxModel(..)");
            }
            if (!problems.isEmpty()) {
                throw new IllegalStateException("PredictionEngine configuration is incomplete: "
                        + String.join("; ", problems));
            }
            LabelMap useLabels;
            PreprocessingSpec spec;
            String input = inputName;
            String output = outputName;
            OutputKind kind = outputKind;
            Loaded loaded;
            if (fromPackage) {
                ModelPackage pkg = modelPackage != null ? modelPackage : ModelPackage.read(packagePath);
                PipelineDefinition p = pkg.pipeline();
                useLabels = pkg.labels();
                spec = p.preprocessing();
                input = input != null ? input : p.inputName();
                output = output != null ? output : p.outputName();
                kind = kind != null ? kind : p.outputKind();
                loaded = Loaded.open(null, pkg.modelBuffer(), MODEL_NAME_PREFIX + pkg.source(), this);
            } else {
                useLabels = labels;
                spec = preprocessing;
                loaded = Loaded.open(onnxModel, null, "ONNX model " + onnxModel, this);
            }
            try {
                loaded.signature = ModelSignature.of(loaded.session, input, output, spec.width(), spec.height(),
                        loaded.name);
                int classes = loaded.signature.classCount();
                if (classes < 0) {
                    classes = probeClassCount(loaded, spec);
                }
                useLabels.requireSize(classes, loaded.name + " (output '" + loaded.signature.outputName() + "' "
                        + ModelSignature.shape(loaded.signature.outputShape()) + ")");
                return new PredictionEngine(loaded, this, useLabels, spec, kind, classes);
            } catch (RuntimeException e) {
                loaded.closeQuietly();
                throw e;
            }
        }
    }

    private static final String MODEL_NAME_PREFIX = "model.onnx in ";

    /** For outputs with a dynamic class dimension: one inference on zeros tells the count. */
    private static int probeClassCount(Loaded loaded, PreprocessingSpec spec) {
        int n = Math.max(1, loaded.signature.fixedBatchSize());
        long[] shape = {n, 3, spec.height(), spec.width()};
        FloatBuffer zeros = ByteBuffer.allocateDirect(n * spec.tensorSize() * Float.BYTES)
                .order(ByteOrder.nativeOrder()).asFloatBuffer();
        try (OnnxTensor t = OnnxTensor.createTensor(loaded.env, zeros, shape);
             OrtSession.Result r = loaded.session.run(Map.of(loaded.signature.inputName(), t),
                     Set.of(loaded.signature.outputName()))) {
            OnnxValue v = r.get(0);
            if (!(v instanceof OnnxTensor out)) {
                throw new ModelLoadException(loaded.name + ": output '" + loaded.signature.outputName()
                        + "' is not a tensor");
            }
            return (int) (out.getInfo().getNumElements() / n);
        } catch (OrtException e) {
            throw new ModelLoadException(loaded.name + ": a test inference to find the number of classes failed: "
                    + OrtRuntime.describe(e), e);
        }
    }

    /** A session being set up. */
    private static final class Loaded {
        final OrtEnvironment env;
        final String name;
        OrtSession.SessionOptions options;
        OrtSession session;
        ExecutionProvider provider;
        ModelSignature signature;

        private Loaded(OrtEnvironment env, String name) {
            this.env = env;
            this.name = name;
        }

        static Loaded open(Path file, ByteBuffer bytes, String name, Builder b) {
            Loaded l = new Loaded(OrtRuntime.environment(), name);
            ExecutionProvider requested = b.executionProvider;
            l.provider = requested;
            l.options = baseOptions(b.intraOpThreads, name);
            if (requested.isCuda()) {
                String problem = enableCuda(l.options, requested.deviceId());
                if (problem != null) {
                    l.useCpuInstead(problem, b);
                }
            }
            try {
                l.session = create(l.env, file, bytes, l.options);
            } catch (OrtException e) {
                if (!l.provider.isCuda()) {
                    l.options.close();
                    throw new ModelLoadException("cannot load " + name + ": " + OrtRuntime.describe(e), e);
                }
                l.useCpuInstead("creating the session on " + l.provider + " failed: " + OrtRuntime.describe(e), b);
                try {
                    l.session = create(l.env, file, bytes, l.options);
                } catch (OrtException e2) {
                    l.options.close();
                    throw new ModelLoadException("cannot load " + name + ": " + OrtRuntime.describe(e2), e2);
                }
            }
            return l;
        }

        private void useCpuInstead(String problem, Builder b) {
            int device = provider.deviceId();
            options.close();
            if (!b.fallbackToCpu) {
                throw new ModelLoadException(OrtRuntime.cudaUnavailableMessage(problem, device));
            }
            LOG.warn("CUDA (device {}) is not usable, scoring {} on the CPU instead (fallbackToCpu is on): {}", device,
                    name, problem);
            options = baseOptions(b.intraOpThreads, name);
            provider = ExecutionProvider.cpu();
        }

        void closeQuietly() {
            try {
                session.close();
            } catch (OrtException | RuntimeException e) {
                LOG.debug("closing the session of {} failed", name, e);
            }
            options.close();
        }

        private static OrtSession create(OrtEnvironment env, Path file, ByteBuffer bytes, OrtSession.SessionOptions o)
                throws OrtException {
            if (file != null) {
                return env.createSession(file.toString(), o);
            }
            // ONNX Runtime reads models only from direct buffers
            ByteBuffer direct = bytes.isDirect() ? bytes : ByteBuffer.allocateDirect(bytes.remaining()).put(bytes.duplicate()).flip();
            return env.createSession(direct, o);
        }

        private static OrtSession.SessionOptions baseOptions(int intraOpThreads, String name) {
            OrtSession.SessionOptions o = new OrtSession.SessionOptions();
            try {
                o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
                if (intraOpThreads > 0) {
                    o.setIntraOpNumThreads(intraOpThreads);
                }
                // ONNX Runtime's intra-op workers spin for a long while after each run; stop them when a run ends so
                // that they do not take the cores the next call decodes and resizes its images on (they still spin
                // during a run)
                o.addConfigEntry("session.force_spinning_stop", "1");
                return o;
            } catch (OrtException e) {
                o.close();
                throw new ModelLoadException("cannot configure ONNX Runtime for " + name + ": " + OrtRuntime.describe(e), e);
            }
        }

        /** @return null when CUDA was added, otherwise why not */
        private static String enableCuda(OrtSession.SessionOptions o, int deviceId) {
            if (!OrtRuntime.gpuBuildOnClasspath()) {
                return "the classpath holds the CPU build " + OrtRuntime.CPU_ARTIFACT + ", which has no CUDA provider";
            }
            if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
                return "this ONNX Runtime build does not list the CUDA provider";
            }
            try {
                o.addCUDA(deviceId);
                return null;
            } catch (OrtException e) {
                return OrtRuntime.describe(e);
            }
        }
    }

    // ------------------------------------------------------------------------------------------------ scoring

    /**
     * @param file an image file (JPEG, PNG, BMP or GIF)
     * @return the prediction
     * @throws ScoringException if the image cannot be read or decoded, or inference fails
     * @throws IllegalStateException if the engine is closed
     */
    public Prediction predict(Path file) {
        return predictOne(new Source.FileSource(Objects.requireNonNull(file, "file")));
    }

    /**
     * @param encoded an encoded image (JPEG, PNG, BMP or GIF)
     * @return the prediction
     * @throws ScoringException if the image cannot be decoded, or inference fails
     * @throws IllegalStateException if the engine is closed
     */
    public Prediction predict(byte[] encoded) {
        return predictOne(new Source.BytesSource(Objects.requireNonNull(encoded, "encoded")));
    }

    /**
     * @param in an encoded image, read to its end (not closed)
     * @return the prediction
     * @throws ScoringException if the image cannot be read or decoded, or inference fails
     * @throws IllegalStateException if the engine is closed
     */
    public Prediction predict(InputStream in) {
        return predictOne(new Source.StreamSource(Objects.requireNonNull(in, "in")));
    }

    /**
     * @param image an in-memory image (its raw samples are used, see {@link ImageDecoder#decode(BufferedImage)})
     * @return the prediction
     * @throws ScoringException if the colour model is unsupported, or inference fails
     * @throws IllegalStateException if the engine is closed
     */
    public Prediction predict(BufferedImage image) {
        return predictOne(new Source.BufferedSource(Objects.requireNonNull(image, "image")));
    }

    /**
     * @param image a decoded image of any size (the geometry is applied)
     * @return the prediction
     * @throws ScoringException if inference fails
     * @throws IllegalStateException if the engine is closed
     */
    public Prediction predict(RgbImage image) {
        return predictOne(new Source.DecodedSource(Objects.requireNonNull(image, "image")));
    }

    /**
     * Classifies many images: decodes and preprocesses them in parallel on the engine's thread pool and runs them
     * through the model {@link #batchSize()} at a time, the next batch being prepared while the current one runs.
     *
     * @param images each a {@link Path}, {@code byte[]}, {@link InputStream}, {@link BufferedImage} or
     *     {@link RgbImage}
     * @return one prediction per image, in order
     * @throws ScoringException for the first image (in list order) that cannot be decoded, naming its position, or
     *     if inference fails; no partial result is returned
     * @throws IllegalArgumentException if an element is null or of another type
     * @throws IllegalStateException if the engine is closed
     */
    public List<Prediction> predictBatch(List<?> images) {
        Objects.requireNonNull(images, "images");
        Source[] sources = new Source[images.size()];
        for (int i = 0; i < sources.length; i++) {
            sources[i] = Source.of(images.get(i), i);
        }
        if (sources.length == 0) {
            checkOpen();
            return List.of();
        }
        enter();
        try {
            return runBatches(sources);
        } finally {
            lock.readLock().unlock();
        }
    }

    private Prediction predictOne(Source source) {
        enter();
        try {
            RgbImage image = preprocessor.geometry(source.decode());
            FloatBuffer buffer = singleBuffers.take();
            try {
                preprocessor.toTensor(image, buffer, 0);
                return infer(buffer, 1, source)[0];
            } finally {
                singleBuffers.give(buffer);
            }
        } finally {
            lock.readLock().unlock();
        }
    }

    private List<Prediction> runBatches(Source[] sources) {
        ExecutorService pool = executor();
        int n = sources.length;
        Prediction[] results = new Prediction[n];
        PreparedBatch current = prepare(pool, sources, 0);
        while (current != null) {
            int nextStart = current.start + current.count;
            PreparedBatch next = nextStart < n ? prepare(pool, sources, nextStart) : null;
            try {
                current.await(sources);
            } catch (RuntimeException e) {
                if (next != null) {
                    next.cancel();
                }
                throw e;
            }
            Prediction[] out;
            try {
                out = infer(current.buffer, current.count, sources[current.start]);
            } catch (RuntimeException e) {
                if (next != null) {
                    next.cancel();
                }
                throw e;
            }
            System.arraycopy(out, 0, results, current.start, current.count);
            batchBuffers.give(current.buffer);
            current = next;
        }
        return List.of(results);
    }

    private PreparedBatch prepare(ExecutorService pool, Source[] sources, int start) {
        int count = Math.min(batchSize, sources.length - start);
        FloatBuffer buffer = batchBuffers.take();
        List<Future<?>> futures = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Source source = sources[start + i];
            int offset = i * tensorSize;
            futures.add(pool.submit(() -> {
                preprocessor.toTensor(preprocessor.geometry(source.decode()), buffer, offset);
                return null;
            }));
        }
        return new PreparedBatch(start, count, buffer, futures);
    }

    /** Images being preprocessed into one buffer. */
    private static final class PreparedBatch {
        final int start;
        final int count;
        final FloatBuffer buffer;
        final List<Future<?>> futures;

        PreparedBatch(int start, int count, FloatBuffer buffer, List<Future<?>> futures) {
            this.start = start;
            this.count = count;
            this.buffer = buffer;
            this.futures = futures;
        }

        void await(Source[] sources) {
            for (int i = 0; i < futures.size(); i++) {
                try {
                    futures.get(i).get();
                } catch (ExecutionException e) {
                    cancel();
                    Throwable c = e.getCause();
                    String where = "predictBatch input #" + (start + i) + " (" + sources[start + i].describe() + ")";
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

    /** One inference over the first {@code count} images in the buffer. */
    private Prediction[] infer(FloatBuffer buffer, int count, Source first) {
        int rows = fixedBatch ? batchSize : count;
        FloatBuffer view = buffer.duplicate();
        view.position(0).limit(rows * tensorSize);
        long[] shape = {rows, 3, preprocessor.spec().height(), preprocessor.spec().width()};
        float[] flat;
        try (OnnxTensor input = OnnxTensor.createTensor(env, view, shape);
             OrtSession.Result result = session.run(Map.of(signature.inputName(), input), outputNames)) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor out)) {
                throw new ScoringException(modelName + ": output '" + signature.outputName() + "' is not a tensor");
            }
            FloatBuffer fb = out.getFloatBuffer();
            flat = new float[fb.remaining()];
            fb.get(flat);
        } catch (OrtException e) {
            throw new ScoringException("inference failed for " + (count == 1 ? first.describe()
                    : count + " images starting with " + first.describe()) + ": " + OrtRuntime.describe(e), e);
        }
        int classes = labels.size();
        if (flat.length != rows * classes) {
            throw new ScoringException(modelName + " returned " + flat.length + " values for " + rows + " images; "
                    + "expected " + classes + " per image (one per label)");
        }
        Prediction[] out = new Prediction[count];
        for (int i = 0; i < count; i++) {
            float[] raw = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
            out[i] = Prediction.of(labels, probabilities(raw, count == 1 ? first : null), raw);
        }
        return out;
    }

    private double[] probabilities(float[] raw, Source source) {
        for (float v : raw) {
            if (!Float.isFinite(v)) {
                throw new ScoringException(modelName + " produced a non-finite output " + Arrays.toString(raw)
                        + (source != null ? " for " + source.describe() : ""));
            }
        }
        OutputKind kind = outputKind != null ? outputKind : looksLikeProbabilities(raw) ? OutputKind.PROBABILITIES
                : OutputKind.LOGITS;
        double[] p = new double[raw.length];
        if (kind == OutputKind.PROBABILITIES) {
            for (int i = 0; i < raw.length; i++) {
                p[i] = raw[i];
            }
            return p;
        }
        return softmax(raw);
    }

    /** Numerically stable softmax in double precision. */
    static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((double) logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    static boolean looksLikeProbabilities(float[] raw) {
        double sum = 0;
        for (float v : raw) {
            if (v < 0f || v > 1f) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1.0) <= 1e-3;
    }

    // ------------------------------------------------------------------------------------------------ lifecycle

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("this PredictionEngine is closed");
        }
    }

    /** Takes the read lock for a whole call; close() waits for it. */
    private void enter() {
        checkOpen();
        lock.readLock().lock();
        if (closed) {
            lock.readLock().unlock();
            throw new IllegalStateException("this PredictionEngine is closed");
        }
    }

    private synchronized ExecutorService executor() {
        if (executor == null) {
            ThreadFactory threads = r -> {
                Thread t = new Thread(r, "modelbuilder-preprocess-" + THREAD_IDS.incrementAndGet());
                t.setDaemon(true);
                return t;
            };
            executor = new ThreadPoolExecutor(preprocessingThreads, preprocessingThreads, 30, TimeUnit.SECONDS,
                    new LinkedBlockingQueue<>(), threads);
            ((ThreadPoolExecutor) executor).allowCoreThreadTimeOut(true);
        }
        return executor;
    }

    /**
     * Waits for the predictions already running, then frees the native session and stops the preprocessing
     * threads. Later calls throw {@link IllegalStateException}. Idempotent.
     *
     * @throws IllegalStateException if called from inside a prediction on the same thread (it would wait forever)
     */
    @Override
    public void close() {
        if (lock.getReadHoldCount() > 0) {
            throw new IllegalStateException("close() was called from inside a prediction of this engine");
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
        try {
            session.close();
        } catch (OrtException e) {
            LOG.warn("closing the ONNX Runtime session of {} failed: {}", modelName, OrtRuntime.describe(e));
        }
        options.close();
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

    // ------------------------------------------------------------------------------------------------ helpers

    /** Direct, native-order tensor buffers reused across calls. */
    private static final class BufferPool {
        private final int floats;
        private final int keep;
        private final ConcurrentLinkedDeque<FloatBuffer> free = new ConcurrentLinkedDeque<>();
        private final AtomicInteger size = new AtomicInteger();

        /** Keeps at most {@code maxKept} idle buffers, and at most 64 MiB of them (but always 2). */
        BufferPool(int floats, int maxKept) {
            this.floats = floats;
            long budget = 64L << 20;
            this.keep = (int) Math.max(2, Math.min(maxKept, budget / ((long) floats * Float.BYTES)));
        }

        FloatBuffer take() {
            FloatBuffer b = free.pollFirst();
            if (b != null) {
                size.decrementAndGet();
                return b;
            }
            return ByteBuffer.allocateDirect(floats * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        }

        void give(FloatBuffer b) {
            if (size.incrementAndGet() <= keep) {
                free.offerFirst(b);
            } else {
                size.decrementAndGet();
            }
        }

        void clear() {
            free.clear();
            size.set(0);
        }
    }

    /** An image given to predict or predictBatch. */
    private interface Source {
        RgbImage decode();

        String describe();

        static Source of(Object o, int index) {
            if (o instanceof Path p) {
                return new FileSource(p);
            }
            if (o instanceof byte[] b) {
                return new BytesSource(b);
            }
            if (o instanceof InputStream in) {
                return new StreamSource(in);
            }
            if (o instanceof BufferedImage bi) {
                return new BufferedSource(bi);
            }
            if (o instanceof RgbImage img) {
                return new DecodedSource(img);
            }
            throw new IllegalArgumentException("predictBatch input #" + index + " is "
                    + (o == null ? "null" : "a " + o.getClass().getName())
                    + "; use a Path, byte[], InputStream, BufferedImage or RgbImage");
        }

        record FileSource(Path file) implements Source {
            @Override
            public RgbImage decode() {
                return ImageDecoder.decode(file);
            }

            @Override
            public String describe() {
                return file.toString();
            }
        }

        record BytesSource(byte[] bytes) implements Source {
            @Override
            public RgbImage decode() {
                return ImageDecoder.decode(bytes);
            }

            @Override
            public String describe() {
                return "image data (" + bytes.length + " bytes)";
            }
        }

        record StreamSource(InputStream in) implements Source {
            @Override
            public RgbImage decode() {
                return ImageDecoder.decode(in);
            }

            @Override
            public String describe() {
                return "image stream";
            }
        }

        record BufferedSource(BufferedImage image) implements Source {
            @Override
            public RgbImage decode() {
                return ImageDecoder.decode(image);
            }

            @Override
            public String describe() {
                return "BufferedImage " + image.getWidth() + "x" + image.getHeight();
            }
        }

        record DecodedSource(RgbImage image) implements Source {
            @Override
            public RgbImage decode() {
                return image;
            }

            @Override
            public String describe() {
                return image.toString();
            }
        }
    }
}
