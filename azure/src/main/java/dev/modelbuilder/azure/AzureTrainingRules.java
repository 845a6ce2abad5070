package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.ValidationException.Violation;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Pattern;

/**
 * The rules of {@link AzureTrainingOptions}, taken from the REST description of the AutoML job (api-version
 * 2024-04-01, {@code ImageModelSettingsClassification}, {@code ImageModelDistributionSettingsClassification},
 * {@code ImageLimitSettings}): which settings exist, their types and the ranges their descriptions state. A test
 * compares these tables with the bundled REST description.
 */
final class AzureTrainingRules {

    /** One fixed model setting: its value type and range. */
    record SettingRule(Class<?> type, double min, double max, Set<String> values) {
        static SettingRule integer(int min) {
            return new SettingRule(Integer.class, min, Integer.MAX_VALUE, Set.of());
        }

        static SettingRule fraction() {
            return new SettingRule(Double.class, 0, 1, Set.of());
        }

        static SettingRule bool() {
            return new SettingRule(Boolean.class, 0, 0, Set.of());
        }

        static SettingRule oneOf(Set<String> values) {
            return new SettingRule(String.class, 0, 0, values);
        }

        String describe() {
            if (type == Boolean.class) {
                return "use true or false";
            }
            if (type == String.class) {
                return "use one of " + new TreeSet<>(values);
            }
            if (type == Double.class) {
                return "use a number from " + fmt(min) + " to " + fmt(max);
            }
            return "use a whole number of at least " + fmt(min);
        }

        boolean accepts(Object value) {
            if (!type.isInstance(value)) {
                return false;
            }
            if (value instanceof Number n) {
                double d = n.doubleValue();
                return Double.isFinite(d) && d >= min && d <= max;
            }
            return type != String.class || values.contains(value);
        }

        private static String fmt(double d) {
            return d == Math.rint(d) ? String.valueOf((long) d) : String.valueOf(d);
        }
    }

    /**
     * The fixed settings the options carry, by their {@code ImageModelSettingsClassification} name. The model name,
     * crop sizes and random seed are not here: {@link AzureTrainingOptions#model()}, its image size and the spec's
     * seed set them.
     */
    static final Map<String, SettingRule> MODEL_SETTINGS = Map.ofEntries(
            Map.entry("numberOfEpochs", SettingRule.integer(1)),
            Map.entry("learningRate", SettingRule.fraction()),
            Map.entry("trainingBatchSize", SettingRule.integer(1)),
            Map.entry("validationBatchSize", SettingRule.integer(1)),
            Map.entry("earlyStopping", SettingRule.bool()),
            Map.entry("earlyStoppingPatience", SettingRule.integer(1)),
            Map.entry("layersToFreeze", SettingRule.integer(1)),
            Map.entry("optimizer", SettingRule.oneOf(Set.copyOf(Arrays.stream(AzureTrainingOptions.Optimizer.values())
                    .map(AzureTrainingOptions.Optimizer::restValue).toList()))),
            Map.entry("weightDecay", SettingRule.fraction()),
            Map.entry("momentum", SettingRule.fraction()),
            Map.entry("enableOnnxNormalization", SettingRule.bool()));

    /**
     * The fields of {@code ImageModelDistributionSettingsClassification} a search space may hold. Left out: the model
     * name (the options name one model), the random seed (the spec's), the crop sizes (the image size) and ONNX
     * normalization (the downloaded pipeline must know whether the graph normalizes).
     */
    static final Set<String> SEARCH_SPACE_FIELDS = Set.of("amsGradient", "augmentations", "beta1", "beta2",
            "distributed", "earlyStopping", "earlyStoppingDelay", "earlyStoppingPatience", "evaluationFrequency",
            "gradientAccumulationStep", "layersToFreeze", "learningRate", "learningRateScheduler", "momentum",
            "nesterov", "numberOfEpochs", "numberOfWorkers", "optimizer", "stepLRGamma", "stepLRStepSize",
            "trainingBatchSize", "validationBatchSize", "warmupCosineLRCycles", "warmupCosineLRWarmupEpochs",
            "weightDecay", "weightedLoss");

