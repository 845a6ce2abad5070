package dev.modelbuilder.local;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.util.Objects;

/**
 * Builds {@link LocalTrainingOptions}; get one from {@link LocalTrainingOptions#builder()}. Each value starts at its
 * default ({@code LocalTrainingOptions.DEFAULT_*}); {@link #build()} checks them all at once. Not thread-safe.
 *
 * <p>Without {@link #withBackbone(String)} or {@link #withoutBackbone()}, {@link #build()} chooses the backbone:
 * {@value LocalTrainingOptions#AUTOMATIC_BACKBONE} (the catalog's default when it is cached or can be downloaded,
 * else from scratch), or {@value LocalTrainingOptions#NO_BACKBONE} when an architecture or an image size was given,
 * since those describe a network trained from scratch.
 */
public final class LocalTrainingOptionsBuilder {
    private String backbone;
    private String architecture;
    private Integer imageSize;
    private int maxEpochs = LocalTrainingOptions.DEFAULT_MAX_EPOCHS;
    private int width = LocalTrainingOptions.DEFAULT_WIDTH;
    private int batchSize = LocalTrainingOptions.DEFAULT_BATCH_SIZE;
    private double learningRate = LocalTrainingOptions.DEFAULT_LEARNING_RATE;
    private double weightDecay = LocalTrainingOptions.DEFAULT_WEIGHT_DECAY;
    private int patience = LocalTrainingOptions.DEFAULT_PATIENCE;
    private PreprocessingSpec.Geometry preprocess;
    private Boolean normalize;
    private int augmentViews = LocalTrainingOptions.DEFAULT_AUGMENT_VIEWS;
    private String cutNode;

    LocalTrainingOptionsBuilder() {
    }

    /**
     * Starts from a pretrained backbone: its layers up to the final classification layer stay frozen as a feature
     * extractor and only a new linear head is trained, which needs far fewer images than training from scratch.
     *
     * @param nameOrOnnxFile a catalog name ({@code mobilenetv2}, {@code resnet50}, {@code resnet18}), the path of an
     *     ONNX classifier, {@value LocalTrainingOptions#NO_BACKBONE} or
     *     {@value LocalTrainingOptions#AUTOMATIC_BACKBONE}
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withBackbone(String nameOrOnnxFile) {
        this.backbone = Objects.requireNonNull(nameOrOnnxFile, "nameOrOnnxFile");
        return this;
    }

    /**
     * Trains from scratch (the same as {@code withBackbone("none")}).
     *
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withoutBackbone() {
        return withBackbone(LocalTrainingOptions.NO_BACKBONE);
    }

    /**
     * @param name from scratch: {@code resnet8}, {@code resnet14} (default) or {@code resnet20}
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withArchitecture(String name) {
        this.architecture = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * @param pixels from scratch: the input height and width, 32 to 1024 (default 64)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withImageSize(int pixels) {
        this.imageSize = pixels;
        return this;
    }

    /**
     * @param epochs from scratch: the epoch limit, at least 1 (default 30)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withMaxEpochs(int epochs) {
        this.maxEpochs = epochs;
        return this;
    }

    /**
     * @param channels from scratch: the first stage's channels, 1 to 256 (default 16)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withWidth(int channels) {
        this.width = channels;
        return this;
    }

    /**
     * @param images from scratch: images per batch, 2 to 4096 (default 32)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withBatchSize(int images) {
        this.batchSize = images;
        return this;
    }

    /**
     * @param rate from scratch: Adam's initial learning rate, above 0 and below 10 (default 0.005)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withLearningRate(double rate) {
        this.learningRate = rate;
        return this;
    }

    /**
     * @param decay from scratch: the L2 weight decay, 0 or more and below 10 (default 0.0001)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withWeightDecay(double decay) {
        this.weightDecay = decay;
        return this;
    }

    /**
     * @param epochs from scratch: epochs without a better validation result before early stopping, 1 to 10000
     *     (default 10)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withPatience(int epochs) {
        this.patience = epochs;
        return this;
    }

    /**
     * @param geometry from a backbone: how images are resized to its input (default: the backbone's own; resize-crop
     *     for an ONNX file)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withPreprocess(PreprocessingSpec.Geometry geometry) {
        this.preprocess = Objects.requireNonNull(geometry, "geometry");
        return this;
    }

    /**
     * @param imageNet from a backbone: whether to apply the ImageNet mean and standard deviation (default: the
     *     backbone's own; yes for an ONNX file)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withNormalize(boolean imageNet) {
        this.normalize = imageNet;
        return this;
    }

    /**
     * @param views from a backbone: views per training image, 1 (no augmentation) to 4 (default 2)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withAugmentViews(int views) {
        this.augmentViews = views;
        return this;
    }

    /**
     * @param node from a backbone: the node of its graph to cut before (default: the backbone's own; the last Gemm or
     *     MatMul for an ONNX file)
     * @return this builder
     */
    public LocalTrainingOptionsBuilder withCutNode(String node) {
        this.cutNode = Objects.requireNonNull(node, "node");
        return this;
    }

    /**
     * @return the options
     * @throws ValidationException listing every value out of its range, an unknown architecture or backbone, or a
     *     backbone file that does not exist
     */
    public LocalTrainingOptions build() {
        String chosenBackbone = backbone != null ? backbone
                : architecture != null || imageSize != null ? LocalTrainingOptions.NO_BACKBONE
                : LocalTrainingOptions.AUTOMATIC_BACKBONE;
        return new LocalTrainingOptions(chosenBackbone,
                architecture == null ? LocalTrainingOptions.DEFAULT_ARCHITECTURE : architecture,
                imageSize == null ? LocalTrainingOptions.DEFAULT_IMAGE_SIZE : imageSize, maxEpochs, width, batchSize,
                learningRate, weightDecay, patience, preprocess, normalize, augmentViews, cutNode);
    }
}
