package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * How the local backend trains, resolved from an {@link ImageClassificationTraining}: its architecture, image size,
 * epoch limit, time budget and seed, and these provider-specific options ({@code withOption(name, value)}):
 * <ul>
 *   <li>{@code width} — channels of the first stage (default 16; stages double it);</li>
 *   <li>{@code batchSize} — images per batch (default 32);</li>
 *   <li>{@code learningRate} — Adam's initial learning rate, decayed on a cosine to 1 % (default 0.005);</li>
 *   <li>{@code weightDecay} — L2 weight decay (default 0.0001);</li>
 *   <li>{@code patience} — epochs without a better validation result before early stopping (default 10);</li>
 *   <li>{@code backbone}, {@code preprocess}, {@code normalize}, {@code augmentViews}, {@code cutNode} — training
 *       from a pretrained backbone, see {@link dev.modelbuilder.local.transfer.TransferSettings}.</li>
 * </ul>
 *
 * @param architecture resnet8, resnet14 or resnet20
 * @param imageSize input height and width
 * @param width first-stage channels
 * @param batchSize images per batch
 * @param learningRate initial learning rate
 * @param weightDecay L2 weight decay
 * @param maxEpochs the epoch limit
 * @param timeBudget the time budget
 * @param patience early-stopping patience in epochs
 * @param seed random seed (initialization, shuffling, augmentation)
 * @param threads PyTorch intra-op threads
 */
record TrainingSettings(String architecture, int imageSize, int width, int batchSize, float learningRate,
        float weightDecay, int maxEpochs, Duration timeBudget, int patience, long seed, int threads) {

    /** The input size when the spec sets none: small enough to train in minutes on a laptop's CPU. */
    public static final int DEFAULT_IMAGE_SIZE = 64;
    /** The epoch limit when the spec sets none. */
    public static final int DEFAULT_MAX_EPOCHS = 30;
    /** The time budget when the spec sets none. */
    public static final Duration DEFAULT_TIME_BUDGET = Duration.ofMinutes(10);
    /** The option names this backend reads. */
    public static final Set<String> OPTIONS = java.util.stream.Stream.concat(
            Set.of("width", "batchSize", "learningRate", "weightDecay", "patience").stream(),
            dev.modelbuilder.local.transfer.TransferSettings.OPTIONS.stream())
            .collect(java.util.stream.Collectors.toUnmodifiableSet());

    /**
     * @param training the spec
     * @param threads PyTorch threads
     * @return the settings
     * @throws ValidationException naming every unknown option, malformed value or unsupported architecture
     */
    public static TrainingSettings from(ImageClassificationTraining training, int threads) {
        Map<String, String> options = training.options();
        List<ValidationException.Violation> problems = new ArrayList<>();
        for (String name : options.keySet()) {
            if (!OPTIONS.contains(name)) {
                problems.add(new ValidationException.Violation("training option", name,
                        "the local backend reads " + OPTIONS.stream().sorted().toList()));
            }
        }
        int width = intOption(options, "width", ResNetConfig.DEFAULT_WIDTH, 1, 256, problems);
        int batch = intOption(options, "batchSize", 32, 2, 4096, problems);
        float lr = floatOption(options, "learningRate", 0.005f, problems);
        float wd = floatOption(options, "weightDecay", 1e-4f, problems);
        int patience = intOption(options, "patience", 10, 1, 10_000, problems);
        try {
            dev.modelbuilder.local.transfer.TransferSettings.from(training);
        } catch (ValidationException e) {
            problems.addAll(e.violations());
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        int imageSize = training.imageSizeIfSet().orElse(DEFAULT_IMAGE_SIZE);
        String arch = ResNetConfig.named(training.architecture(), imageSize, width, 2).name();
        return new TrainingSettings(arch, imageSize, width, batch, lr, wd,
                training.maxEpochsIfSet().orElse(DEFAULT_MAX_EPOCHS),
                training.timeBudgetIfSet().orElse(DEFAULT_TIME_BUDGET), patience, training.seed(), threads);
    }

    private static int intOption(Map<String, String> options, String name, int fallback, int min, int max,
            List<ValidationException.Violation> problems) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new ValidationException.Violation("training option " + name, v,
                "use a whole number from " + min + " to " + max));
        return fallback;
    }

    private static float floatOption(Map<String, String> options, String name, float fallback,
            List<ValidationException.Violation> problems) {
        String v = options.get(name);
        if (v == null) {
            return fallback;
        }
        try {
            float f = Float.parseFloat(v.trim());
            if (Float.isFinite(f) && f >= 0 && f < 10) {
                return f;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add(new ValidationException.Violation("training option " + name, v,
                "use a non-negative number below 10, e.g. 0.001"));
        return fallback;
    }
}
