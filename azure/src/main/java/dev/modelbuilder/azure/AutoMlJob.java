package dev.modelbuilder.azure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.model.TrainingSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The body of an AutoML image-classification job ({@code PUT {WS}/jobs/{name}}, mfe.json {@code AutoMLJob} with an
 * {@code ImageClassification} task). Discriminators ({@code jobType}, {@code taskType}, {@code jobInputType},
 * {@code jobOutputType}) are written explicitly.
 *
 * <p>Choices: the model of the {@link AzureTrainingOptions} (ResNet50 by default); primary metric accuracy; the
 * validation share as {@code validationDataSize} (AutoML holds it out of the training table); the time budget as
 * {@code limitSettings.timeout}, trials as {@code maxTrials} ({@code maxConcurrentTrials} at once, one by default);
 * crop and resize sizes from the image size (224 and 256 by default). ONNX normalization:
 * {@code enableOnnxNormalization} is {@code false}, the service's default, so the exported model expects
 * ImageNet-normalized input, exactly as the Azure docs' ONNX inference preprocessing describes; MLModel.zip's pipeline
 * then normalizes once. {@code withOnnxNormalization(true)} moves the normalization into the graph, and the pipeline
 * follows suit.
 *
 * <p>Trials (AutoML image how-to, "AutoMode" and "sweeping hyperparameters"): one trial trains the named model with
 * fixed {@code modelSettings} and the spec's seed. More trials of a named model are a sweep: {@code searchSpace} holds
 * {@code modelName: "choice('<model>')"}, each fixed setting as a single choice (except the epochs and ONNX
 * normalization, which stay fixed in {@code modelSettings}), and what varies: the options' own search-space
 * expressions, or else {@link AzureTrainingRules#DEFAULT_SEARCH_SPACE} for the settings they leave unset (the options
 * refuse a sweep with nothing to vary). Values are written as azure-ai-ml writes them ({@link SweepExpressions}). No
 * {@code randomSeed} is sent in a sweep, so the trials differ. {@code sweepSettings} samples at random (with a Bandit
 * or median-stopping policy when the options ask for one). Without a search space, a job with {@code maxTrials > 1}
 * runs in AutoMode and ignores the model. AutoMode is asked for explicitly ({@link AzureTrainingOptions#isAutoMode()}):
 * no model name, no search space, and with several trials no {@code randomSeed} either: the REST description defines
 * it only as the "random seed to be used when using deterministic training" and the AutoML docs say nothing of it in
 * AutoMode, whose {@code modelSettings} hold for every trial; AutoML chooses the trials' models and hyperparameters
 * itself, so a shared seed cannot make the job reproducible and could only make two trials of the same choice
 * identical. Only a job of one trial sends the spec's seed.
 *
 * <p>The training data is the data version's ARM id, as azure-ai-ml resolves {@code azureml:<name>:<version>}
 * before it submits a standalone AutoML job. When the data is in a datastore without stored credentials (the account
 * refuses shared keys), the job's {@code identity} is {@code Managed}: the trials read it with the compute's
 * system-assigned identity (REST description {@code JobBase.identity}: AmlToken, Managed or UserIdentity; Learn lists
 * user identity for command and pipeline jobs only).
 */
final class AutoMlJob {
    /** Fixed settings that stay in {@code modelSettings} during a sweep instead of becoming a single choice. */
    private static final Set<String> FIXED_IN_SWEEP = Set.of("numberOfEpochs", "enableOnnxNormalization");

    private AutoMlJob() {
    }

    /**
     * @param experiment the experiment
     * @param computeId the compute's ARM id
     * @param spec the provider-neutral spec (validation share, time budget, seed)
     * @param options the Azure options
     * @param data what was uploaded
     * @param dataAssetId the data version's ARM id
     * @param labels the labels
     * @return the job body
     */
    static ObjectNode body(String experiment, String computeId, TrainingSpec spec, AzureTrainingOptions options,
            DataUploader.Uploaded data, String dataAssetId, List<String> labels) {
        String model = options.model();
        boolean sweep = options.isSweep();
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("jobType", "AutoML");
        p.put("experimentName", experiment);
        p.put("displayName", experiment + " " + (model == null ? "automode" : model));
        p.put("description", (spec.isMultiLabel() ? "Multi-label image" : "Image") + " classification of "
                + labels.size() + " labels (" + data.images()
                + " images) by Model Builder for Java");
        p.put("computeId", computeId);
        if (data.access().byIdentity()) {
            // JobBase.identity (IdentityConfiguration, discriminator identityType): Managed without an id is the
            // compute's system-assigned identity, which reads the credential-less datastore the data is in
            p.putObject("identity").put("identityType", "Managed");
        }
        ObjectNode tags = p.putObject("tags");
        tags.put("createdBy", "modelbuilder-java");
        tags.put("modelbuilder.data", data.assetUri());
        p.putObject("outputs").putObject("best_model").put("jobOutputType", "mlflow_model");

        ObjectNode task = p.putObject("taskDetails");
        // the multi-label task (ClassificationMultilabelPrimaryMetrics: IOU, the service's default and the only
        // metric the AutoML docs give for it); the MLTable's label column then holds lists of labels
        task.put("taskType", spec.isMultiLabel() ? "ImageClassificationMultilabel" : "ImageClassification");
        task.put("primaryMetric", spec.isMultiLabel() ? "IOU" : "Accuracy");
        task.put("targetColumnName", "label");
        task.put("logVerbosity", "Info");
        ObjectNode input = task.putObject("trainingData");
        input.put("jobInputType", "mltable");
        input.put("uri", dataAssetId);
        task.put("validationDataSize", spec.validationSplit());
        ObjectNode limits = task.putObject("limitSettings");
        limits.put("maxTrials", options.maxTrials());
        limits.put("maxConcurrentTrials", Math.min(options.maxTrials(), options.maxConcurrentTrials()));
        spec.timeBudgetIfSet().ifPresent(t -> limits.put("timeout", t.withNanos(0).toString()));

        Map<String, Object> fixed = options.modelSettings();
        ObjectNode settings = task.putObject("modelSettings");
        if (model != null && !sweep) {
            settings.put("modelName", model);
        }
        if (fixed.containsKey("numberOfEpochs")) {
            settings.put("numberOfEpochs", (Integer) fixed.get("numberOfEpochs"));
        }
        if (options.imageSize() != null) {
            int crop = options.imageSize();
            settings.put("trainingCropSize", crop);
            settings.put("validationCropSize", crop);
            settings.put("validationResizeSize", (int) Math.round(crop * 256.0 / 224.0));
        }
        if (options.maxTrials() == 1) {
            // several trials must differ, whether a sweep of ours or AutoMode's: the seed is left to each trial
            settings.put("randomSeed", (int) (spec.seed() & 0x7fffffff));
        }
        settings.put("enableOnnxNormalization", false);
        ObjectNode space = sweep ? task.putArray("searchSpace").addObject() : null;
        if (sweep) {
            space.put("modelName", "choice('" + model + "')");
            ObjectNode sweepSettings = task.putObject("sweepSettings");
            sweepSettings.put("samplingAlgorithm", "Random");
            if (options.earlyTermination() != AzureTrainingOptions.EarlyTermination.NONE) {
                sweepSettings.set("earlyTermination", earlyTermination(options.earlyTermination()));
            }
        }
        for (Map.Entry<String, Object> e : fixed.entrySet()) {
            if (space != null && !FIXED_IN_SWEEP.contains(e.getKey())) {
                space.put(e.getKey(), SweepExpressions.single(e.getValue()));
            } else {
                put(settings, e.getKey(), e.getValue());
            }
        }
        if (space != null) {
            if (options.searchSpace().isEmpty()) {
                AzureTrainingRules.DEFAULT_SEARCH_SPACE.forEach((field, expression) -> {
                    if (!fixed.containsKey(field)) {
                        space.put(field, expression);
                    }
                });
            } else {
                options.searchSpace().forEach(space::put);
            }
        }
        return body;
    }

    private static void put(ObjectNode settings, String name, Object value) {
        if (value instanceof Integer i) {
            settings.put(name, i);
        } else if (value instanceof Double d) {
            settings.put(name, d);
        } else if (value instanceof Boolean b) {
            settings.put(name, b);
        } else {
            settings.put(name, String.valueOf(value));
        }
    }

    /** The early-termination policies of AutoML's image how-to, with its example settings. */
    private static ObjectNode earlyTermination(AzureTrainingOptions.EarlyTermination policy) {
        ObjectNode e = Json.object();
        if (policy == AzureTrainingOptions.EarlyTermination.BANDIT) {
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
}
