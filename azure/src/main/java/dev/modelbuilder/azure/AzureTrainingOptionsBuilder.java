package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.ValidationException.Violation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Builds {@link AzureTrainingOptions}; get one with {@link AzureTrainingOptions#builder()}. Setters only record
 * values; {@link #build()} checks them all and names every broken rule in one {@link ValidationException}. Settings
 * left unset are not sent, so AutoML's own defaults apply (e.g. its number of epochs and learning rate). Not
 * thread-safe.
 */
public final class AzureTrainingOptionsBuilder {
    private String model;
    private boolean autoMode;
    private int maxTrials = 1;
    private int maxConcurrentTrials = 1;
    private AzureTrainingOptions.EarlyTermination earlyTermination = AzureTrainingOptions.EarlyTermination.NONE;
    private Integer imageSize;
    private final Map<String, Object> modelSettings = new LinkedHashMap<>();
    private final Map<String, String> searchSpace = new LinkedHashMap<>();

    AzureTrainingOptionsBuilder() {
    }

    /**
     * @param name the AutoML model to train ({@code modelName}), e.g. {@code resnet50}, {@code seresnext},
     *     {@code vitb16r224}; default {@value AzureTrainingOptions#DEFAULT_MODEL}
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withModel(String name) {
        this.model = Objects.requireNonNull(name, "name");
        return this;
    }

    /**
     * Lets AutoML choose models and settings itself over the trials (AutoMode, the AutoML image how-to) instead of
     * training one named model: no model name and no search space are sent. Give several trials with
     * {@link #withMaxTrials(int)}.
     *
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withAutoMode() {
        this.autoMode = true;
        return this;
    }

    /**
     * @param trials the most trials ({@code limitSettings.maxTrials}); default 1. Several trials of a named model are
     *     a sweep of it, which must vary something ({@link #build()} refuses identical trials); in AutoMode, AutoML's
     *     own choices
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withMaxTrials(int trials) {
        this.maxTrials = trials;
        return this;
    }

    /**
     * @param trials the most trials at once ({@code limitSettings.maxConcurrentTrials}, at most the trials); default 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withMaxConcurrentTrials(int trials) {
        this.maxConcurrentTrials = trials;
        return this;
    }

    /**
     * @param policy the policy that stops poor trials of a sweep; default {@code NONE}. Only for a sweep: with one
     *     trial or in AutoMode it would be dropped, so {@link #build()} refuses it
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withEarlyTermination(AzureTrainingOptions.EarlyTermination policy) {
        this.earlyTermination = Objects.requireNonNull(policy, "policy");
        return this;
    }

    /**
     * @param pixels the crop size the model takes (32 to 1024); default
     *     {@value AzureTrainingOptions#DEFAULT_IMAGE_SIZE} for a named model, AutoML's choice in AutoMode
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withImageSize(int pixels) {
        this.imageSize = pixels;
        return this;
    }

    /**
     * @param epochs the most training epochs ({@code numberOfEpochs}), at least 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withEpochs(int epochs) {
        return setting("numberOfEpochs", epochs);
    }

    /**
     * @param rate the initial learning rate ({@code learningRate}), 0 to 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withLearningRate(double rate) {
        return setting("learningRate", rate);
    }

    /**
     * @param images the training batch size ({@code trainingBatchSize}), at least 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withTrainingBatchSize(int images) {
        return setting("trainingBatchSize", images);
    }

    /**
     * @param images the validation batch size ({@code validationBatchSize}), at least 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withValidationBatchSize(int images) {
        return setting("validationBatchSize", images);
    }

    /**
     * @param enabled whether training stops when the primary metric stops improving ({@code earlyStopping})
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withEarlyStopping(boolean enabled) {
        return setting("earlyStopping", enabled);
    }

    /**
     * @param epochs the epochs without improvement before early stopping ({@code earlyStoppingPatience}), at least 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withEarlyStoppingPatience(int epochs) {
        return setting("earlyStoppingPatience", epochs);
    }

    /**
     * @param layers the layers to freeze ({@code layersToFreeze}), at least 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withLayersToFreeze(int layers) {
        return setting("layersToFreeze", layers);
    }

    /**
     * @param optimizer the optimizer ({@code optimizer})
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withOptimizer(AzureTrainingOptions.Optimizer optimizer) {
        return setting("optimizer", Objects.requireNonNull(optimizer, "optimizer").restValue());
    }

    /**
     * @param decay the weight decay ({@code weightDecay}), 0 to 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withWeightDecay(double decay) {
        return setting("weightDecay", decay);
    }

    /**
     * @param momentum the SGD momentum ({@code momentum}), 0 to 1
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withMomentum(double momentum) {
        return setting("momentum", momentum);
    }

    /**
     * Whether the exported ONNX model normalizes its input itself ({@code enableOnnxNormalization}); default
     * {@code false}, the service's default: the model then takes ImageNet-normalized input, and the downloaded
     * MLModel.zip normalizes once either way.
     *
     * @param enabled whether the graph normalizes
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withOnnxNormalization(boolean enabled) {
        return setting("enableOnnxNormalization", enabled);
    }

    /**
     * Adds a search-space expression for a sweep (several trials of a named model), sampled at random with the other
     * settings, e.g. {@code withSearchSpace("learningRate", "uniform(0.0001, 0.01)")}. Giving any replaces the
     * default ranges a sweep varies otherwise ({@code learningRate}, {@code numberOfEpochs}, {@code optimizer}).
     * Values are sent as azure-ai-ml writes them: {@code true}/{@code false} as {@code True}/{@code False}, numbers
     * without an exponent ({@code 1e-4} as {@code 0.0001}), bare words as quoted strings.
     *
     * @param field a field of the REST description's {@code ImageModelDistributionSettingsClassification}, e.g.
     *     {@code learningRate}, {@code trainingBatchSize}, {@code optimizer}
     * @param expression its AutoML expression, e.g. {@code choice(16, 32)} or {@code uniform(0.0001, 0.01)}
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withSearchSpace(String field, String expression) {
        searchSpace.put(Objects.requireNonNull(field, "field"), Objects.requireNonNull(expression, "expression"));
        return this;
    }

    /**
     * Adds several search-space expressions, as {@link #withSearchSpace(String, String)} does for each.
     *
     * @param expressions expressions by field of {@code ImageModelDistributionSettingsClassification}
     * @return this builder
     */
    public AzureTrainingOptionsBuilder withSearchSpace(Map<String, String> expressions) {
        Objects.requireNonNull(expressions, "expressions").forEach(this::withSearchSpace);
        return this;
    }

    /**
     * Adds the search-space expressions of a JSON file (what {@code modelbuilder train --search-space FILE.json}
     * reads): one object whose keys are fields of the REST description's
     * {@code ImageModelDistributionSettingsClassification} and whose values are their expressions, e.g.
     * {@code {"learningRate": "uniform(0.0001, 0.01)", "optimizer": "choice('sgd', 'adamw')"}}. The expressions are
     * checked by {@link #build()}, with every other rule.
     *
     * @param jsonFile the file, UTF-8
     * @return this builder
     * @throws dev.modelbuilder.core.exception.FileAccessException when the file cannot be read
     * @throws ValidationException when it is not such a JSON object (naming the file and what is wrong)
     */
    public AzureTrainingOptionsBuilder withSearchSpace(java.nio.file.Path jsonFile) {
        Objects.requireNonNull(jsonFile, "jsonFile");
        com.fasterxml.jackson.databind.JsonNode root;
        try {
            root = Json.MAPPER.readTree(java.nio.file.Files.readAllBytes(jsonFile));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new ValidationException("search space file", jsonFile.toString(), "it is not JSON ("
                    + e.getOriginalMessage() + "); write one object such as {\"learningRate\": \"uniform(0.0001, "
                    + "0.01)\"}");
        } catch (java.io.IOException e) {
            throw new dev.modelbuilder.core.exception.FileAccessException(jsonFile, "cannot read the search space "
                    + "file " + jsonFile + ": " + e.getMessage(), e);
        }
        if (root == null || !root.isObject() || root.isEmpty()) {
            throw new ValidationException("search space file", jsonFile.toString(), "write one non-empty JSON object "
                    + "of field names and expressions, e.g. {\"learningRate\": \"uniform(0.0001, 0.01)\"}");
        }
        List<Violation> problems = new ArrayList<>();
        root.properties().forEach(e -> {
            if (e.getValue().isTextual()) {
                withSearchSpace(e.getKey(), e.getValue().asText());
            } else {
                problems.add(new Violation("search space " + e.getKey() + " in " + jsonFile, e.getValue().toString(),
                        "write the expression as a string, e.g. \"choice(16, 32)\""));
            }
        });
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return this;
    }

    private AzureTrainingOptionsBuilder setting(String name, Object value) {
        modelSettings.put(name, value);
        return this;
    }

    /**
     * @return the options
     * @throws ValidationException listing every broken rule
     */
    public AzureTrainingOptions build() {
        List<Violation> problems = new ArrayList<>();
        if (autoMode && model != null) {
            problems.add(new Violation("model", model, "AutoMode chooses the models itself; drop withModel, or drop "
                    + "withAutoMode to train that model"));
        }
        String chosen = autoMode ? null : model != null ? model : AzureTrainingOptions.DEFAULT_MODEL;
        Integer size = imageSize;
        if (size == null && chosen != null) {
            size = AzureTrainingRules.FIXED_SIZE_MODELS.getOrDefault(chosen.toLowerCase(java.util.Locale.ROOT),
                    AzureTrainingOptions.DEFAULT_IMAGE_SIZE);
        }
        try {
            AzureTrainingOptions options = new AzureTrainingOptions(chosen, maxTrials, maxConcurrentTrials,
                    earlyTermination, size, modelSettings, searchSpace);
            if (problems.isEmpty()) {
                return options;
            }
        } catch (ValidationException e) {
            problems.addAll(e.violations());
        }
        throw new ValidationException(problems);
    }
}
