package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.testdata.ColourClassifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code modelbuilder evaluate} through the real entry point, on a colour model whose predictions are known: labels
 * cat, dog, fox; red images are cats, green dogs, blue foxes; the folder holds 2 red cats, 1 green cat (wrong),
 * 2 green dogs, 2 blue foxes and 1 red fox (wrong), and one file that is not an image.
 */
class EvaluateCommandTest {
    private static final float[][] IDENTITY = {{10, 0, 0}, {0, 10, 0}, {0, 0, 10}};

    @TempDir
    Path tmp;
    Path model;
    Path data;

    @BeforeEach
    void writeModelAndFolder() throws Exception {
        Path onnx = ColourClassifier.writeModel(tmp.resolve("colour.onnx"), IDENTITY);
        model = tmp.resolve("MLModel.zip");
        ModelPackage.write(model, onnx, LabelMap.of("cat", "dog", "fox"),
                PipelineSpec.of(PreprocessingSpec.squash(ColourClassifier.SIZE).withoutNormalization()));
        data = tmp.resolve("data");
        solid("cat/1.png", 255, 0, 0);
        solid("cat/2.png", 255, 0, 0);
        solid("cat/3.png", 0, 255, 0);
        solid("dog/1.png", 0, 255, 0);
        solid("dog/2.png", 0, 255, 0);
        solid("fox/1.png", 0, 0, 255);
        solid("fox/2.png", 0, 0, 255);
        solid("fox/3.png", 255, 0, 0);
        Files.writeString(data.resolve("fox/readme.jpg"), "not an image", StandardCharsets.UTF_8);
    }

    private void solid(String name, int r, int g, int b) {
        ColourClassifier.writeSolidPng(data.resolve(name), r, g, b, 5);
    }

    @Test
    void plainOutputIsASummaryATableAndTheMatrix() {
        CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--top", "2");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(": 8 images (1 skipped)")
                .contains("accuracy 75.00% (6 of 8)   top-2 accuracy")
                // cat: P 2/3 R 2/3; dog: P 2/3 R 1; fox: P 1 R 2/3
                .contains("cat       0.6667  0.6667  0.6667        3          3")
                .contains("dog       0.6667  1.0000  0.8000        2          3")
                .contains("fox       1.0000  0.6667  0.8000        3          2")
                .contains("Confusion matrix (rows: true label, columns: predicted label)")
                .contains("     cat dog fox\ncat    2   1   0\ndog    0   2   0\nfox    1   0   2")
                .contains("Skipped 1 file:").contains("fox/readme.jpg: ");
    }

