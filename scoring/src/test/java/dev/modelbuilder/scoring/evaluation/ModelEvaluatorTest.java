package dev.modelbuilder.scoring.evaluation;

import static dev.modelbuilder.scoring.evaluation.EvaluationFixtures.A;
import static dev.modelbuilder.scoring.evaluation.EvaluationFixtures.B;
import static dev.modelbuilder.scoring.evaluation.EvaluationFixtures.C;
import static dev.modelbuilder.scoring.evaluation.EvaluationFixtures.probabilities;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.WorkStep;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelEvaluatorTest {
    private static final double EXACT = 1e-12;
    private static final double FLOAT = 1e-5;

    @TempDir
    static Path shared;
    static Path model;
    static Path folder;

    @BeforeAll
    static void writeFixtures() throws IOException {
        model = EvaluationFixtures.writePackage(shared);
        folder = EvaluationFixtures.writeFolder(shared.resolve("data"));
    }

    @Test
    void everyFigureEqualsTheHandComputation() {
        List<ProgressEvent> events = new ArrayList<>();
        EvaluationResult r = ModelEvaluator.builder().withTopK(2).withBatchSize(3).withListener(events::add).build()
                .evaluate(model, folder);

        assertThat(r.labels()).containsExactly("cat", "dog", "fox");
        assertThat(r.images()).isEqualTo(10);
        assertThat(r.correct()).isEqualTo(7);
        assertThat(r.accuracy()).isCloseTo(0.7, within(EXACT));
        // top-2: the 7 right ones, plus dog/a1 (dog ranked 2nd); cat/b1 and dog/c1 rank their label 3rd
        assertThat(r.topK()).isEqualTo(2);
        assertThat(r.topKAccuracy()).isCloseTo(0.8, within(EXACT));
        // rows true cat, dog, fox; columns predicted cat, dog, fox
        assertThat(r.confusionMatrix().counts()).isDeepEqualTo(new long[][] {{3, 1, 0}, {1, 2, 1}, {0, 0, 2}});
        assertThat(r.confusionMatrix().total()).isEqualTo(r.images());

        // cat: P 3/4 R 3/4; dog: P 2/3 R 2/4; fox: P 2/3 R 2/2
        LabelMetrics cat = r.label("cat");
        LabelMetrics dog = r.label("dog");
        LabelMetrics fox = r.label("fox");
        assertThat(cat.precision()).isCloseTo(0.75, within(EXACT));
        assertThat(cat.recall()).isCloseTo(0.75, within(EXACT));
        assertThat(cat.f1()).isCloseTo(0.75, within(EXACT));
        assertThat(cat.support()).isEqualTo(4);
        assertThat(cat.predicted()).isEqualTo(4);
        assertThat(dog.precision()).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(dog.recall()).isCloseTo(0.5, within(EXACT));
        assertThat(dog.f1()).isCloseTo(4.0 / 7, within(EXACT));
        assertThat(dog.support()).isEqualTo(4);
        assertThat(fox.precision()).isCloseTo(2.0 / 3, within(EXACT));
        assertThat(fox.recall()).isCloseTo(1.0, within(EXACT));
        assertThat(fox.f1()).isCloseTo(0.8, within(EXACT));
        assertThat(fox.support()).isEqualTo(2);

        assertThat(r.macro().precision()).isCloseTo((0.75 + 2.0 / 3 + 2.0 / 3) / 3, within(EXACT));
        assertThat(r.macro().recall()).isCloseTo((0.75 + 0.5 + 1.0) / 3, within(EXACT));
        assertThat(r.macro().f1()).isCloseTo((0.75 + 4.0 / 7 + 0.8) / 3, within(EXACT));
        assertThat(r.weighted().precision()).isCloseTo((4 * 0.75 + 4 * 2.0 / 3 + 2 * 2.0 / 3) / 10, within(EXACT));
        assertThat(r.weighted().recall()).isCloseTo(0.7, within(EXACT));
        assertThat(r.weighted().f1()).isCloseTo((4 * 0.75 + 4 * 4.0 / 7 + 2 * 0.8) / 10, within(EXACT));

        // log loss: -ln p(true) per image; class index 0 cat, 1 dog, 2 fox
        double expectedLogLoss = (3 * -Math.log(probabilities(A)[0]) + -Math.log(probabilities(B)[0])
                + 2 * -Math.log(probabilities(B)[1]) + -Math.log(probabilities(A)[1]) + -Math.log(probabilities(C)[1])
                + 2 * -Math.log(probabilities(C)[2])) / 10;
        assertThat(r.logLoss()).isCloseTo(expectedLogLoss, within(FLOAT));

        assertThat(r.misclassified()).extracting(Misclassified::image, Misclassified::trueLabel,
                Misclassified::predictedLabel).containsExactly(
                        org.assertj.core.groups.Tuple.tuple("cat/b1.png", "cat", "dog"),
                        org.assertj.core.groups.Tuple.tuple("dog/a1.png", "dog", "cat"),
                        org.assertj.core.groups.Tuple.tuple("dog/c1.png", "dog", "fox"));
        assertThat(r.misclassified().get(0).score()).isCloseTo(probabilities(B)[1], within(FLOAT));
        assertThat(r.misclassified().get(0).trueLabelScore()).isCloseTo(probabilities(B)[0], within(FLOAT));
        assertThat(r.skipped()).isEmpty();
        assertThat(r.skippedCount()).isZero();

        assertThat(events).first().isEqualTo(new ProgressEvent.StepStarted(WorkStep.EVALUATE_MODEL));
        assertThat(events).filteredOn(ProgressEvent.StepProgress.class::isInstance)
                .extracting(e -> ((ProgressEvent.StepProgress) e).done()).containsExactly(0L, 3L, 6L, 9L, 10L);
        assertThat(events).last().isInstanceOf(ProgressEvent.StepCompleted.class);
    }

    @Test
    void aSingleLabelModelIsMeasuredOnAJsonlOrCsvLabelsFileAsOnItsFolder(@TempDir Path dir) throws IOException {
        Path data = EvaluationFixtures.writeFolder(dir.resolve("data"));
        List<String> images = List.of("cat/a1.png", "cat/a2.png", "cat/a3.png", "cat/b1.png", "dog/b1.png",
                "dog/b2.png", "dog/a1.png", "dog/c1.png", "fox/c1.png", "fox/c2.png");
        StringBuilder jsonl = new StringBuilder();
        StringBuilder csv = new StringBuilder("image,labels\n");
        for (String image : images) {
            String label = image.substring(0, image.indexOf('/'));
            // Azure ML's export form: extra fields are ignored, the label is a string or a list of one
            jsonl.append(image.startsWith("fox") ? "{\"image_url\": \"" + image + "\", \"label\": [\"" + label + "\"]}"
                    : "{\"image_url\": \"" + image + "\", \"label\": \"" + label + "\", \"image_details\": {}}")
                    .append('\n');
            csv.append(image).append(',').append(label).append("\r\n");
        }
        Path jsonlFile = Files.writeString(data.resolve("test.jsonl"), jsonl);
        Path csvFile = Files.writeString(data.resolve("test.csv"), csv);
        EvaluationResult byFolder = ModelEvaluator.builder().withTopK(2).build().evaluate(model, folder);

        for (Path labels : List.of(jsonlFile, csvFile)) {
            EvaluationResult r = ModelEvaluator.builder().withTopK(2).build().evaluate(model, labels);

            assertThat(r.labels()).as("%s", labels).containsExactly("cat", "dog", "fox");
            assertThat(r.images()).isEqualTo(10);
            assertThat(r.correct()).isEqualTo(7);
            assertThat(r.topKAccuracy()).isCloseTo(0.8, within(EXACT));
            assertThat(r.confusionMatrix().counts()).isDeepEqualTo(new long[][] {{3, 1, 0}, {1, 2, 1}, {0, 0, 2}});
            assertThat(r.perLabel()).isEqualTo(byFolder.perLabel());
            assertThat(r.macro()).isEqualTo(byFolder.macro());
            assertThat(r.logLoss()).isCloseTo(byFolder.logLoss(), within(FLOAT));
            assertThat(r.misclassified()).extracting(Misclassified::image, Misclassified::trueLabel,
                    Misclassified::predictedLabel).containsExactlyInAnyOrder(
                            org.assertj.core.groups.Tuple.tuple("cat/b1.png", "cat", "dog"),
                            org.assertj.core.groups.Tuple.tuple("dog/a1.png", "dog", "cat"),
                            org.assertj.core.groups.Tuple.tuple("dog/c1.png", "dog", "fox"));
            assertThat(r.skipped()).isEmpty();
        }
    }

    @Test
    void theJsonParsesAndCarriesTheFigures() throws IOException {
        EvaluationResult r = ModelEvaluator.builder().withTopK(2).build().evaluate(model, folder);
        JsonNode json = new ObjectMapper().readTree(r.toJson());
        assertThat(json.get("images").asLong()).isEqualTo(10);
        assertThat(json.get("accuracy").asDouble()).isEqualTo(r.accuracy());
        assertThat(json.get("logLoss").asDouble()).isEqualTo(r.logLoss());
        assertThat(json.get("macro").get("f1").asDouble()).isEqualTo(r.macro().f1());
        assertThat(json.get("perLabel")).hasSize(3);
        assertThat(json.get("perLabel").get(1).get("recall").asDouble()).isEqualTo(0.5);
        long sum = 0;
        for (JsonNode row : json.get("confusionMatrix").get("counts")) {
            for (JsonNode c : row) {
                sum += c.asLong();
            }
        }
        assertThat(sum).isEqualTo(10);
        assertThat(json.get("misclassified")).hasSize(3);
        assertThat(json.get("skippedCount").asLong()).isZero();
    }

    @Test
    void unreadableImagesAreSkippedNamedAndCounted(@TempDir Path dir) throws IOException {
        Path data = EvaluationFixtures.writeFolder(dir.resolve("data"));
        Files.write(data.resolve("dog/notes.jpg"), "not an image".getBytes(StandardCharsets.UTF_8));
        byte[] png = Files.readAllBytes(data.resolve("fox/c1.png"));
        Files.write(data.resolve("fox/truncated.png"), java.util.Arrays.copyOf(png, png.length / 2));

        EvaluationResult r = ModelEvaluator.builder().build().evaluate(model, data);

        assertThat(r.images()).isEqualTo(10);
        assertThat(r.skippedCount()).isEqualTo(2);
        assertThat(r.skipped()).extracting(SkippedImage::image)
                .containsExactlyInAnyOrder("dog/notes.jpg", "fox/truncated.png");
        assertThat(r.skipped()).allSatisfy(s -> assertThat(s.reason()).isNotBlank());
        assertThat(r.accuracy()).isCloseTo(0.7, within(EXACT));
    }

    @Test
    void aLabelUnknownToTheModelIsAnErrorNamingIt(@TempDir Path dir) {
        Path data = EvaluationFixtures.writeFolder(dir.resolve("data"));
        EvaluationFixtures.image(data, "wolf/1.png", A);
        EvaluationFixtures.image(data, "zebra/1.png", B);
        assertThatThrownBy(() -> ModelEvaluator.builder().build().evaluate(model, data))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("wolf, zebra").hasMessageContaining("unknown to the model")
                .hasMessageContaining("[cat, dog, fox]");
    }

    @Test
    void anEmptyFolderIsAnError(@TempDir Path dir) throws IOException {
        Path empty = Files.createDirectories(dir.resolve("empty"));
        assertThatThrownBy(() -> ModelEvaluator.builder().build().evaluate(model, empty))
                .isInstanceOf(ValidationException.class).hasMessageContaining("no label folders");
        Files.createDirectories(empty.resolve("cat"));
        assertThatThrownBy(() -> ModelEvaluator.builder().build().evaluate(model, empty))
                .isInstanceOf(ValidationException.class).hasMessageContaining("no usable images");
        assertThatThrownBy(() -> ModelEvaluator.builder().build().evaluate(model, dir.resolve("missing")))
                .isInstanceOf(ValidationException.class).hasMessageContaining("does not exist");
    }

    @Test
    void aFolderWithOneLabelAndFewImagesIsEvaluated(@TempDir Path dir) {
        Path data = dir.resolve("data");
        EvaluationFixtures.image(data, "fox/1.png", C);
        EvaluationResult r = ModelEvaluator.builder().withTopK(1).build().evaluate(model, data);
        assertThat(r.images()).isEqualTo(1);
        assertThat(r.accuracy()).isEqualTo(1.0);
        // only fox has images or predictions, so the macro average is fox's figures alone
        assertThat(r.macro().precision()).isEqualTo(1.0);
        assertThat(r.label("cat").support()).isZero();
    }

    @Test
    void badSettingsAreRejected() {
        assertThatThrownBy(() -> ModelEvaluator.builder().withTopK(0)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("top-k");
        assertThatThrownBy(() -> ModelEvaluator.builder().withBatchSize(0)).isInstanceOf(ValidationException.class);
    }
}
