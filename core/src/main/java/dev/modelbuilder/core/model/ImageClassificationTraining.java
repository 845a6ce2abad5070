package dev.modelbuilder.core.model;

import dev.modelbuilder.core.dataset.DatasetRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What to train: an image classifier on a folder with one sub-folder per label. Immutable; build it with
 * {@link #fromFolder(Path)}. Unset limits fall to the provider's defaults (ResNet50 on Azure, a small ResNet
 * that trains in minutes on the local backend).
 *
 * <pre>{@code
 * ImageClassificationTraining training = ImageClassificationTraining.fromFolder(Path.of("flowers"))
 *         .withTimeBudget(Duration.ofMinutes(30))
 *         .withValidationSplit(0.2)
 *         .onCompute("gpu-cluster")
 *         .build();
 * }</pre>
 *
 * @param dataFolder the dataset folder (one sub-folder per label; JPEG, PNG, BMP or GIF images)
 * @param architecture the network, e.g. {@code resnet50}, or {@code null} for the provider's default
 * @param timeBudget the most time training may take, or {@code null} for the provider's default
 * @param maxEpochs the most epochs, or {@code null} for the provider's default
 * @param maxTrials the most trials (hyper-parameter sweeps on Azure), at least 1
 * @param validationSplit the share of images held out for validation, in (0, 0.5]
 * @param imageSize the model's input height and width in pixels, or {@code null} for the provider's default (224 on
 *     Azure, 64 on the local backend)
 * @param computeName the compute to train on, or {@code null} for the provider's default
 * @param seed the random seed for the validation split and augmentation
 * @param datasetRules the checks the dataset must pass before anything is uploaded or trained
 * @param options provider-specific settings (e.g. {@code learningRate}), copied
 */
