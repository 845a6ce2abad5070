package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.util.Objects;

/**
 * Whether and how a local run starts from a pretrained backbone, from the user's validated options.
 *
 * @param mode where the model comes from
 * @param backbone the catalog name or ONNX file, for {@link Mode#EXPLICIT}; else {@code null}
 * @param preprocess the geometry, or {@code null} for the backbone's own
 * @param normalize whether to apply the ImageNet mean and std, or {@code null} for the backbone's own
 * @param cutNode the node to cut before, or {@code null} for the backbone's own
 * @param views views per training image, 1 to {@value TransferLearning#MAX_VIEWS}
 */
public record TransferParameters(Mode mode, String backbone, PreprocessingSpec.Geometry preprocess, Boolean normalize,
        String cutNode, int views) {

    /** Where the model comes from. */
    public enum Mode {
        /** Train from scratch. */
        SCRATCH,
        /** The backbone named by the user. */
        EXPLICIT,
        /** The catalog default when it is cached or can be downloaded, else from scratch. */
        DEFAULT_IF_AVAILABLE
    }

    /** Checks that an explicit mode names its backbone. */
    public TransferParameters {
        Objects.requireNonNull(mode, "mode");
        if (mode == Mode.EXPLICIT && backbone == null) {
            throw new IllegalArgumentException("an explicit backbone needs its name or file");
        }
    }

    /** @return the preprocessing and cut choices */
    Backbones.Choices choices() {
        return new Backbones.Choices(preprocess, normalize, cutNode);
    }
}
