package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.azure.AzureTrainingOptions.EarlyTermination;
import dev.modelbuilder.azure.AzureTrainingOptions.Optimizer;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingSpec;
import java.io.InputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** The Azure training options: defaults, every rule in one error, the REST names, and the job bodies they make. */
class AzureTrainingOptionsTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Path DATA = Path.of("/tmp/golden/data");
    private static final DataUploader.Uploaded UPLOADED = new DataUploader.Uploaded("modelbuilder-d", "abc",
            "modelbuilder/datasets/abc", 10, 10, 0, 100);

    @Test
    void defaultsAreOneTrialOfResNet50At224Pixels() {
        AzureTrainingOptions d = AzureTrainingOptions.defaults();
        assertThat(d.provider()).isEqualTo("azure");
        assertThat(d.model()).isEqualTo("resnet50");
        assertThat(d.imageSize()).isEqualTo(224);
        assertThat(d.maxTrials()).isEqualTo(1);
        assertThat(d.maxConcurrentTrials()).isEqualTo(1);
        assertThat(d.earlyTermination()).isEqualTo(EarlyTermination.NONE);
        assertThat(d.modelSettings()).isEmpty();
        assertThat(d.searchSpace()).isEmpty();
        assertThat(d.isAutoMode()).isFalse();
        assertThat(d.isSweep()).isFalse();
        AzureTrainingOptions auto = AzureTrainingOptions.builder().withAutoMode().withMaxTrials(3).build();
        assertThat(auto.model()).isNull();
        assertThat(auto.imageSize()).as("AutoML chooses").isNull();
        assertThat(auto.isAutoMode()).isTrue();
        assertThat(auto.isSweep()).isFalse();
        assertThat(AzureTrainingOptions.builder().withModel("SeResNeXt").withMaxTrials(2).build())
                .satisfies(o -> assertThat(o.model()).isEqualTo("seresnext"))
                .satisfies(o -> assertThat(o.isSweep()).isTrue());
    }

    @Test
    void buildNamesEveryBrokenRuleAtOnce() {
        assertThatThrownBy(() -> AzureTrainingOptions.builder().withModel("vitb16r224").withImageSize(299)
                .withMaxTrials(0).withMaxConcurrentTrials(0).withLearningRate(2).withEpochs(0).withMomentum(-0.1)
                .withSearchSpace("learningRate", "uniform(0.001, 0.01)").build())
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(ValidationException.Violation::field)
                        .containsExactlyInAnyOrder("maximum trials", "maximum concurrent trials", "image size",
                                "model setting learningRate", "model setting numberOfEpochs",
                                "model setting momentum", "search space", "search space learningRate"))
                .hasMessageContaining("vitb16r224 takes 224 x 224 pixels only")
                .hasMessageContaining("use a number from 0 to 1");
        assertThatThrownBy(() -> AzureTrainingOptions.builder().withAutoMode().withModel("resnet50").build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("AutoMode chooses the models itself");
        assertThatThrownBy(() -> AzureTrainingOptions.builder().withImageSize(16).build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("32 to 1024");
    }

    @Test
    void theRecordChecksWhatItIsGivenDirectlyToo() {
        Map<String, Object> settings = new LinkedHashMap<>();
        settings.put("learningRat", 0.1);
        settings.put("optimizer", "rmsprop");
        settings.put("earlyStopping", "yes");
        assertThatThrownBy(() -> new AzureTrainingOptions("resnet50", 1, 1, EarlyTermination.NONE, 224, settings,
                Map.of())).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .hasSize(3))
                .hasMessageContaining("learningRate").hasMessageContaining("Adamw")
                .hasMessageContaining("true or false");
        assertThatThrownBy(() -> new AzureTrainingOptions("resnet50", 1, 1, EarlyTermination.NONE, null, Map.of(),
                Map.of())).isInstanceOf(ValidationException.class).hasMessageContaining("crop size");
        assertThatThrownBy(() -> new AzureTrainingOptions("res net", 1, 1, EarlyTermination.NONE, 224, Map.of(),
                Map.of())).isInstanceOf(ValidationException.class).hasMessageContaining("model name");
        Map<String, Object> given = new HashMap<>(Map.of("learningRate", 0.01));
        AzureTrainingOptions copy = new AzureTrainingOptions("resnet50", 1, 1, EarlyTermination.NONE, 224, given,
                Map.of());
        given.put("momentum", 0.5);
        assertThat(copy.modelSettings()).containsOnlyKeys("learningRate");
        assertThatThrownBy(() -> copy.modelSettings().put("momentum", 0.5))
                .isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void searchSpacesAreForSweepsOfANamedModelOnly() {
        assertThatThrownBy(() -> AzureTrainingOptions.builder().withSearchSpace("learningRate", "uniform(0, 1)")
                .build()).isInstanceOf(ValidationException.class).hasMessageContaining("withMaxTrials(2)");
        assertThatThrownBy(() -> AzureTrainingOptions.builder().withAutoMode().withMaxTrials(3)
                .withSearchSpace("learningRate", "uniform(0, 1)").build()).isInstanceOf(ValidationException.class)
                .hasMessageContaining("AutoMode");
        assertThatThrownBy(() -> AzureTrainingOptions.builder().withMaxTrials(3)
                .withSearchSpace("modelName", "choice('resnet50', 'seresnext')")
                .withSearchSpace("learningRate", "0.01")
                .withSearchSpace("trainingBatchSize", "choice(16, 32)").withTrainingBatchSize(8).build())
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(ValidationException.Violation::field)
                        .containsExactly("search space field", "search space learningRate",
                                "search space trainingBatchSize"))
                .hasMessageContaining("either fixed or as a search-space expression");
        assertThat(AzureTrainingOptions.builder().withMaxTrials(3).withSearchSpace("learningRate",
                "loguniform(-9, -2)").build().searchSpace()).containsEntry("learningRate", "loguniform(-9, -2)");
    }

    /**
     * The settings the options carry are fields of {@code ImageModelSettingsClassification} with the REST type, and
     * the search-space fields are fields of {@code ImageModelDistributionSettingsClassification}, in the REST
     * description the emulator validates against.
     */
    @Test
    void settingNamesAndTypesAreThoseOfTheRestDescription() throws Exception {
        JsonNode definitions;
        try (InputStream in = getClass().getResourceAsStream("/azure-specs/2024-04-01/mfe.json")) {
            definitions = JSON.readTree(in).path("definitions");
        }
        Map<String, JsonNode> fixed = properties(definitions, "ImageModelSettingsClassification");
        AzureTrainingRules.MODEL_SETTINGS.forEach((name, rule) -> {
            assertThat(fixed).as(name).containsKey(name);
            JsonNode field = fixed.get(name);
            String expected = rule.type() == Integer.class ? "integer" : rule.type() == Double.class ? "number"
                    : rule.type() == Boolean.class ? "boolean" : "string";
            if (field.has("$ref")) {
                String enumName = field.get("$ref").asText().replace("#/definitions/", "");
                Set<String> values = new TreeSet<>();
                definitions.path(enumName).path("enum").forEach(v -> values.add(v.asText()));
                assertThat(expected).as(name).isEqualTo("string");
                assertThat(rule.values()).as(name).isEqualTo(values);
            } else {
                assertThat(field.path("type").asText()).as(name).isEqualTo(expected);
            }
        });
        Map<String, JsonNode> distribution = properties(definitions, "ImageModelDistributionSettingsClassification");
        assertThat(distribution.keySet()).containsAll(AzureTrainingRules.SEARCH_SPACE_FIELDS);
        assertThat(new TreeSet<>(distribution.keySet())).as("only the fields the options fix themselves are left out")
                .containsAll(List.of("modelName", "randomSeed", "trainingCropSize", "validationCropSize",
                        "validationResizeSize", "enableOnnxNormalization"))
                .hasSize(AzureTrainingRules.SEARCH_SPACE_FIELDS.size() + 6);
    }

    private static Map<String, JsonNode> properties(JsonNode definitions, String name) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        JsonNode definition = definitions.path(name);
        for (JsonNode parent : definition.path("allOf")) {
            out.putAll(properties(definitions, parent.path("$ref").asText().replace("#/definitions/", "")));
        }
        JsonNode props = definition.path("properties");
        props.fieldNames().forEachRemaining(field -> out.put(field, props.get(field)));
        return out;
    }

    /**
     * The job bodies are the ones the provider sent before the settings moved from the provider-neutral spec into
     * these options: {@code golden/automl-job-bodies.json} was written by {@code AutoMlJob} at commit fd6b40a from
     * the equivalent {@code ImageClassificationTraining} of each case (named in the comments).
     */
    @Test
    void jobBodiesAreThoseOfTheEquivalentSpecsBeforeTheOptionsMoved() throws Exception {
        JsonNode golden;
        try (InputStream in = getClass().getResourceAsStream("/golden/automl-job-bodies.json")) {
            golden = JSON.readTree(in);
        }
        TrainingSpec plain = TrainingSpec.fromFolder(DATA).withCompute("gpu").build();
        Map<String, Object[]> cases = new LinkedHashMap<>();
        // fromFolder(d).onCompute("gpu")
        cases.put("defaults", new Object[] {plain, AzureTrainingOptions.defaults()});
        // withArchitecture("mobilenetv2").withImageSize(256).withMaxEpochs(12).withSeed(7).withValidationSplit(0.3)
        // .withTimeBudget(45 min) and the options learningRate=0.005, optimizer=Sgd, momentum=0.9, weightDecay=0.0001,
        // earlyStopping=true, earlyStoppingPatience=4, trainingBatchSize=32, validationBatchSize=16, layersToFreeze=2
        cases.put("one-trial-settings", new Object[] {TrainingSpec.fromFolder(DATA).withCompute("gpu").withSeed(7)
                .withValidationSplit(0.3).withTimeBudget(Duration.ofMinutes(45)).build(),
                AzureTrainingOptions.builder().withModel("mobilenetv2").withImageSize(256).withEpochs(12)
                        .withLearningRate(0.005).withOptimizer(Optimizer.SGD).withMomentum(0.9).withWeightDecay(0.0001)
                        .withEarlyStopping(true).withEarlyStoppingPatience(4).withTrainingBatchSize(32)
                        .withValidationBatchSize(16).withLayersToFreeze(2).build()});
        // withArchitecture("seresnext").withImageSize(299).withMaxTrials(4).withMaxEpochs(7).withTimeBudget(90 min)
        // .withValidationSplit(0.1).withSeed(123456789012) and the options learningRate=0.01, optimizer=Adamw,
        // enableOnnxNormalization=true, maxConcurrentTrials=2, earlyTermination=bandit, trainingBatchSize=16,
        // momentum=0.9, weightDecay=0.0001, layersToFreeze=2, earlyStoppingPatience=3, validationBatchSize=8,
        // earlyStopping=false
        cases.put("sweep-all", new Object[] {TrainingSpec.fromFolder(DATA).withCompute("gpu")
                .withTimeBudget(Duration.ofMinutes(90)).withValidationSplit(0.1).withSeed(123456789012L).build(),
                AzureTrainingOptions.builder().withModel("seresnext").withImageSize(299).withMaxTrials(4)
                        .withEpochs(7).withLearningRate(0.01).withOptimizer(Optimizer.ADAMW)
                        .withOnnxNormalization(true).withMaxConcurrentTrials(2)
                        .withEarlyTermination(EarlyTermination.BANDIT).withTrainingBatchSize(16).withMomentum(0.9)
                        .withWeightDecay(0.0001).withLayersToFreeze(2).withEarlyStoppingPatience(3)
                        .withValidationBatchSize(8).withEarlyStopping(false).build()});
        // withMaxTrials(3), options maxConcurrentTrials=8, earlyTermination=median
        cases.put("sweep-median-many-concurrent", new Object[] {plain, AzureTrainingOptions.builder()
                .withMaxTrials(3).withMaxConcurrentTrials(8).withEarlyTermination(EarlyTermination.MEDIAN_STOPPING)
                .build()});
        // autoMode().withMaxTrials(4)
        cases.put("automode", new Object[] {plain, AzureTrainingOptions.builder().withAutoMode().withMaxTrials(4)
                .build()});
        // autoMode().withMaxTrials(5).withImageSize(288), option earlyTermination=median (not a sweep: not sent)
        cases.put("automode-size", new Object[] {plain, AzureTrainingOptions.builder().withAutoMode().withMaxTrials(5)
                .withImageSize(288).withEarlyTermination(EarlyTermination.MEDIAN_STOPPING).build()});
        // withArchitecture("vitb16r224")
        cases.put("vit", new Object[] {plain, AzureTrainingOptions.builder().withModel("vitb16r224").build()});
        // option enableOnnxNormalization=true
        cases.put("onnx-normalization-one-trial", new Object[] {plain, AzureTrainingOptions.builder()
                .withOnnxNormalization(true).build()});

        assertThat(cases.keySet()).containsExactlyElementsOf(() -> golden.fieldNames());
        cases.forEach((name, c) -> assertThat(AutoMlJob.body("exp", "/subscriptions/s/computes/gpu",
                (TrainingSpec) c[0], (AzureTrainingOptions) c[1], UPLOADED,
                "/subscriptions/s/data/modelbuilder-d/versions/abc", List.of("a", "b")))
                .as(name).isEqualTo(golden.get(name)));
    }
}
