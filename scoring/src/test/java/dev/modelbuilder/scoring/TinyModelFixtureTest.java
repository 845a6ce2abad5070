package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.LabelMap;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.OutputKind;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** tiny.onnx end to end: logits within 1e-4 of the PyTorch reference, same top label. */
class TinyModelFixtureTest {
    private static PredictionEngine squash;
    private static PredictionEngine crop;

    @BeforeAll
    static void load() {
        squash = engine(variantSpec("squash224"));
        crop = engine(variantSpec("crop224"));
    }

    @AfterAll
    static void close() {
        squash.close();
        crop.close();
    }

    private static PredictionEngine engine(PreprocessingSpec spec) {
        return PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel()).withLabels(LabelMap.read(ImageClassificationFixtures.labelMap()))
                .withPreprocessing(spec).build();
    }

    private static PredictionEngine engineFor(String variant) {
        return variant.equals("squash224") ? squash : crop;
    }

    @ParameterizedTest
    @ValueSource(strings = {"squash224", "crop224"})
    void predictMatchesReferenceLogits(String variant) {
        PredictionEngine engine = engineFor(variant);
        for (JsonNode image : ImageClassificationFixtures.imageEntries()) {
            JsonNode ref = image.get("variants").get(variant).get("outputs").get("tiny");

            Prediction p = engine.predict(ImageClassificationFixtures.dir().resolve(image.get("file").asText()));

            assertReference(p, ref, image.get("file").asText() + " " + variant);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"squash224", "crop224"})
    void predictBatchMatchesReferenceLogits(String variant) {
        List<JsonNode> images = ImageClassificationFixtures.imageEntries();

        List<Prediction> predictions = engineFor(variant).predictBatch(ImageSource.ofFiles(ImageClassificationFixtures.imageFiles()));

        assertThat(predictions).hasSize(images.size());
        for (int i = 0; i < images.size(); i++) {
            assertReference(predictions.get(i), images.get(i).get("variants").get(variant).get("outputs").get("tiny"),
                    images.get(i).get("file").asText() + " " + variant + " (batch)");
        }
    }

    static void assertReference(Prediction p, JsonNode ref, String what) {
        float[] logits = p.logits();
        assertThat(logits).as(what).hasSize(5);
        for (int c = 0; c < 5; c++) {
            assertThat((double) logits[c]).as("%s logit %d", what, c)
                    .isCloseTo(ref.get("logits").get(c).asDouble(), within(1e-4));
            assertThat(p.scores().get(LabelMap.read(ImageClassificationFixtures.labelMap()).label(c))).as("%s probability %d", what, c)
                    .isCloseTo(ref.get("softmax").get(c).asDouble(), within(1e-4));
        }
        assertThat(p.label()).as(what).isEqualTo(ref.get("label").asText());
        assertThat(p.index()).as(what).isEqualTo(ref.get("argmax").asInt());
        assertThat(p.score()).isEqualTo(p.scores().get(p.label()));
        assertThat(p.scores().values().stream().mapToDouble(Double::doubleValue).sum()).isCloseTo(1.0, within(1e-9));
        assertThat(new ArrayList<>(p.scores().keySet())).containsExactlyElementsOf(LabelMap.read(ImageClassificationFixtures.labelMap()).labels());
    }

    @Test
    void everyInputTypeGivesTheSamePrediction() throws Exception {
        Path file = ImageClassificationFixtures.dir().resolve("images/rocket.jpg");
        byte[] bytes = Files.readAllBytes(file);
        Prediction byPath = crop.predict(file);

        assertThat(crop.predict(bytes)).isEqualTo(byPath);
        try (var in = Files.newInputStream(file)) {
            assertThat(crop.predict(in)).isEqualTo(byPath);
        }
        assertThat(crop.predict(ImageDecoder.decode(file))).isEqualTo(byPath);
        assertThat(crop.predict(ImageDecoder.decode(file).toBufferedImage())).isEqualTo(byPath);
        try (var in = Files.newInputStream(file)) {
            List<Prediction> batch = crop.predictBatch(List.of(ImageSource.of(file), ImageSource.of(bytes),
                    ImageSource.of(in), ImageSource.of(ImageDecoder.decode(file)),
                    ImageSource.of(ImageDecoder.decode(file).toBufferedImage())));
            assertThat(batch).hasSize(5).allSatisfy(p -> assertClose(p, byPath));
        }
    }

    /** Batched inference may differ from single inference in the last float bits. */
    static void assertClose(Prediction actual, Prediction expected) {
        assertThat(actual.label()).isEqualTo(expected.label());
        float[] a = actual.logits();
        float[] b = expected.logits();
        assertThat(a).hasSameSizeAs(b);
        for (int c = 0; c < a.length; c++) {
            assertThat(a[c]).isCloseTo(b[c], within(1e-5f));
        }
    }

    @Test
    void partialAndManyBatchesEqualSinglePredictions() {
        List<Path> files = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            files.addAll(ImageClassificationFixtures.imageFiles());
        }
        try (PredictionEngine small = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel())
                .withLabels(LabelMap.read(ImageClassificationFixtures.labelMap())).withPreprocessing(variantSpec("crop224")).withBatchSize(5)
                .withPreprocessingThreads(3).build()) {
            assertThat(small.batchSize()).isEqualTo(5);

            List<Prediction> batch = small.predictBatch(ImageSource.ofFiles(files));

            assertThat(batch).hasSize(24);
            for (int i = 0; i < files.size(); i++) {
                assertClose(batch.get(i), crop.predict(files.get(i)));
            }
        }
    }

    @Test
    void packagedModelPredictsTheSame(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(variantSpec("crop224")));

        Path image = ImageClassificationFixtures.dir().resolve("images/astronaut.png");
        JsonNode ref = ImageClassificationFixtures.imageEntries().get(0).get("variants").get("crop224").get("outputs").get("tiny");
        try (PredictionEngine fromPath = PredictionEngine.fromPackage(zip);
             PredictionEngine fromBytes = PredictionEngine.fromPackage(Files.readAllBytes(zip));
             var in = Files.newInputStream(zip);
             PredictionEngine fromStream = PredictionEngine.fromPackage(in)) {
            assertReference(fromPath.predict(image), ref, "package");
            assertThat(fromBytes.predict(image)).isEqualTo(fromPath.predict(image));
            assertThat(fromStream.predict(image)).isEqualTo(fromPath.predict(image));
            assertThat(fromPath.inputName()).isEqualTo("input1");
            assertThat(fromPath.outputName()).isEqualTo("output1");
            assertThat(fromPath.outputKind()).contains(OutputKind.LOGITS);
            assertThat(fromPath.preprocessing()).isEqualTo(variantSpec("crop224"));
            assertThat(fromPath.labels()).isEqualTo(LabelMap.read(ImageClassificationFixtures.labelMap()));
            assertThat(fromPath.classCount()).isEqualTo(5);
            assertThat(fromPath.executionProvider()).isEqualTo(ExecutionProvider.cpu());
        }
    }

    @Test
    void topKOrdersByScore() {
        Prediction p = crop.predict(ImageClassificationFixtures.dir().resolve("images/coffee.png"));

        List<Prediction.LabelScore> top = p.topK(3);

        assertThat(top).hasSize(3);
        assertThat(top.get(0).label()).isEqualTo(p.label());
        assertThat(top.get(0).score()).isEqualTo(p.score());
        assertThat(top.get(0).score()).isGreaterThanOrEqualTo(top.get(1).score());
        assertThat(top.get(1).score()).isGreaterThanOrEqualTo(top.get(2).score());
        assertThat(p.topK(99)).hasSize(5);
        assertThat(top.get(1).score()).isEqualTo(p.scores().get(top.get(1).label()));
    }

    /** The preprocessing of a reference variant of expected.json. */
    private static PreprocessingSpec variantSpec(String variant) {
        return switch (variant) {
            case "squash224" -> PreprocessingSpec.squash(224);
            case "crop224" -> PreprocessingSpec.resizeCrop(256, 224);
            default -> throw new IllegalArgumentException(variant);
        };
    }
}
