package dev.modelbuilder.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * The body of an AutoML image-classification job ({@code PUT {WS}/jobs/{name}}, mfe.json {@code AutoMLJob} with an
 * {@code ImageClassification} task). Discriminators ({@code jobType}, {@code taskType}, {@code jobInputType},
 * {@code jobOutputType}) are written explicitly.
 *
 * <p>Choices: ResNet50 unless the spec names another model; primary metric accuracy; the validation share as
 * {@code validationDataSize} (AutoML holds it out of the training table); the time budget as
 * {@code limitSettings.timeout}, trials as {@code maxTrials} (one at a time); crop and resize sizes from the image
 * size (224 and 256 by default). ONNX normalization: {@code enableOnnxNormalization} is {@code false}, the
 * service's default, so the exported model expects ImageNet-normalized input, exactly as the Azure docs' ONNX
 * inference preprocessing describes; MLModel.zip's pipeline then normalizes once. The option
 * {@code enableOnnxNormalization=true} moves the normalization into the graph, and the pipeline follows suit.
 *
 * <p>Trials (AutoML image how-to, "AutoMode" and "sweeping hyperparameters"): one trial trains the named model with
 * fixed {@code modelSettings}. More trials of a named model are a sweep: {@code searchSpace} holds
 * {@code modelName: "choice('<model>')"} and each option as a fixed choice, {@code sweepSettings} samples at random
 * (with a Bandit or median-stopping policy when the option {@code earlyTermination} asks for one). Without this, a
 * job with {@code maxTrials > 1} and no search space runs in AutoMode and ignores the model. AutoMode is asked for
 * explicitly ({@link ImageClassificationTraining#isAutoMode()}): no model name, no search space.
 *
 * <p>The training data is the data version's ARM id, as azure-ai-ml resolves {@code azureml:<name>:<version>}
 * before it submits a standalone AutoML job.
 */
final class AutoMlJob {
    static final String DEFAULT_MODEL = "resnet50";
    /** The crop size AutoML's ResNet50 takes when the spec sets none. */
    static final int DEFAULT_IMAGE_SIZE = 224;

    private static final Map<String, Class<?>> OPTIONS = Map.ofEntries(
            Map.entry("learningRate", Double.class),
            Map.entry("trainingBatchSize", Integer.class),
            Map.entry("validationBatchSize", Integer.class),
            Map.entry("earlyStopping", Boolean.class),
            Map.entry("earlyStoppingPatience", Integer.class),
            Map.entry("layersToFreeze", Integer.class),
            Map.entry("optimizer", String.class),
            Map.entry("weightDecay", Double.class),
            Map.entry("momentum", Double.class),
            Map.entry("enableOnnxNormalization", Boolean.class),
            Map.entry("maxConcurrentTrials", Integer.class),
            Map.entry("earlyTermination", String.class));
    private static final Set<String> OPTIMIZERS = Set.of("None", "Sgd", "Adam", "Adamw");
    private static final Set<String> POLICIES = Set.of("bandit", "median");
    /** Models that take one input size only (the ViT models of AutoML's image how-to). */
    private static final Map<String, Integer> FIXED_SIZE_MODELS = Map.of("vitb16r224", 224, "vits16r224", 224,
            "vitl16r224", 224);

    private AutoMlJob() {
    }

    /**
     * Checks what can be checked before anything is uploaded: the options, and the image size against the model.
     *
     * @param training the spec
     * @throws ValidationException naming what is wrong and how to fix it
     */
    static void validate(ImageClassificationTraining training) {
        validateOptions(training.options());
        String model = modelName(training);
        Integer size = training.imageSize();
        if (model != null && FIXED_SIZE_MODELS.containsKey(model) && size != null
                && size.intValue() != FIXED_SIZE_MODELS.get(model)) {
            throw new ValidationException("image size", size, "model " + model + " takes "
                    + FIXED_SIZE_MODELS.get(model) + " x " + FIXED_SIZE_MODELS.get(model) + " pixels only; use "
                    + "withImageSize(" + FIXED_SIZE_MODELS.get(model) + ") or leave the size unset");
        }
    }

    /** @return the model name to train, or {@code null} in AutoMode */
    static String modelName(ImageClassificationTraining training) {
        if (training.isAutoMode()) {
            return null;
        }
        return training.architecture() != null ? training.architecture().toLowerCase(Locale.ROOT) : DEFAULT_MODEL;
    }

    static ObjectNode body(String experiment, String computeId, ImageClassificationTraining training,
            DataUploader.Uploaded data, String dataAssetId, List<String> labels) {
        validate(training);
        String model = modelName(training);
        boolean sweep = model != null && training.maxTrials() > 1;
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("jobType", "AutoML");
        p.put("experimentName", experiment);
        p.put("displayName", experiment + " " + (model == null ? "automode" : model));
        p.put("description", "Image classification of " + labels.size() + " labels (" + data.images()
                + " images) by Model Builder for Java");
        p.put("computeId", computeId);
        ObjectNode tags = p.putObject("tags");
        tags.put("createdBy", "modelbuilder-java");
        tags.put("modelbuilder.data", data.assetUri());
        p.putObject("outputs").putObject("best_model").put("jobOutputType", "mlflow_model");

        ObjectNode task = p.putObject("taskDetails");
        task.put("taskType", "ImageClassification");
        task.put("primaryMetric", "Accuracy");
        task.put("targetColumnName", "label");
        task.put("logVerbosity", "Info");
        ObjectNode input = task.putObject("trainingData");
        input.put("jobInputType", "mltable");
        input.put("uri", dataAssetId);
        task.put("validationDataSize", training.validationSplit());
        ObjectNode limits = task.putObject("limitSettings");
        limits.put("maxTrials", training.maxTrials());
        limits.put("maxConcurrentTrials", Math.min(training.maxTrials(),
                Integer.parseInt(training.options().getOrDefault("maxConcurrentTrials", "1"))));
        training.timeBudgetIfSet().ifPresent(t -> limits.put("timeout", t.withNanos(0).toString()));

        ObjectNode settings = task.putObject("modelSettings");
        if (model != null && !sweep) {
            settings.put("modelName", model);
        }
        training.maxEpochsIfSet().ifPresent(e -> settings.put("numberOfEpochs", e));
        if (model != null || training.imageSizeIfSet().isPresent()) {
            int crop = training.imageSizeIfSet().orElse(DEFAULT_IMAGE_SIZE);
            settings.put("trainingCropSize", crop);
            settings.put("validationCropSize", crop);
            settings.put("validationResizeSize", (int) Math.round(crop * 256.0 / 224.0));
        }
        settings.put("randomSeed", (int) (training.seed() & 0x7fffffff));
        settings.put("enableOnnxNormalization", false);
        ObjectNode space = null;
        if (sweep) {
            space = task.putArray("searchSpace").addObject();
            space.put("modelName", "choice('" + model + "')");
            ObjectNode sweepSettings = task.putObject("sweepSettings");
            sweepSettings.put("samplingAlgorithm", "Random");
            String policy = training.options().get("earlyTermination");
            if (policy != null) {
                sweepSettings.set("earlyTermination", earlyTermination(policy));
            }
        }
        ObjectNode searched = space;
        training.options().forEach((k, v) -> {
            if (k.equals("maxConcurrentTrials") || k.equals("earlyTermination")) {
                return;
            }
            Class<?> type = OPTIONS.get(k);
            if (searched != null && !k.equals("enableOnnxNormalization")) {
                searched.put(k, type == String.class ? "choice('" + v.toLowerCase(Locale.ROOT) + "')"
                        : "choice(" + v.toLowerCase(Locale.ROOT) + ")");
            } else if (type == Double.class) {
                settings.put(k, Double.parseDouble(v));
            } else if (type == Integer.class) {
                settings.put(k, Integer.parseInt(v));
            } else if (type == Boolean.class) {
                settings.put(k, Boolean.parseBoolean(v));
            } else {
                settings.put(k, v);
            }
        });
        return body;
    }

    /** The early-termination policies of AutoML's image how-to, with its example settings. */
    private static ObjectNode earlyTermination(String policy) {
        ObjectNode e = Json.object();
        if (policy.equalsIgnoreCase("bandit")) {
            e.put("policyType", "Bandit");
            e.put("slackFactor", 0.2);
            e.put("evaluationInterval", 2);
            e.put("delayEvaluation", 6);
        } else {
            e.put("policyType", "MedianStopping");
            e.put("evaluationInterval", 1);
            e.put("delayEvaluation", 5);
        }
        return e;
    }

    static void validateOptions(Map<String, String> options) {
        for (Map.Entry<String, String> e : options.entrySet()) {
            Class<?> type = OPTIONS.get(e.getKey());
            String v = e.getValue();
            if (type == null) {
                throw new ValidationException("training option", e.getKey(), "the Azure provider knows "
                        + new TreeSet<>(OPTIONS.keySet()));
            }
            boolean ok;
            try {
                if (type == Double.class) {
                    ok = Double.isFinite(Double.parseDouble(v)) && Double.parseDouble(v) >= 0;
                } else if (type == Integer.class) {
                    ok = Integer.parseInt(v) >= 0;
                } else if (type == Boolean.class) {
                    ok = v.equalsIgnoreCase("true") || v.equalsIgnoreCase("false");
                } else if (e.getKey().equals("earlyTermination")) {
                    ok = POLICIES.contains(v.toLowerCase(Locale.ROOT));
                } else {
                    ok = OPTIMIZERS.contains(v);
                }
            } catch (NumberFormatException ex) {
                ok = false;
            }
            if (!ok) {
                throw new ValidationException("training option " + e.getKey(), v, type == String.class
                        ? "use one of " + new TreeSet<>(e.getKey().equals("earlyTermination") ? POLICIES : OPTIMIZERS)
                        : "use a non-negative " + type.getSimpleName().toLowerCase(Locale.ROOT));
            }
        }
    }
}
