package dev.modelbuilder.scoring.evaluation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.scoring.evaluation.report.MultiLabelEvaluationReport;
import dev.modelbuilder.testdata.ColourClassifier;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-label package of the colour classifier, whose probabilities are known exactly: packaging, prediction and
 * every evaluation figure against values worked out by hand.
 *
 * <p>Labels red, green, blue; logits {@code 4*c - 2*others} of the channel means, so: red (255,0,0) gives
 * sigmoid(4, -2, -2) = (0.982, 0.119, 0.119); yellow (255,255,0) (0.881, 0.881, 0.018); black and white 0.5 each;
 * blue (0,0,255) (0.119, 0.119, 0.982). Threshold 0.6.
 */
class MultiLabelEvaluationTest {
    private static final float[][] WEIGHTS = {{4, -2, -2}, {-2, 4, -2}, {-2, -2, 4}};

    @TempDir
    Path dir;
    Path zip;

    @BeforeEach
    void packageTheModel() {
        Path onnx = ColourClassifier.writeModel(dir.resolve("colour.onnx"), WEIGHTS);
        zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, onnx, LabelMap.of("red", "green", "blue"),
                PipelineSpec.of(PreprocessingSpec.squash(ColourClassifier.SIZE).withoutNormalization())
                        .withMultiLabel(0.6, Map.of()));
    }

    @Test
    void thePackageRecordsSigmoidAndThresholdAndPredictionsSayWhichLabelsPassed() throws Exception {
        assertThat(ModelPackage.read(zip).pipeline().isMultiLabel()).isTrue();
        assertThat(ModelPackage.read(zip).pipeline().formatVersion()).isEqualTo("2.0");
        ColourClassifier.writeSolidPng(dir.resolve("yellow.png"), 255, 255, 0, 16);
        ColourClassifier.writeSolidPng(dir.resolve("black.png"), 0, 0, 0, 16);
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            assertThat(engine.isMultiLabel()).isTrue();
            assertThat(engine.threshold("green")).isEqualTo(0.6);
            Prediction yellow = engine.predict(dir.resolve("yellow.png"));
            assertThat(yellow.multiLabel()).isTrue();
            assertThat(yellow.labels()).containsExactly("red", "green");
            assertThat(yellow.scores().get("red")).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-6));
            assertThat(yellow.scores().get("blue")).isCloseTo(1 / (1 + Math.exp(4)), within(1e-6));
            Prediction black = engine.predict(dir.resolve("black.png"));
            assertThat(black.labels()).isEmpty();
            assertThat(black.scores().values()).allSatisfy(p -> assertThat(p).isCloseTo(0.5, within(1e-9)));
        }
        assertThatThrownBy(() -> ModelPackage.write(dir.resolve("bad.zip"), dir.resolve("colour.onnx"),
                LabelMap.of("red", "green", "blue"), PipelineSpec.of(PreprocessingSpec.squash(8))
                        .withMultiLabel(0.5, Map.of("purple", 0.3))))
                .isInstanceOf(ValidationException.class).hasMessageContaining("purple");
    }

    @Test
    void everyFigureMatchesTheHandComputedOnes() throws Exception {
        ColourClassifier.writeSolidPng(dir.resolve("1.png"), 255, 0, 0, 16);
        ColourClassifier.writeSolidPng(dir.resolve("2.png"), 255, 255, 0, 16);
        ColourClassifier.writeSolidPng(dir.resolve("3.png"), 0, 0, 0, 16);
        ColourClassifier.writeSolidPng(dir.resolve("4.png"), 0, 0, 255, 16);
        ColourClassifier.writeSolidPng(dir.resolve("5.png"), 255, 255, 255, 16);
        Path labels = Files.writeString(dir.resolve("test.jsonl"), String.join("\n",
                "{\"image_url\": \"1.png\", \"label\": [\"red\"]}",
                "{\"image_url\": \"2.png\", \"label\": [\"red\"]}",
                "{\"image_url\": \"3.png\", \"label\": []}",
                "{\"image_url\": \"4.png\", \"label\": [\"blue\", \"green\"]}",
                "{\"image_url\": \"5.png\", \"label\": [\"red\", \"green\", \"blue\"]}",
                "{\"image_url\": \"missing.png\", \"label\": [\"red\"]}"));

        MultiLabelEvaluationResult r = ModelEvaluator.builder().build().evaluateMultiLabel(zip, labels);

        // predicted: {red}, {red, green}, {}, {blue}, {}; IoU 1, 1/2, 1 (nothing and nothing), 1/2, 0
        assertThat(r.images()).isEqualTo(5);
        assertThat(r.skippedCount()).isEqualTo(1);
        assertThat(r.meanIou()).isCloseTo(0.6, within(1e-12));
        assertThat(r.subsetAccuracy()).isCloseTo(0.4, within(1e-12));
        assertThat(r.hammingLoss()).isCloseTo(5 / 15.0, within(1e-12));
        LabelDecisionMetrics red = r.label("red");
        assertThat(List.of(red.truePositives(), red.falsePositives(), red.falseNegatives(), red.trueNegatives()))
                .containsExactly(2L, 0L, 1L, 2L);
        assertThat(red.f1()).isCloseTo(0.8, within(1e-12));
        LabelDecisionMetrics green = r.label("green");
        assertThat(List.of(green.truePositives(), green.falsePositives(), green.falseNegatives(),
                green.trueNegatives())).containsExactly(0L, 1L, 2L, 2L);
        LabelDecisionMetrics blue = r.label("blue");
        assertThat(List.of(blue.truePositives(), blue.falsePositives(), blue.falseNegatives(), blue.trueNegatives()))
                .containsExactly(1L, 0L, 1L, 3L);
        assertThat(r.micro().precision()).isCloseTo(0.75, within(1e-12));
        assertThat(r.micro().recall()).isCloseTo(3 / 7.0, within(1e-12));
        assertThat(r.micro().f1()).isCloseTo(6 / 11.0, within(1e-12));
        assertThat(r.macro().precision()).isCloseTo(2 / 3.0, within(1e-12));
        assertThat(r.macro().recall()).isCloseTo((2 / 3.0 + 0 + 0.5) / 3, within(1e-12));
        assertThat(r.macro().f1()).isCloseTo((0.8 + 0 + 2 / 3.0) / 3, within(1e-12));
        // below 0.12 the 0.119 probabilities pass too; from 0.51 the 0.5 ones fail: 0.12 keeps the most
        assertThat(r.bestThreshold()).isEqualTo(0.12);
        assertThat(r.bestThresholdMacroF1()).isCloseTo(0.6857142857, within(1e-9));
        assertThat(r.worst()).extracting(MultiLabelMistake::image).containsExactly("5.png", "2.png", "4.png");
        assertThat(r.worst().get(0).trueLabels()).containsExactly("red", "green", "blue");
        assertThat(r.worst().get(0).predictedLabels()).isEmpty();

        String html = MultiLabelEvaluationReport.of(r).toHtml();
        assertThat(html).contains("id=\"mean-iou\"").contains("0.6000").contains("id=\"label-decisions\"")
                .contains("data-label=\"green\"").contains("{red, green, blue}").contains("\u2192 \u2205")
                .contains("data:image/jpeg;base64,").doesNotContain(dir.toString());

        // the per-label bars: one group per label in label order, precision and recall at the threshold
        // (red TP 2 FP 0 FN 1; green TP 0 FP 1 FN 2; blue TP 1 FP 0 FN 1)
        java.util.regex.Matcher section = java.util.regex.Pattern.compile(
                "<section id=\"per-label\">(.*?)</section>", java.util.regex.Pattern.DOTALL).matcher(html);
        assertThat(section.find()).isTrue();
        java.util.regex.Matcher group = java.util.regex.Pattern.compile("<g class=\"label-bars\" data-label=\""
                + "([^\"]*)\">.*?<title>precision ([0-9.]+)</title>.*?<title>recall ([0-9.]+)</title>.*?</g>")
                .matcher(section.group(1));
        List<String> bars = new java.util.ArrayList<>();
        while (group.find()) {
            bars.add(group.group(1) + " " + group.group(2) + " " + group.group(3));
        }
        assertThat(bars).containsExactly("red 1.0000 0.6667", "green 0.0000 0.0000", "blue 1.0000 0.5000");
        assertThat(section.group(1)).startsWith("<h2>Precision and recall per label</h2>");

        assertThatThrownBy(() -> ModelEvaluator.builder().build().evaluate(zip, labels))
                .isInstanceOf(ValidationException.class).hasMessageContaining("evaluateMultiLabel");
    }

    @Test
    void aBareOnnxModelIsScoredMultiLabelWithTheBuildersThresholds() throws Exception {
        Path onnx = ColourClassifier.writeModel(dir.resolve("bare.onnx"), WEIGHTS);
        ColourClassifier.writeSolidPng(dir.resolve("yellow.png"), 255, 255, 0, 16);
        LabelMap labels = LabelMap.of("red", "green", "blue");
        PreprocessingSpec preprocessing = PreprocessingSpec.squash(ColourClassifier.SIZE).withoutNormalization();

        try (PredictionEngine engine = PredictionEngine.builder().withOnnxModel(onnx).withLabels(labels)
                .withPreprocessing(preprocessing).withMultiLabel(0.6, Map.of("green", 0.9)).build()) {
            assertThat(engine.isMultiLabel()).isTrue();
            assertThat(engine.threshold("red")).isEqualTo(0.6);
            assertThat(engine.threshold("green")).isEqualTo(0.9);
            Prediction yellow = engine.predict(dir.resolve("yellow.png"));
            // sigmoid(2) = 0.881 for red and green: red passes 0.6, green not its own 0.9; blue sigmoid(-4)
            assertThat(yellow.multiLabel()).isTrue();
            assertThat(yellow.labels()).containsExactly("red");
            assertThat(yellow.scores().get("red")).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-6));
            assertThat(yellow.scores().get("green")).isCloseTo(1 / (1 + Math.exp(-2)), within(1e-6));
            assertThat(yellow.scores().get("blue")).isCloseTo(1 / (1 + Math.exp(4)), within(1e-6));
        }
        // without it the same model is single-label: a softmax over the labels
        try (PredictionEngine engine = PredictionEngine.builder().withOnnxModel(onnx).withLabels(labels)
                .withPreprocessing(preprocessing).build()) {
            assertThat(engine.isMultiLabel()).isFalse();
            Prediction yellow = engine.predict(dir.resolve("yellow.png"));
            assertThat(yellow.multiLabel()).isFalse();
            assertThat(yellow.scores().values().stream().mapToDouble(Double::doubleValue).sum())
                    .isCloseTo(1.0, within(1e-6));
        }

        assertThatThrownBy(() -> PredictionEngine.builder().withOnnxModel(onnx).withLabels(labels)
                .withPreprocessing(preprocessing).withMultiLabel(0.5, Map.of("purple", 0.3)).build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("purple");
        assertThatThrownBy(() -> PredictionEngine.builder().withMultiLabel(1.0, Map.of()))
                .isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> PredictionEngine.builder().withModelPackage(zip).withMultiLabel(0.5, Map.of())
                .build()).isInstanceOf(ValidationException.class).hasMessageContaining("package --multi-label");
    }
}
