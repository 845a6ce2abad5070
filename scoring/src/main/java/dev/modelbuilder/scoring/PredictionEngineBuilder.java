package dev.modelbuilder.scoring;

import dev.modelbuilder.core.exception.ValidationException;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelCache;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.OutputKind;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.implementation.ModelSession;
import dev.modelbuilder.scoring.implementation.ModelSignature;
import dev.modelbuilder.scoring.implementation.OptimizedModels;
import dev.modelbuilder.scoring.implementation.OrtRuntime;

import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Configures a {@link PredictionEngine}. Give either a model package, or an ONNX model with its labels and
 * preprocessing. Not thread-safe; each {@link #build()} creates a new engine.
 */
public final class PredictionEngineBuilder {
    private static final int DEFAULT_BATCH_SIZE = 8;
    private static final String MODEL_NAME_PREFIX = "model.onnx in ";

    private Path packagePath;
    private ModelPackage modelPackage;
    private InputStream packageStream;
    private ModelCache modelCache = ModelCache.defaultCache();
    private Path onnxModel;
    private LabelMap labels;
    private PreprocessingSpec preprocessing;
    private String inputName;
    private String outputName;
    private OutputKind outputKind;
    private Double multiLabelThreshold;
    private Map<String, Double> labelThresholds = Map.of();
    private ExecutionProvider executionProvider = ExecutionProvider.cpu();
    private boolean fallbackToCpu;
    private int intraOpThreads;
    int batchSize = DEFAULT_BATCH_SIZE;
    int preprocessingThreads;
    long maxImageBytes = ImageDecoder.DEFAULT_MAX_ENCODED_BYTES;

    PredictionEngineBuilder() {
    }

    /**
     * @param zip an MLModel.zip (read at {@link #build()})
     * @return this builder
     */
    public PredictionEngineBuilder withModelPackage(Path zip) {
        this.packagePath = Objects.requireNonNull(zip, "zip");
        this.modelPackage = null;
        this.packageStream = null;
        return this;
    }

    /**
     * @param zip an MLModel.zip's bytes, e.g. a class-path resource (read to the end of the archive at
     *     {@link #build()}; the stream is not closed)
     * @return this builder
     */
    public PredictionEngineBuilder withModelPackage(InputStream zip) {
        this.packageStream = Objects.requireNonNull(zip, "zip");
        this.packagePath = null;
        this.modelPackage = null;
        return this;
    }

    /**
     * @param pkg a package already read (its model is loaded from {@link ModelPackage#modelFile()} when it has one)
     * @return this builder
     */
    public PredictionEngineBuilder withModelPackage(ModelPackage pkg) {
        this.modelPackage = Objects.requireNonNull(pkg, "pkg");
        this.packagePath = null;
        this.packageStream = null;
        return this;
    }

    /**
     * Where a package's model is kept as a verified file, so that ONNX Runtime loads it by path: faster, and without
     * a second copy of the model in memory. By default {@link ModelCache#defaultCache()}; a folder that cannot be
     * written is passed over (the model is then loaded from the archive's bytes).
     *
     * @param cache the cache, or null to load every package's model from the archive's bytes
     * @return this builder
     */
    public PredictionEngineBuilder withModelCache(ModelCache cache) {
        this.modelCache = cache;
        return this;
    }

    /**
     * @param onnxFile an ONNX model (e.g. bestModel.onnx); also give {@link #labels} and {@link #preprocessing}
     * @return this builder
     */
    public PredictionEngineBuilder withOnnxModel(Path onnxFile) {
        this.onnxModel = Objects.requireNonNull(onnxFile, "onnxFile");
        return this;
    }

    /**
     * @param labels the labels in class-index order (with {@link #onnxModel})
     * @return this builder
     */
    public PredictionEngineBuilder withLabels(LabelMap labels) {
        this.labels = Objects.requireNonNull(labels, "labels");
        return this;
    }

    /**
     * @param spec the preprocessing the model was trained with (with {@link #onnxModel})
     * @return this builder
     */
    public PredictionEngineBuilder withPreprocessing(PreprocessingSpec spec) {
        this.preprocessing = Objects.requireNonNull(spec, "spec");
        return this;
    }

    /**
     * @param name the model's image input; by default the package's, or the model's only input
     * @return this builder
     */
    public PredictionEngineBuilder withInputName(String name) {
        this.inputName = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * @param name the model's class-score output; by default the package's, or the model's only output
     * @return this builder
     */
    public PredictionEngineBuilder withOutputName(String name) {
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
    public PredictionEngineBuilder withOutputKind(OutputKind kind) {
        this.outputKind = Objects.requireNonNull(kind, "kind");
        return this;
    }

    /**
     * Scores a bare ONNX model as multi-label: a sigmoid per label, and every label at or above its threshold
     * predicted (a package says this itself, in {@code pipeline.json}).
     *
     * @param threshold the probability at or above which a label is predicted, strictly between 0 and 1 (e.g. 0.5)
     * @param perLabel thresholds of particular labels (may be empty)
     * @return this builder
     * @throws ValidationException if a threshold is not strictly between 0 and 1
     */
    public PredictionEngineBuilder withMultiLabel(double threshold, Map<String, Double> perLabel) {
        // PipelineSpec holds the rules of thresholds: check them the same way
        PipelineSpec.of(PreprocessingSpec.squash(1)).withMultiLabel(threshold, perLabel);
        this.multiLabelThreshold = threshold;
        this.labelThresholds = Map.copyOf(perLabel);
        return this;
    }

    /**
     * @param provider where to run the model; CPU by default
     * @return this builder
     */
    public PredictionEngineBuilder withExecutionProvider(ExecutionProvider provider) {
        this.executionProvider = Objects.requireNonNull(provider, "provider");
        return this;
    }

    /**
     * @param fallback true to run on the CPU, with a WARN log, when the requested CUDA provider is unusable;
     *     false (the default) to fail {@link #build()} instead
     * @return this builder
     */
    public PredictionEngineBuilder withFallbackToCpu(boolean fallback) {
        this.fallbackToCpu = fallback;
        return this;
    }

    /**
     * @param threads ONNX Runtime intra-op threads for one inference; 0 (the default) lets ONNX Runtime choose
     *     (one per physical core)
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public PredictionEngineBuilder withIntraOpThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("intraOpThreads must be 0 (automatic) or more, got " + threads);
        }
        this.intraOpThreads = threads;
        return this;
    }

    /**
     * @param size images per inference in {@link PredictionEngine#predictBatch}, default 8; ignored when the model's batch
     *     dimension is fixed (then that size is used)
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public PredictionEngineBuilder withBatchSize(int size) {
        if (size < 1) {
            throw new IllegalArgumentException("batchSize must be at least 1, got " + size);
        }
        this.batchSize = size;
        return this;
    }

    /**
     * @param threads threads that decode and preprocess images for {@link PredictionEngine#predictBatch}; 0 (the default) means
     *     one per processor, at most 8
     * @return this builder
     * @throws IllegalArgumentException if negative
     */
    public PredictionEngineBuilder withPreprocessingThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("preprocessingThreads must be 0 (automatic) or more, got " + threads);
        }
        this.preprocessingThreads = threads;
        return this;
    }

    /**
     * @param bytes the largest encoded image (file, bytes or stream) that is read; 256 MiB by default. Larger
     *     images fail alone with a {@link ScoringException}, before they are read
     * @return this builder
     * @throws IllegalArgumentException if less than 1
     */
    public PredictionEngineBuilder withMaxImageBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxImageBytes must be at least 1, got " + bytes);
        }
        this.maxImageBytes = bytes;
        return this;
    }

    /**
     * @return a new engine
     * @throws ValidationException if the configuration is incomplete or contradictory (the message lists
     *     every problem)
     * @throws ModelLoadException if the package or model cannot be loaded, the labels do not match the model,
     *     the model's input does not fit the preprocessing, or the execution provider is unusable
     */
    public PredictionEngine build() {
        List<String> problems = new ArrayList<>();
        boolean fromPackage = packagePath != null || modelPackage != null || packageStream != null;
        if (fromPackage && onnxModel != null) {
            problems.add("give either withModelPackage(..) or withOnnxModel(..), not both");
        }
        if (!fromPackage && onnxModel == null) {
            problems.add("give withModelPackage(..) or withOnnxModel(..)");
        }
        if (fromPackage && (labels != null || preprocessing != null)) {
            problems.add("withLabels(..) and withPreprocessing(..) come from the model package; do not set them");
        }
        if (fromPackage && multiLabelThreshold != null) {
            problems.add("withMultiLabel(..) comes from the model package (package --multi-label); do not set it");
        }
        if (labels != null && !labels.labels().containsAll(labelThresholds.keySet())) {
            problems.add("withMultiLabel(..) names labels that are not the model's: " + labelThresholds.keySet()
                    .stream().filter(l -> !labels.labels().contains(l)).sorted().toList());
        }
        if (onnxModel != null && labels == null) {
            problems.add("withLabels(..) is required with withOnnxModel(..)");
        }
        if (onnxModel != null && preprocessing == null) {
            problems.add("withPreprocessing(..) is required with withOnnxModel(..)");
        }
        if (!problems.isEmpty()) {
            throw new ValidationException("prediction engine configuration", null, String.join("; ", problems));
        }
        // the runtime and the image readers load while the package is read and the session is created
        OrtRuntime.warmUpInBackground();
        LabelMap useLabels;
        PreprocessingSpec spec;
        String input = inputName;
        String output = outputName;
        OutputKind kind = outputKind;
        double threshold = multiLabelThreshold == null ? PipelineSpec.DEFAULT_THRESHOLD : multiLabelThreshold;
        Map<String, Double> perLabel = labelThresholds;
        boolean multiLabel = multiLabelThreshold != null;
        ModelSession.Request request;
        if (fromPackage) {
            ModelPackage pkg = modelPackage != null ? modelPackage
                    : packagePath != null ? ModelPackage.read(packagePath, ModelPackage.Limits.defaults(), modelCache)
                    : ModelPackage.read(packageStream, ModelPackage.Limits.defaults(), modelCache);
            PipelineSpec p = pkg.pipeline();
            useLabels = pkg.labels();
            spec = p.preprocessing();
            input = input != null ? input : p.inputName();
            output = output != null ? output : p.outputName();
            kind = kind != null ? kind : p.outputKind();
            multiLabel = p.isMultiLabel();
            threshold = p.threshold();
            perLabel = p.labelThresholds();
            request = request(null, pkg, MODEL_NAME_PREFIX + pkg.source(), spec);
        } else {
            useLabels = labels;
            spec = preprocessing;
            request = request(onnxModel, null, "ONNX model " + onnxModel, spec);
        }
        ModelSession session;
        try {
            session = ModelSession.open(request);
        } catch (ModelLoadException e) {
            if (packagePath == null || request.file() == null || java.nio.file.Files.exists(request.file())) {
                throw e;
            }
            // another process evicted the cached copy between the package read and the session: read it again,
            // without the cache, rather than fail a load that can succeed
            ModelPackage pkg = ModelPackage.read(packagePath, ModelPackage.Limits.defaults(), null);
            session = ModelSession.open(request(null, pkg, MODEL_NAME_PREFIX + pkg.source(), spec));
        }
        try {
            ModelSignature signature = session.check(useLabels, spec, input, output, true);
            double[] thresholds = null;
            if (multiLabel) {
                thresholds = new double[useLabels.size()];
                for (int i = 0; i < thresholds.length; i++) {
                    thresholds[i] = perLabel.getOrDefault(useLabels.label(i), threshold);
                }
            }
            return new PredictionEngine(session, signature, this, useLabels, spec, kind, thresholds);
        } catch (RuntimeException e) {
            session.close();
            throw e;
        }
    }

    private ModelSession.Request request(Path file, ModelPackage pkg, String name, PreprocessingSpec spec) {
        OptimizedModels optimized = null;
        if (pkg != null && pkg.modelFile().isPresent() && modelCache != null) {
            file = pkg.modelFile().get();
            // beside the verified copy it was made from; dropped when the copy is evicted
            optimized = OptimizedModels.of(modelCache.directory().resolve("optimized"),
                    pkg.modelSha256().orElseThrow(), spec.width(), spec.height());
        }
        return new ModelSession.Request(file, file != null ? null : pkg.modelBuffer(), name,
                executionProvider.isCuda() ? executionProvider.deviceId() : -1, fallbackToCpu, intraOpThreads,
                optimized);
    }
}