    /** The search-space fields that {@code ImageModelSettingsClassification} types boolean. */
    static final Set<String> BOOLEAN_FIELDS = Set.of("amsGradient", "distributed", "earlyStopping", "nesterov");

    /**
     * What a sweep of a named model varies when the options give no search space of their own, for the settings they
     * leave unset: the ranges of the AutoML image how-to and of the azureml-examples image-classification notebooks
     * (learning rate {@code uniform(0.001, 0.01)}, epochs {@code choice(15, 30)}) and the optimizers of the
     * REST description's {@code StochasticOptimizer} as those notebooks sweep them ({@code choice('sgd', 'adam',
     * 'adamw')}), written as azure-ai-ml writes them.
     *
     * <p>The training batch size is left out on purpose. AutoML's hyperparameter reference (Learn, "Hyperparameters for
     * computer vision tasks in automated machine learning", {@code training_batch_size}) gives a default per model
     * (78 for the multi-class and multi-label models, 128, 48 and 10 for the ViT variants) and says these are "the
     * largest batch size that can be used on 12 GiB GPU memory", about the least AutoML's image jobs run on
     * ({@code AutoMLImageConfig}: "only remote GPU computes with more than 12 GB of GPU memory are supported"). A
     * larger value risks running out of GPU memory, no one range is safe for every model, and the reference gives
     * defaults, not a range. A user who wants it swept names it in the search space ({@code trainingBatchSize}, e.g.
     * {@code choice(16, 32)}), knowing the GPU.
     */
    static final Map<String, String> DEFAULT_SEARCH_SPACE = defaultSearchSpace();

    private static Map<String, String> defaultSearchSpace() {
        Map<String, String> space = new java.util.LinkedHashMap<>();
        space.put("learningRate", "uniform(0.001,0.01)");
        space.put("numberOfEpochs", "choice(15,30)");
        space.put("optimizer", "choice('sgd','adam','adamw')");
        return java.util.Collections.unmodifiableMap(space);
    }

    private static final Pattern MODEL = Pattern.compile("[a-z0-9_.-]{1,64}");
    /** Models that take one input size only (the ViT models of AutoML's image how-to). */
    static final Map<String, Integer> FIXED_SIZE_MODELS = Map.of("vitb16r224", 224, "vits16r224", 224,
            "vitl16r224", 224);

    private AzureTrainingRules() {
    }

