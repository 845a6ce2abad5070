package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingOptions;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;

/**
 * How Azure Machine Learning trains: the AutoML image-classification settings that only the Azure provider
 * understands. Immutable; build it with {@link #builder()}, every rule checked at once by
 * {@link AzureTrainingOptionsBuilder#build()}, and give it to the run with
 * {@code TrainingSpec.fromData(dir).withOptions(options)}. A run submitted without options uses {@link #defaults()}.
 *
 * <pre>{@code
 * AzureTrainingOptions options = AzureTrainingOptions.builder()
 *         .withModel("seresnext")
 *         .withImageSize(299)
 *         .withMaxTrials(4)
 *         .withMaxConcurrentTrials(2)
 *         .withEarlyTermination(AzureTrainingOptions.EarlyTermination.BANDIT)
 *         .withLearningRate(0.01)
 *         .build();
 * }</pre>
 *
 * <p>The names follow the REST description of the AutoML job (api-version 2024-04-01): {@link #modelSettings()} holds
 * fields of {@code ImageModelSettingsClassification} and {@link #searchSpace()} fields of
 * {@code ImageModelDistributionSettingsClassification}, under their REST names, so that the same name means the same
 * setting in both.
 *
 * <p>Trials: one trial trains {@link #model()} with fixed settings. Several trials of a named model are a sweep: the
 * job's search space holds the model and each fixed setting as a single {@code choice(...)}, plus the expressions of
 * {@link #searchSpace()} or, when there are none, the documented default ranges of the learning rate, epochs and
 * optimizer that are not fixed; trials are sampled at random, without a fixed seed. A sweep with nothing to vary, and
 * an early-termination policy outside a sweep, are refused. In AutoMode
 * ({@link AzureTrainingOptionsBuilder#withAutoMode()}) AutoML chooses models and settings itself over the trials: no
 * model name and no search space are sent.
 *
 * @param model the AutoML model name ({@code modelName}, e.g. {@code resnet50}; kept in lower case), or {@code null}
 *     in AutoMode
 * @param maxTrials the most trials, at least 1 ({@code limitSettings.maxTrials})
 * @param maxConcurrentTrials the most trials at once, at least 1; the job is sent at most {@code maxTrials}
 * @param earlyTermination the policy that stops poor trials of a sweep
 * @param imageSize the crop size in pixels (training and validation; validation resizes to
 *     {@code round(size * 256 / 224)} first), or {@code null} only in AutoMode, where AutoML chooses
 * @param modelSettings further fixed settings by their REST name (see {@link AzureTrainingOptionsBuilder}'s
 *     {@code withX} methods); values are {@code Integer}, {@code Double}, {@code Boolean} or {@code String}; copied
 * @param searchSpace sweep expressions by their REST name, e.g. {@code learningRate -> uniform(0.0001,0.01)}; only for
 *     a sweep of a named model; copied, each written as azure-ai-ml writes it ({@code True}/{@code False}, numbers
 *     without an exponent, quoted strings, arguments joined by commas)
 */
public record AzureTrainingOptions(String model, int maxTrials, int maxConcurrentTrials,
        EarlyTermination earlyTermination, Integer imageSize, Map<String, Object> modelSettings,
        Map<String, String> searchSpace) implements TrainingOptions {

    /** The model trained when none is named. */
    public static final String DEFAULT_MODEL = "resnet50";
    /** The crop size of a named model when none is given: what AutoML's ResNet50 takes. */
    public static final int DEFAULT_IMAGE_SIZE = 224;

    /** Policies that stop poor trials of a sweep early, with the settings of AutoML's image how-to. */
    public enum EarlyTermination {
        /** Every trial runs to the end. */
        NONE,
        /** Bandit policy: slack factor 0.2, evaluated every 2 intervals after a delay of 6. */
        BANDIT,
        /** Median stopping: evaluated every interval after a delay of 5. */
        MEDIAN_STOPPING
    }

    /** Optimizers AutoML offers ({@code StochasticOptimizer} of the REST description). */
    public enum Optimizer {
        /** No optimizer named: AutoML's default. */
        NONE("None"),
        /** Stochastic gradient descent. */
        SGD("Sgd"),
        /** Adam. */
        ADAM("Adam"),
        /** Adam with decoupled weight decay. */
        ADAMW("Adamw");

        private final String restValue;

        Optimizer(String restValue) {
            this.restValue = restValue;
        }

        /** @return the value as the REST description spells it, e.g. {@code Adamw} */
        public String restValue() {
            return restValue;
        }
    }

    /**
     * Checks every rule and copies the maps.
     *
     * @throws ValidationException listing every broken rule
     */
    public AzureTrainingOptions {
        model = model == null ? null : model.strip().toLowerCase(Locale.ROOT);
        earlyTermination = Objects.requireNonNull(earlyTermination, "earlyTermination");
        modelSettings = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(modelSettings,
                "modelSettings")));
        Map<String, String> written = new LinkedHashMap<>();
        Objects.requireNonNull(searchSpace, "searchSpace").forEach((field, expression) -> {
            String text = expression;
            try {
                text = SweepExpressions.parse(expression).text();
            } catch (IllegalArgumentException e) {
                // kept as given: the rules below name the problem
            }
            written.put(field, text);
        });
        searchSpace = Collections.unmodifiableMap(written);
        AzureTrainingRules.check(model, maxTrials, maxConcurrentTrials, earlyTermination, imageSize, modelSettings,
                searchSpace);
    }

    /** @return a builder with the defaults: {@value #DEFAULT_MODEL}, one trial, crop size 224 */
    public static AzureTrainingOptionsBuilder builder() {
        return new AzureTrainingOptionsBuilder();
    }

    /** @return the options a run gets when it names none: one trial of {@value #DEFAULT_MODEL} at 224 pixels */
    public static AzureTrainingOptions defaults() {
        return builder().build();
    }

    /** @return {@code azure}, the name of {@link AzureMlProvider} */
    @Override
    public String provider() {
        return AzureMlProvider.NAME;
    }

    /** @return whether AutoML chooses models and settings itself (no {@link #model()}) */
    public boolean isAutoMode() {
        return model == null;
    }

    /** @return whether the trials are a sweep of the named model: a model and more than one trial */
    public boolean isSweep() {
        return model != null && maxTrials > 1;
    }
}
