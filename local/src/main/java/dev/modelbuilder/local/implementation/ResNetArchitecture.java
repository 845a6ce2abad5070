package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.exception.ValidationException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of the local backend's ResNet-style network: a 3x3 convolution stem (stride 2 from 128 pixels up) with
 * batch normalization, ReLU and a 3x3 max pool; then stages of basic residual blocks (two 3x3 convolutions, each
 * followed by batch normalization, and an identity or 1x1-convolution shortcut), the width doubling and the
 * resolution halving from one stage to the next; then global average pooling and one linear layer.
 *
 * @param name the architecture name, e.g. {@code resnet8}
 * @param imageSize the input height and width in pixels
 * @param width the stem's and first stage's channel count
 * @param blocksPerStage residual blocks in each stage (3 stages for the named architectures)
 * @param classes output classes
 * @param epsilon every batch normalization's epsilon (exported as is)
 * @param momentum the weight of the running statistics kept at each batch normalization update (DJL convention)
 */
record ResNetArchitecture(String name, int imageSize, int width, List<Integer> blocksPerStage, int classes,
        float epsilon, float momentum) {

    /** Default batch-normalization epsilon (PyTorch's default). */
    public static final float DEFAULT_EPSILON = 1e-5f;
    /** Default batch-normalization momentum in DJL's convention (PyTorch's 0.1). */
    public static final float DEFAULT_MOMENTUM = 0.9f;

    private static final Map<String, List<Integer>> ARCHITECTURES = Map.of(
            "resnet8", List.of(1, 1, 1),
            "resnet14", List.of(2, 2, 2),
            "resnet20", List.of(3, 3, 3));

    /** Checks the figures and copies the stage list. */
    public ResNetArchitecture {
        blocksPerStage = List.copyOf(blocksPerStage);
        if (imageSize < 16 || width < 1 || width > 512 || blocksPerStage.isEmpty() || classes < 2
                || !(epsilon > 0) || !(momentum >= 0 && momentum < 1)) {
            throw new IllegalArgumentException("impossible network " + name + ": size " + imageSize + ", width " + width
                    + ", stages " + blocksPerStage + ", classes " + classes + ", epsilon " + epsilon);
        }
        for (int b : blocksPerStage) {
            if (b < 1) {
                throw new IllegalArgumentException("every stage needs at least one block: " + blocksPerStage);
            }
        }
    }

    /** @return the architecture names the local backend trains */
    public static List<String> architectures() {
        return ARCHITECTURES.keySet().stream().sorted().toList();
    }

    /**
     * @param architecture a name from {@link #architectures()}
     * @param imageSize input size
     * @param width channel count of the first stage
     * @param classes output classes
     * @return the configuration
     * @throws ValidationException for an architecture the local backend does not train
     */
    public static ResNetArchitecture named(String architecture, int imageSize, int width, int classes) {
        String key = Objects.requireNonNull(architecture, "architecture").toLowerCase(Locale.ROOT);
        List<Integer> stages = ARCHITECTURES.get(key);
        if (stages == null) {
            throw new ValidationException("architecture", architecture, "the local backend trains "
                    + String.join(", ", architectures()) + " (small ResNets that train on a CPU); larger networks such"
                    + " as resnet50 train on Azure");
        }
        return new ResNetArchitecture(key, imageSize, width, stages, classes, DEFAULT_EPSILON, DEFAULT_MOMENTUM);
    }

    /** @return the stride of the stem convolution: 2 for inputs of 128 pixels and more, else 1 */
    public int stemStride() {
        return imageSize >= 128 ? 2 : 1;
    }
}
