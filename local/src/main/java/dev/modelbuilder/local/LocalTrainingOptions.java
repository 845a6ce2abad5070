package dev.modelbuilder.local;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.ValidationException.Violation;
import dev.modelbuilder.core.model.TrainingOptions;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.local.implementation.LocalBackend;
import dev.modelbuilder.local.implementation.TrainingParameters;
import dev.modelbuilder.local.implementation.transfer.TransferLearning;
import dev.modelbuilder.local.implementation.transfer.TransferParameters;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * How {@link LocalProvider} trains a run: from a pretrained backbone (transfer learning: only a new linear head is
 * trained on the backbone's features) or from scratch (a small ResNet on this machine's CPU), and the settings of
 * each. Immutable and validated; build it with {@link #builder()} and hand it to
 * {@code TrainingSpec.fromData(dir).withOptions(options)}. A spec without options trains with {@link #defaults()}.
 *
 * <pre>{@code
 * LocalTrainingOptions fromScratch = LocalTrainingOptions.builder()
 *         .withArchitecture("resnet8").withImageSize(64).withMaxEpochs(20).build();
 * LocalTrainingOptions fromResNet50 = LocalTrainingOptions.builder().withBackbone("resnet50").build();
 * TrainingSpec spec = TrainingSpec.fromData(Path.of("shapes")).withOptions(fromScratch).build();
 * }</pre>
 *
 * <p><b>Which backbone.</b> {@link #backbone()} is one of
 * <ul>
 *   <li>a catalog name: {@code mobilenetv2} (small and fast on a CPU), {@code resnet50}, {@code resnet18} — ImageNet
 *       classifiers from the ONNX model zoo, downloaded once into the backbone cache
 *       ({@link LocalProvider#BACKBONE_CACHE_SETTING}) and checked against their SHA-256;</li>
 *   <li>the path of an ONNX classifier with an input [N,3,H,W] (cut before its last Gemm or MatMul unless
 *       {@link #cutNode()} names another node);</li>
 *   <li>{@value #NO_BACKBONE}: train from scratch;</li>
 *   <li>{@value #AUTOMATIC_BACKBONE}: the catalog's default ({@code mobilenetv2}) when it is cached or can be
 *       downloaded, else from scratch, saying why in the run's log.</li>
 * </ul>
 * When no backbone is given the builder chooses {@value #AUTOMATIC_BACKBONE}, unless an architecture or an image size
 * is given: those describe a network trained from scratch, so it chooses {@value #NO_BACKBONE}.
 *
 * <p><b>What applies when.</b> From a backbone, the input size and preprocessing are the backbone's own (changed by
 * {@link #preprocess()} and {@link #normalize()}) and {@link #augmentViews()} applies; the scratch settings
 * (architecture to patience) do not. From scratch, it is the other way round. The time budget, validation split and
 * seed are the {@link TrainingSpec}'s (10 minutes when it sets no budget).
 *
 * @param backbone a catalog name, an ONNX file's path, {@value #NO_BACKBONE} or {@value #AUTOMATIC_BACKBONE}
 * @param architecture from scratch: {@code resnet8}, {@code resnet14} or {@code resnet20}
 * @param imageSize from scratch: the input height and width in pixels, 32 to 1024
 * @param maxEpochs from scratch: the epoch limit, at least 1
 * @param width from scratch: the channels of the first stage (later stages double it), 1 to 256
 * @param batchSize from scratch: images per batch, 2 to 4096
 * @param learningRate from scratch: Adam's initial learning rate (decayed on a cosine to 1 %), above 0 and below 10
 * @param weightDecay from scratch: the L2 weight decay, 0 or more and below 10
 * @param patience from scratch: epochs without a better validation result before early stopping, 1 to 10000
 * @param preprocess from a backbone: {@code SQUASH} or {@code RESIZE_CROP}, or {@code null} for the backbone's own
 *     (resize-crop for an ONNX file)
 * @param normalize from a backbone: whether to apply the ImageNet mean and standard deviation, or {@code null} for
 *     the backbone's own (yes for an ONNX file)
 * @param augmentViews from a backbone: views per training image, 1 (none) to 4 (the image, mirrored, its centre,
 *     its centre mirrored)
 * @param cutNode from a backbone: the node to cut the backbone before, or {@code null} for the backbone's own (the
 *     last Gemm or MatMul for an ONNX file)
 */
public record LocalTrainingOptions(String backbone, String architecture, int imageSize, int maxEpochs, int width,
        int batchSize, double learningRate, double weightDecay, int patience, PreprocessingSpec.Geometry preprocess,
        Boolean normalize, int augmentViews, String cutNode) implements TrainingOptions {

    /** The {@link #backbone()} that trains from scratch. */
    public static final String NO_BACKBONE = "none";
    /** The {@link #backbone()} that uses the catalog's default when it is available, else trains from scratch. */
    public static final String AUTOMATIC_BACKBONE = "auto";
    /** The architecture trained from scratch when none is given. */
    public static final String DEFAULT_ARCHITECTURE = "resnet14";
    /** The input size from scratch when none is given: small enough to train in minutes on a laptop's CPU. */
    public static final int DEFAULT_IMAGE_SIZE = 64;
    /** The epoch limit when none is given. */
    public static final int DEFAULT_MAX_EPOCHS = 30;
    /** The first stage's channels when none are given. */
    public static final int DEFAULT_WIDTH = 16;
    /** The batch size when none is given. */
    public static final int DEFAULT_BATCH_SIZE = 32;
    /** The learning rate when none is given. */
    public static final double DEFAULT_LEARNING_RATE = 0.005;
    /** The weight decay when none is given. */
    public static final double DEFAULT_WEIGHT_DECAY = 1e-4;
    /** The early-stopping patience when none is given. */
    public static final int DEFAULT_PATIENCE = 10;
    /** The views per training image from a backbone when none are given. */
    public static final int DEFAULT_AUGMENT_VIEWS = 2;

    /** The time budget when the training spec sets none. */
    static final Duration DEFAULT_TIME_BUDGET = Duration.ofMinutes(10);

    /**
     * Puts names in their canonical form (lower case, catalog names as the catalog spells them) and checks every
     * value.
     *
     * @throws ValidationException listing every value out of its range, an unknown architecture or backbone, or a
     *     backbone file that does not exist
     */
    public LocalTrainingOptions {
        List<Violation> problems = new ArrayList<>();
        backbone = canonicalBackbone(backbone, problems);
        architecture = canonicalArchitecture(architecture, problems);
        range(problems, "image size", imageSize, 32, 1024, "use 32 to 1024 pixels, e.g. 64");
        range(problems, "maximum epochs", maxEpochs, 1, Integer.MAX_VALUE, "use 1 or more");
        range(problems, "width", width, 1, 256, "use a whole number from 1 to 256");
        range(problems, "batch size", batchSize, 2, 4096, "use a whole number from 2 to 4096");
        if (!(learningRate > 0 && learningRate < 10)) {
            problems.add(new Violation("learning rate", String.valueOf(learningRate),
                    "use a number above 0 and below 10, e.g. 0.001"));
        }
        if (!(weightDecay >= 0 && weightDecay < 10)) {
            problems.add(new Violation("weight decay", String.valueOf(weightDecay),
                    "use 0 or a positive number below 10, e.g. 0.0001"));
        }
        range(problems, "patience", patience, 1, 10_000, "use a whole number of epochs from 1 to 10000");
        range(problems, "augment views", augmentViews, 1, TransferLearning.MAX_VIEWS,
                "use 1 to " + TransferLearning.MAX_VIEWS + " (1: no augmentation)");
        if (cutNode != null && cutNode.isBlank()) {
            problems.add(new Violation("cut node", cutNode,
                    "name a node of the backbone's graph, or leave it unset for the last Gemm or MatMul"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        cutNode = cutNode == null ? null : cutNode.strip();
    }

    /** @return a builder with the defaults */
    public static LocalTrainingOptionsBuilder builder() {
        return new LocalTrainingOptionsBuilder();
    }

    /** @return the options of a spec that carries none: {@code builder().build()} */
    public static LocalTrainingOptions defaults() {
        return builder().build();
    }

    /** @return {@code local} */
    @Override
    public String provider() {
        return LocalBackend.NAME;
    }

    /**
     * The settings one run of {@code spec} trains with: these options, and the spec's own time budget, seed and
     * validation split.
     */
    TrainingParameters toSettings(TrainingSpec spec, int threads) {
        TransferParameters.Mode mode = switch (backbone) {
            case NO_BACKBONE -> TransferParameters.Mode.SCRATCH;
            case AUTOMATIC_BACKBONE -> TransferParameters.Mode.DEFAULT_IF_AVAILABLE;
            default -> TransferParameters.Mode.EXPLICIT;
        };
        TransferParameters transfer = new TransferParameters(mode, mode == TransferParameters.Mode.EXPLICIT ? backbone : null,
                preprocess, normalize, cutNode, augmentViews);
        return new TrainingParameters(architecture, imageSize, width, batchSize, (float) learningRate,
                (float) weightDecay, maxEpochs, spec.timeBudgetIfSet().orElse(DEFAULT_TIME_BUDGET), patience,
                spec.seed(), threads, transfer);
    }

    private static String canonicalBackbone(String value, List<Violation> problems) {
        String v = value == null ? "" : value.strip();
        String lower = v.toLowerCase(Locale.ROOT);
        if (lower.equals(NO_BACKBONE) || lower.equals(AUTOMATIC_BACKBONE)) {
            return lower;
        }
        if (TransferLearning.catalogName(v).isPresent()) {
            return TransferLearning.catalogName(v).get();
        }
        if (!v.isEmpty() && isFile(v)) {
            return v;
        }
        problems.add(new Violation("backbone", value, "use one of " + TransferLearning.catalog()
                + ", the path of an existing ONNX classifier (FILE.onnx), '" + NO_BACKBONE
                + "' to train from scratch, or '" + AUTOMATIC_BACKBONE + "'"));
        return value;
    }

    private static boolean isFile(String path) {
        try {
            return Files.isRegularFile(Path.of(path));
        } catch (InvalidPathException e) {
            return false;
        }
    }

    private static String canonicalArchitecture(String value, List<Violation> problems) {
        String v = value == null ? "" : value.strip().toLowerCase(Locale.ROOT);
        if (TrainingParameters.architectures().contains(v)) {
            return v;
        }
        problems.add(new Violation("architecture", value, "the local backend trains "
                + String.join(", ", TrainingParameters.architectures()) + " (small ResNets that train on a CPU);"
                + " larger networks such as resnet50 train on Azure, or start from a backbone"));
        return value;
    }

    private static void range(List<Violation> problems, String field, int value, int min, int max, String rule) {
        if (value < min || value > max) {
            problems.add(new Violation(field, String.valueOf(value), rule));
        }
    }
}
