package dev.modelbuilder.local.transfer;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Whether and how local training starts from a pretrained backbone, read from a training spec's options:
 * <ul>
 *   <li>{@code backbone} — a catalog name ({@link BackboneCatalog}), the path of an ONNX classifier, or
 *       {@value Backbones#NONE} to train from scratch. When absent, the catalog's default is used if it is cached or
 *       can be downloaded, unless the spec sets an architecture or an image size (both mean training from scratch);
 *       </li>
 *   <li>{@code preprocess} — {@code resize-crop} or {@code squash} (default: the backbone's own);</li>
 *   <li>{@code normalize} — {@code true} or {@code false} (ImageNet mean and std; default: the backbone's own);</li>
 *   <li>{@code augmentViews} — views per training image, 1 to {@value FeatureExtractor#MAX_VIEWS} (default 2);</li>
 *   <li>{@code cutNode} — the node to cut before (default: the last Gemm/MatMul).</li>
 * </ul>
 *
 * @param mode what to do
 * @param backbone the backbone's name or file, for {@link Mode#EXPLICIT}
 * @param choices preprocessing and cut choices
 * @param views views per training image
 */
public record TransferSettings(Mode mode, String backbone, Backbones.Choices choices, int views) {
    /** The option names read here. */
    public static final Set<String> OPTIONS = Set.of("backbone", "preprocess", "normalize", "augmentViews", "cutNode");

    /** Where the model comes from. */
    public enum Mode {
        /** Train from scratch. */
        SCRATCH,
        /** The backbone named by the user. */
        EXPLICIT,
        /** The catalog default when available, else from scratch. */
        DEFAULT_IF_AVAILABLE
    }

    /**
     * @param training the spec
     * @return the settings
     * @throws ValidationException naming every malformed option
     */
    public static TransferSettings from(ImageClassificationTraining training) {
        Map<String, String> o = training.options();
        List<ValidationException.Violation> problems = new ArrayList<>();
        String preprocess = o.get("preprocess");
        if (preprocess != null) {
            try {
                preprocess = PreprocessingSpec.Geometry.fromId(preprocess).id();
            } catch (ValidationException e) {
                problems.addAll(e.violations());
            }
        }
        Boolean normalize = null;
        String n = o.get("normalize");
        if (n != null) {
            String v = n.trim().toLowerCase(Locale.ROOT);
            if (v.equals("true") || v.equals("false")) {
                normalize = Boolean.valueOf(v);
            } else {
                problems.add(new ValidationException.Violation("training option normalize", n, "use true or false"));
            }
        }
        int views = 2;
        String vs = o.get("augmentViews");
        if (vs != null) {
            try {
                views = Integer.parseInt(vs.trim());
            } catch (NumberFormatException e) {
                views = -1;
            }
            if (views < 1 || views > FeatureExtractor.MAX_VIEWS) {
                problems.add(new ValidationException.Violation("training option augmentViews", vs,
                        "use 1 to " + FeatureExtractor.MAX_VIEWS + " (1: no augmentation)"));
            }
        }
        String backbone = o.get("backbone");
        if (backbone != null && (backbone.isBlank() || !backbone.trim().equalsIgnoreCase(Backbones.NONE)
                && BackboneCatalog.find(backbone).isEmpty() && !Files.isRegularFile(Path.of(backbone.trim())))) {
            problems.add(new ValidationException.Violation("backbone", backbone, "use one of "
                    + BackboneCatalog.entries().stream().map(BackboneCatalog.Entry::name).toList()
                    + ", the path of an existing ONNX classifier (FILE.onnx), or 'none' to train from scratch"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        Mode mode;
        if (backbone != null) {
            mode = backbone.trim().equalsIgnoreCase(Backbones.NONE) ? Mode.SCRATCH : Mode.EXPLICIT;
        } else {
            mode = training.architecture() != null || training.imageSizeIfSet().isPresent() ? Mode.SCRATCH
                    : Mode.DEFAULT_IF_AVAILABLE;
        }
        return new TransferSettings(mode, mode == Mode.EXPLICIT ? backbone.trim() : null,
                new Backbones.Choices(preprocess, normalize, o.get("cutNode")), views);
    }
}