    @Test
    void topKIsShownOnTheConsoleExactlyWhenTheReportShowsIt() throws Exception {
        // 3 labels: top-5 (the default) and top-3 are 100% by construction; top-2 says something
        for (String k : new String[] {"5", "3", "2"}) {
            Path report = tmp.resolve("top-" + k + ".html");
            CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                    "--top", k, "--report", report.toString());
            assertThat(r.exitCode()).as(r.err()).isZero();
            boolean informative = k.equals("2");
            assertThat(r.out().contains("top-" + k + " accuracy")).as("console, k=%s:%n%s", k, r.out())
                    .isEqualTo(informative);
            assertThat(r.out()).contains("accuracy 75.00% (6 of 8)").contains("log loss");
            assertThat(Files.readString(report).contains("id=\"top-k-accuracy\"")).as("report, k=%s", k)
                    .isEqualTo(informative);
        }
    }

    @Test
    void jsonIsOneDocumentWithEveryFigure() throws Exception {
        CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(r.out());
        assertThat(json.get("images").asLong()).isEqualTo(8);
        assertThat(json.get("correct").asLong()).isEqualTo(6);
        assertThat(json.get("accuracy").asDouble()).isEqualTo(0.75);
        assertThat(json.get("topK").asInt()).isEqualTo(5);
        assertThat(json.get("topKAccuracy").asDouble()).isEqualTo(1.0);
        assertThat(json.get("weighted").get("recall").asDouble()).isEqualTo(0.75);
        long sum = 0;
        for (JsonNode row : json.get("confusionMatrix").get("counts")) {
            for (JsonNode c : row) {
                sum += c.asLong();
            }
        }
        assertThat(sum).isEqualTo(8);
        assertThat(json.get("misclassified")).hasSize(2);
        assertThat(json.get("skipped").get(0).get("image").asText()).isEqualTo("fox/readme.jpg");
    }

    @Test
    void reportIsWritten() throws Exception {
        Path report = tmp.resolve("out/report.html");
        CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--report", report.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Report written to " + report.toAbsolutePath());
        assertThat(Files.readString(report)).contains("<svg class=\"heatmap\"").contains("id=\"evaluation-data\"")
                .contains("cat/3.png").doesNotContain("http:").doesNotContain("https:");
    }

    @Test
    void badInputExitsWith2AndSaysWhy() throws Exception {
        solid("wolf/1.png", 1, 2, 3);
        CliHarness.Result unknown = CliHarness.run("evaluate", "--model", model.toString(), "--data",
                data.toString());
        assertThat(unknown.exitCode()).isEqualTo(2);
        assertThat(unknown.err()).contains("wolf").contains("unknown to the model");

        Path empty = Files.createDirectories(tmp.resolve("empty"));
        CliHarness.Result none = CliHarness.run("evaluate", "--model", model.toString(), "--data", empty.toString());
        assertThat(none.exitCode()).isEqualTo(2);
        assertThat(none.err()).contains("no label folders");

        CliHarness.Result noModel = CliHarness.run("evaluate", "--model", tmp.resolve("nope.zip").toString(),
                "--data", data.toString());
        assertThat(noModel.exitCode()).isEqualTo(2);
        assertThat(noModel.err()).contains("--model");

        CliHarness.Result badTop = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                "--top", "0");
        assertThat(badTop.exitCode()).isEqualTo(2);
    }

    @Test
    void theReportGoesOnlyWhereItCannotDestroyAnything() throws Exception {
        Path notes = Files.writeString(tmp.resolve("notes.html"), "<p>mine</p>");
        Path fifo = tmp.resolve("pipe.html");
        assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();

        for (Path bad : new Path[] {tmp, model, data.resolve("cat/report.html"), notes, fifo}) {
            CliHarness.Result r = CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(),
                    "--report", bad.toString());
            assertThat(r.exitCode()).as("--report %s: %s", bad, r.err()).isEqualTo(2);
            assertThat(r.err()).contains("--report");
        }
        assertThat(Files.readString(notes)).isEqualTo("<p>mine</p>");
        assertThat(Files.isRegularFile(fifo)).as("the pipe is still a pipe").isFalse();
        assertThat(model).isRegularFile();

        Path report = tmp.resolve("out/report.html");
        assertThat(CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--report",
                report.toString()).exitCode()).isZero();
        assertThat(CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--report",
                report.toString()).exitCode()).as("a report written before is replaced").isZero();
        assertThat(Files.readString(report)).doesNotContain(tmp.toString()).contains("Evaluation of MLModel.zip on data");
        assertThat(CliHarness.run("evaluate", "--model", model.toString(), "--data", data.toString(), "--report",
                notes.toString(), "--overwrite").exitCode()).isZero();
        assertThat(Files.readString(notes)).contains("<svg class=\"heatmap\"");
    }

    @Test
    void manyLabelsPrintTheLargestConfusionsNotTheWholeMatrix() throws Exception {
        int n = EvaluateCommand.MATRIX_LABELS + 5;
        float[][] weights = new float[3][n];
        weights[0][0] = 10; // everything is predicted as label 0 (red is the strongest channel of every image)
        String[] labels = new String[n];
        for (int i = 0; i < n; i++) {
            labels[i] = "label-" + i;
        }
        Path many = tmp.resolve("many.zip");
        ModelPackage.write(many, ColourClassifier.writeModel(tmp.resolve("many.onnx"), weights), LabelMap.of(labels),
                PipelineSpec.of(PreprocessingSpec.squash(ColourClassifier.SIZE).withoutNormalization()));
        Path folder = tmp.resolve("many-data");
        for (int i = 0; i < 3; i++) {
            ColourClassifier.writeSolidPng(folder.resolve("label-" + (i + 1)).resolve("a.png"), 200, 10 * i, 0, 5);
        }

        CliHarness.Result r = CliHarness.run("evaluate", "--model", many.toString(), "--data", folder.toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains("Largest confusions (25 labels").contains("1  label-1 -> label-0")
                .doesNotContain("Confusion matrix (rows");
    }
}