    /**
     * @throws ValidationException listing every broken rule
     */
    static void check(String model, int maxTrials, int maxConcurrentTrials, AzureTrainingOptions.EarlyTermination
            earlyTermination, Integer imageSize, Map<String, Object> modelSettings, Map<String, String> searchSpace) {
        List<Violation> problems = new ArrayList<>();
        if (model != null && !MODEL.matcher(model).matches()) {
            problems.add(new Violation("model", model, "use an AutoML model name such as resnet50 (1-64 lower-case "
                    + "letters, digits, '_', '.', '-')"));
        }
        if (maxTrials < 1) {
            problems.add(new Violation("maximum trials", String.valueOf(maxTrials), "use 1 or more"));
        }
        if (maxConcurrentTrials < 1) {
            problems.add(new Violation("maximum concurrent trials", String.valueOf(maxConcurrentTrials),
                    "use 1 or more"));
        }
        if (imageSize == null && model != null) {
            problems.add(new Violation("image size", null, "give the crop size of model " + model + ", e.g. "
                    + AzureTrainingOptions.DEFAULT_IMAGE_SIZE + " (only AutoMode may leave it to AutoML)"));
        } else if (imageSize != null && (imageSize < 32 || imageSize > 1024)) {
            problems.add(new Violation("image size", String.valueOf(imageSize), "use 32 to 1024 pixels"));
        } else if (imageSize != null && model != null && FIXED_SIZE_MODELS.containsKey(model)
                && !imageSize.equals(FIXED_SIZE_MODELS.get(model))) {
            int size = FIXED_SIZE_MODELS.get(model);
            problems.add(new Violation("image size", String.valueOf(imageSize), "model " + model + " takes " + size
                    + " x " + size + " pixels only; use withImageSize(" + size + ") or leave the size unset"));
        }
        modelSettings.forEach((name, value) -> {
            SettingRule rule = name == null ? null : MODEL_SETTINGS.get(name);
            if (rule == null) {
                problems.add(new Violation("model setting", name, "the Azure provider sets "
                        + new TreeSet<>(MODEL_SETTINGS.keySet())));
            } else if (!rule.accepts(value)) {
                problems.add(new Violation("model setting " + name, String.valueOf(value), rule.describe()));
            }
        });
        if (!searchSpace.isEmpty() && (model == null || maxTrials < 2)) {
            problems.add(new Violation("search space", String.join(", ", new TreeSet<>(searchSpace.keySet())),
                    "a search space is swept over the trials of a named model: name a model and give "
                            + "withMaxTrials(2) or more (AutoMode chooses its own)"));
        }
        boolean anyVaries = false;
        boolean allValid = true;
        for (Map.Entry<String, String> e : searchSpace.entrySet()) {
            String name = e.getKey();
            String expression = e.getValue();
            SweepExpressions.Expression parsed = null;
            String why = null;
            try {
                parsed = SweepExpressions.parse(expression);
            } catch (IllegalArgumentException bad) {
                why = bad.getMessage();
            }
            if (name == null || !SEARCH_SPACE_FIELDS.contains(name)) {
                problems.add(new Violation("search space field", name, "use one of "
                        + new TreeSet<>(SEARCH_SPACE_FIELDS)));
                allValid = false;
            } else if (parsed == null) {
                problems.add(new Violation("search space " + name, expression, why + "; use an expression such as "
                        + "choice(16, 32) or uniform(0.0001, 0.01)"));
                allValid = false;
            } else if (BOOLEAN_FIELDS.contains(name) && (!parsed.distribution().equals("choice")
                    || !parsed.booleans())) {
                problems.add(new Violation("search space " + name, expression, name + " is true or false: use "
                        + "choice(True, False) or choice(True)"));
                allValid = false;
            } else if (modelSettings.containsKey(name)) {
                problems.add(new Violation("search space " + name, expression, "it is also a fixed model setting; "
                        + "give it either fixed or as a search-space expression"));
                allValid = false;
            } else {
                anyVaries |= parsed.varies();
            }
        }
        boolean sweep = model != null && maxTrials > 1;
        if (sweep && allValid && problems.isEmpty()) {
            List<String> defaults = DEFAULT_SEARCH_SPACE.keySet().stream()
                    .filter(f -> !modelSettings.containsKey(f)).toList();
            if (searchSpace.isEmpty() ? defaults.isEmpty() : !anyVaries) {
                problems.add(new Violation("maximum trials", String.valueOf(maxTrials), "the " + maxTrials
                        + " trials of model " + model + " have nothing to vary and would be identical: "
                        + (searchSpace.isEmpty() ? "every setting a sweep varies by default ("
                                + String.join(", ", DEFAULT_SEARCH_SPACE.keySet()) + ") is fixed"
                                : "the search space holds single values only")
                        + "; give ranges with withSearchSpace(field, expression), e.g. withSearchSpace("
                        + "\"learningRate\", \"uniform(0.001, 0.01)\") (command line: train --search-space "
                        + "FILE.json), leave a setting unfixed, or use withMaxTrials(1)"));
            }
        }
        if (earlyTermination != AzureTrainingOptions.EarlyTermination.NONE && !sweep) {
            problems.add(new Violation("early termination", earlyTermination.name(), model == null
                    ? "AutoMode is sent no sweep settings, so the policy would be dropped: drop withEarlyTermination"
                    : "it stops poor trials of a sweep, and a single trial has none to stop: give withMaxTrials(2) "
                            + "or more, or drop withEarlyTermination"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
    }
}
