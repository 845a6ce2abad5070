package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.codegen.GeneratedProjects;
import dev.modelbuilder.codegen.testing.GeneratedBuild;
import dev.modelbuilder.core.model.TrainedModel;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * The README's main job end to end, with a shorter time budget: quickstart trains on the local backend, writes
 * the model and the starter projects; the generated projects are then built with Maven offline, and their console
 * app's predictions on the quickstart's sample images must equal the quickstart's own.
 */
// runs beside the other test classes: much of it waits on a nested Maven build and the console apps' JVMs
@Execution(ExecutionMode.CONCURRENT)
@Tag("integration")
class QuickstartTest {
    @TempDir
    Path tmp;

    @Test
    void quickstartRunsEndToEndAndAgreesWithTheGeneratedConsoleApp() throws Exception {
        Path out = tmp.resolve("qs");
        CliHarness.Result r = CliHarness.run("quickstart", "--output", out.toString(), "--images-per-label", "40",
                "--time-budget", "60s", "--epochs", "8", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.err()).contains("> train").contains("> generate projects");
        JsonNode summary = new ObjectMapper().readTree(r.out());
        assertThat(summary.get("model").get("labels").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
        assertThat(out.resolve("model/bestModel.onnx")).isRegularFile();
        assertThat(out.resolve("model/bestModelMap.json")).isRegularFile();
        assertThat(out.resolve("model/MLModel.zip")).isRegularFile();
        assertThat(java.nio.file.Path.of(summary.get("report").asText())).isRegularFile().hasFileName("report.html");
        JsonNode predictions = summary.get("predictions");
        assertThat(predictions).hasSize(6);

        Path projects = Path.of(summary.get("projects").asText());
        GeneratedBuild.buildOffline(projects, tmp);
        Path jar = projects.resolve("Quickstart.ConsoleApp/target/quickstart-consoleapp.jar");
        List<List<String>> images = new ArrayList<>();
        predictions.forEach(p -> images.add(List.of(p.get("image").asText())));
        List<String> outputs = GeneratedBuild.runConsoles(jar, tmp, images);
        for (int i = 0; i < predictions.size(); i++) {
            JsonNode p = predictions.get(i);
            String printed = outputs.get(i);
            Map.Entry<String, Map<String, Double>> console = GeneratedBuild.parseConsoleOutput(printed);
            assertThat(console.getKey()).as(printed).isEqualTo(p.get("label").asText());
            assertThat(console.getValue()).hasSize(p.get("scores").size());
            for (Map.Entry<String, JsonNode> s : p.get("scores").properties()) {
                assertThat(console.getValue().get(s.getKey())).as(s.getKey())
                        .isCloseTo(s.getValue().asDouble(), within(1e-6));
            }
        }
    }

    @Test
    void theTextSummaryNamesTheReportAndTheServeCommand() {
        Path model = tmp.resolve("qs/model");
        Path report = tmp.resolve("qs/runs/report.html");
        TrainedModel trained = new TrainedModel(model, model.resolve("bestModel.onnx"),
                model.resolve("bestModelMap.json"), model.resolve("MLModel.zip"), List.of("circle", "square"), "run-1",
                Map.of("accuracy", 0.9667, "best_epoch", 28.0, "epochs", 30.0));
        Path projects = tmp.resolve("qs/projects");
        GeneratedProjects generated = new GeneratedProjects(projects, projects.resolve("Quickstart.Model"),
                projects.resolve("Quickstart.ConsoleApp"), java.util.Optional.empty(), List.of(),
                projects.resolve("manifest.txt"));
        List<Map<String, Object>> predictions = List.of(Map.of("image", tmp.resolve("a.png").toString(), "label",
                "circle", "score", 0.9, "scores", Map.of("circle", 0.9, "square", 0.1)));

        java.io.StringWriter text = new java.io.StringWriter();
        new QuickstartCommand().summary(new java.io.PrintWriter(text), "run-1", trained, generated, predictions,
                report);
        List<String> lines = text.toString().lines().map(String::strip).toList();
        assertThat(lines).contains("report:    " + report + " (open it in a browser)");
        assertThat(lines).anySatisfy(line -> assertThat(line).startsWith("serve it:  java -jar modelbuilder.jar serve "
                + "--model " + model.resolve("MLModel.zip") + " ").contains("curl -F image=@IMAGE "
                + "http://127.0.0.1:8080/predict"));
        assertThat(lines).contains("metrics:   validation accuracy 96.7 %, best epoch 28 of 30");

        java.io.StringWriter noReport = new java.io.StringWriter();
        new QuickstartCommand().summary(new java.io.PrintWriter(noReport), "run-1", trained, generated, predictions,
                null);
        assertThat(noReport.toString()).doesNotContain("report:").contains("serve --model");
    }

    @org.junit.jupiter.api.Test
    void theSummaryWritesTheMetricsAsASentence() {
        assertThat(QuickstartCommand.metricsLine(java.util.Map.of("accuracy", 0.9667, "best_epoch", 28.0, "epochs",
                30.0, "validation_loss", 0.1234, "loss", 0.2)))
                .isEqualTo("validation accuracy 96.7 %, best epoch 28 of 30, validation loss 0.123");
        assertThat(QuickstartCommand.metricsLine(java.util.Map.of())).isEqualTo("none reported");
    }
}