public record ImageClassificationTraining(Path dataFolder, String architecture, Duration timeBudget, Integer maxEpochs,
        int maxTrials, double validationSplit, Integer imageSize, String computeName, long seed, DatasetRules datasetRules,
        Map<String, String> options) {

    /** The validation share used when none is given. */
    public static final double DEFAULT_VALIDATION_SPLIT = 0.2;
    /**
     * The {@link #architecture()} that asks the provider to choose architectures and hyper-parameters itself (Azure
     * AutoML's "AutoMode"), set by {@link Builder#autoMode()}.
     */
    public static final String AUTO_MODE = "auto";
    /** @throws dev.modelbuilder.core.exception.ValidationException listing every broken rule */
    public ImageClassificationTraining {
        datasetRules = Objects.requireNonNullElse(datasetRules, DatasetRules.defaults());
        options = Map.copyOf(Objects.requireNonNullElse(options, Map.of()));
        new Rules.Collector()
                .require(dataFolder != null, "data folder", null,
                        "give the folder that holds one sub-folder of images per label")
                .require(architecture == null || architecture.matches("[A-Za-z0-9_.-]{1,64}"), "architecture",
                        architecture, "use a model name such as resnet50")
                .require(timeBudget == null || (!timeBudget.isNegative() && !timeBudget.isZero()), "time budget",
                        timeBudget, "use a positive duration, e.g. PT10M")
                .require(maxEpochs == null || maxEpochs >= 1, "maximum epochs", maxEpochs, "use 1 or more")
                .require(maxTrials >= 1, "maximum trials", maxTrials, "use 1 or more")
                .require(validationSplit > 0 && validationSplit <= 0.5, "validation split", validationSplit,
                        "use a share above 0 and at most 0.5, e.g. 0.2")
                .require(imageSize == null || (imageSize >= 32 && imageSize <= 1024), "image size", imageSize, "use 32 to 1024 pixels")
                .add(computeName == null ? java.util.List.of() : Rules.computeName(computeName))
                .throwIfAny();
    }

    /**
     * @param dataFolder the dataset folder
     * @return a builder with the defaults
     */
    public static Builder fromFolder(Path dataFolder) {
        return new Builder(dataFolder);
    }

    /** @return a builder holding this spec's values */
    public Builder toBuilder() {
        Builder b = new Builder(dataFolder);
        b.architecture = architecture;
        b.timeBudget = timeBudget;
        b.maxEpochs = maxEpochs;
        b.maxTrials = maxTrials;
        b.validationSplit = validationSplit;
        b.imageSize = imageSize;
        b.computeName = computeName;
        b.seed = seed;
        b.datasetRules = datasetRules;
        b.options.putAll(options);
        return b;
    }

    /** @return the time budget, when one was set */
    public Optional<Duration> timeBudgetIfSet() {
        return Optional.ofNullable(timeBudget);
    }

    /** @return the input size, when one was set */
    public Optional<Integer> imageSizeIfSet() {
        return Optional.ofNullable(imageSize);
    }

    /** @return whether the provider chooses the architectures itself ({@link Builder#autoMode()}) */
    public boolean isAutoMode() {
        return AUTO_MODE.equals(architecture);
    }

    /** @return the epoch limit, when one was set */
    public Optional<Integer> maxEpochsIfSet() {
        return Optional.ofNullable(maxEpochs);
    }

    /** Fluent builder; {@link #build()} validates. Not thread-safe. */
    public static final class Builder {
        private final Path dataFolder;
        private String architecture;
        private Duration timeBudget;
        private Integer maxEpochs;
        private int maxTrials = 1;
        private double validationSplit = DEFAULT_VALIDATION_SPLIT;
        private Integer imageSize;
        private String computeName;
        private long seed = 42;
        private DatasetRules datasetRules = DatasetRules.defaults();
        private final Map<String, String> options = new LinkedHashMap<>();

        private Builder(Path dataFolder) {
            this.dataFolder = dataFolder;
        }

        /**
         * @param architecture e.g. {@code resnet50}
         * @return this builder
         */
        public Builder withArchitecture(String architecture) {
            this.architecture = architecture;
            return this;
        }

        /**
         * Lets the provider choose architectures and hyper-parameters itself over the trials ({@link #AUTO_MODE}),
         * instead of training one named architecture; replaces any architecture set before.
         *
         * @return this builder
         */
        public Builder autoMode() {
            this.architecture = AUTO_MODE;
            return this;
        }

        /**
         * @param timeBudget the most time training may take
         * @return this builder
         */
        public Builder withTimeBudget(Duration timeBudget) {
            this.timeBudget = timeBudget;
            return this;
        }

        /**
         * @param maxEpochs the most epochs
         * @return this builder
         */
        public Builder withMaxEpochs(int maxEpochs) {
            this.maxEpochs = maxEpochs;
            return this;
        }

        /**
         * @param maxTrials the most trials
         * @return this builder
         */
        public Builder withMaxTrials(int maxTrials) {
            this.maxTrials = maxTrials;
            return this;
        }

        /**
         * @param validationSplit share of images held out, e.g. 0.2
         * @return this builder
         */
        public Builder withValidationSplit(double validationSplit) {
            this.validationSplit = validationSplit;
            return this;
        }

        /**
         * @param imageSize the model's input size in pixels
         * @return this builder
         */
        public Builder withImageSize(int imageSize) {
            this.imageSize = imageSize;
            return this;
        }

        /**
         * @param computeName the compute to train on
         * @return this builder
         */
        public Builder onCompute(String computeName) {
            this.computeName = computeName;
            return this;
        }

        /**
         * @param seed random seed
         * @return this builder
         */
        public Builder withSeed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * @param datasetRules the checks the dataset must pass
         * @return this builder
         */
        public Builder withDatasetRules(DatasetRules datasetRules) {
            this.datasetRules = datasetRules;
            return this;
        }

        /**
         * Starts from a pretrained ImageNet classifier (local backend): its layers up to the final classification
         * layer stay frozen as a feature extractor and only a new linear head is trained, which needs far fewer
         * images than training from scratch. Without this call the local backend uses its default backbone when it
         * is cached or can be downloaded, unless an architecture or image size is set.
         *
         * <pre>{@code
         * ImageClassificationTraining.fromFolder(photos).withBackbone("resnet50").build();      // from the catalog
         * ImageClassificationTraining.fromFolder(photos).withBackbone("models/my-net.onnx")     // any ONNX classifier
         *         .withOption("preprocess", "squash").withOption("normalize", "false").build();
         * }</pre>
         *
         * @param nameOrOnnxFile a catalog name ({@code mobilenetv2}, {@code resnet50}, {@code resnet18}), the path of
         *     an ONNX classifier with an input [N,3,H,W], or {@code none} to train from scratch; stored as the option
         *     {@code backbone}
         * @return this builder
         */
        public Builder withBackbone(String nameOrOnnxFile) {
            return withOption("backbone", Objects.requireNonNull(nameOrOnnxFile, "nameOrOnnxFile"));
        }

        /**
         * Trains from scratch, without a pretrained backbone (local backend; same as {@code withBackbone("none")}).
         *
         * @return this builder
         */
        public Builder withoutBackbone() {
            return withBackbone("none");
        }

        /**
         * @param name a provider-specific setting
         * @param value its value
         * @return this builder
         */
        public Builder withOption(String name, String value) {
            options.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * @return the validated spec
         * @throws dev.modelbuilder.core.exception.ValidationException listing every broken rule
         */
        public ImageClassificationTraining build() {
            return new ImageClassificationTraining(dataFolder, architecture, timeBudget, maxEpochs, maxTrials,
                    validationSplit, imageSize, computeName, seed, datasetRules, options);
        }
    }
}
