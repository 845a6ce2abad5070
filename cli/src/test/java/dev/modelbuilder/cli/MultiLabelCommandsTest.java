package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.serving.ModelServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The multi-label job through the real entry point: train from a JSONL labels file with --multi-label, predict
 * --json, evaluate with a report, package with a threshold, generate the projects, serve it over HTTP, and the errors
 * that name the option.
 */
class MultiLabelCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    private CliHarness.Result run(String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        if (List.of("train").contains(args[0])) {
            all.addAll(List.of("--local-root", tmp.resolve("root").toString()));
        }
        return CliHarness.run(all.toArray(String[]::new));
    }

    @Test
    void trainsPredictsEvaluatesAndPackagesAMultiLabelModel() throws Exception {
        Path labels = SampleDatasets.multiLabelShapes(tmp.resolve("data"), 60, 3);
        Path model = tmp.resolve("model");

        CliHarness.Result noOption = run("train", "--data", labels.toString(), "--experiment", "tags", "--epochs",
                "1", "--output", model.toString());
        assertThat(noOption.exitCode()).isEqualTo(2);
        assertThat(noOption.err()).contains("labels [").contains("train --multi-label");

        CliHarness.Result trained = run("train", "--data", labels.toString(), "--multi-label", "--experiment", "tags",
                "--epochs", "3", "--output", model.toString(), "--json");
        assertThat(trained.exitCode()).as(trained.err()).isZero();
        assertThat(JSON.readTree(trained.out()).path("model").path("labels").toString())
                .isEqualTo("[\"circle\",\"square\",\"star\",\"triangle\"]");
        Path zip = model.resolve("MLModel.zip");
        assertThat(ModelPackage.read(zip).pipeline().isMultiLabel()).isTrue();

        Path image = tmp.resolve("data/images/0000.png");
        CliHarness.Result predicted = run("predict", "--model", zip.toString(), "--json", image.toString());
        assertThat(predicted.exitCode()).as(predicted.err()).isZero();
        JsonNode p = JSON.readTree(predicted.out());
        List<String> fields = new ArrayList<>();
        p.fieldNames().forEachRemaining(fields::add);
        assertThat(fields).containsExactly("image", "labels", "scores");
        assertThat(p.path("labels").isArray()).isTrue();
        assertThat(p.path("scores").size()).isEqualTo(4);
        for (Iterator<String> it = p.path("scores").fieldNames(); it.hasNext(); ) {
            String label = it.next();
            boolean passed = p.path("scores").path(label).asDouble() >= 0.5;
            List<String> got = new ArrayList<>();
            p.path("labels").forEach(l -> got.add(l.asText()));
            assertThat(got.contains(label)).as(label).isEqualTo(passed);
        }
        assertThat(run("predict", "--model", zip.toString(), image.toString()).out()).contains("0000.png: ");

        Path report = tmp.resolve("report.html");
        CliHarness.Result evaluated = run("evaluate", "--model", zip.toString(), "--data", labels.toString(),
                "--report", report.toString());
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        assertThat(evaluated.out()).contains("(multi-label)").contains("mean IoU").contains("subset accuracy")
                .contains("Hamming loss").contains("threshold maximizing macro F1");
        assertThat(Files.readString(report)).contains("id=\"worst-images\"").contains("id=\"label-decisions\"")
                // reports are shared: no path of this machine unless --absolute-paths asks for them
                .contains("Evaluation of MLModel.zip on labels.jsonl").doesNotContain(tmp.toString());
        CliHarness.Result absolute = run("evaluate", "--model", zip.toString(), "--data", labels.toString(),
                "--report", report.toString(), "--absolute-paths");
        assertThat(absolute.exitCode()).as(absolute.err()).isZero();
        assertThat(Files.readString(report)).contains(tmp.toString());
        JsonNode evaluation = JSON.readTree(run("evaluate", "--model", zip.toString(), "--data", labels.toString(),
                "--json").out());
        assertThat(evaluation.path("images").asInt()).isEqualTo(60);
        assertThat(evaluation.path("meanIou").asDouble()).isBetween(0.0, 1.0);

        Path repackaged = tmp.resolve("MLModel-0.3.zip");
        CliHarness.Result packaged = run("package", "--onnx", model.resolve("bestModel.onnx").toString(), "--labels",
                model.resolve("bestModelMap.json").toString(), "--preprocess", "squash", "--size", "64",
                "--multi-label", "--threshold", "0.3", "--label-threshold", "star=0.7", "--output",
                repackaged.toString(), "--json");
        assertThat(packaged.exitCode()).as(packaged.err()).isZero();
        assertThat(JSON.readTree(packaged.out()).path("threshold").asDouble()).isEqualTo(0.3);
        assertThat(ModelPackage.read(repackaged).pipeline().thresholdOf("star")).isEqualTo(0.7);
        CliHarness.Result thresholdAlone = run("package", "--onnx", model.resolve("bestModel.onnx").toString(),
                "--labels", model.resolve("bestModelMap.json").toString(), "--preprocess", "squash", "--size", "64", "--threshold",
                "0.3", "--output", tmp.resolve("x.zip").toString());
        assertThat(thresholdAlone.exitCode()).isEqualTo(2);
        assertThat(thresholdAlone.err()).contains("add --multi-label");

        // the same trained model on to its projects and over HTTP (the generated projects' Maven build and run are
        // GeneratedProjectBuildTest's and GeneratedWebApiBuildTest's, on a fixture model)
        Path projects = tmp.resolve("projects");
        CliHarness.Result generated = run("generate", "--model-dir", model.toString(), "--name", "Tags", "--output",
                projects.toString(), "--web-api", "--sample-image", image.toString());
        assertThat(generated.exitCode()).as(generated.err()).isZero();
        try (Stream<Path> files = Files.walk(projects.resolve("Tags.Model"))) {
            Path output = files.filter(f -> f.getFileName().toString().equals("ModelOutput.java")).findFirst()
                    .orElseThrow();
            assertThat(Files.readString(output)).contains("predictedLabels");
        }
        assertThat(projects.resolve("Tags.WebApi/pom.xml")).isRegularFile();

        try (ModelServer server = ModelServer.builder().withModel(zip).withPort(0).build()) {
            URI url = server.start();
            HttpResponse<String> answer = HttpClient.newHttpClient().send(HttpRequest.newBuilder(url.resolve(
                    "/predict")).header("Content-Type", "application/octet-stream").timeout(Duration.ofSeconds(60))
                    .POST(HttpRequest.BodyPublishers.ofFile(image)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(answer.statusCode()).as(answer.body()).isEqualTo(200);
            JsonNode served = JSON.readTree(answer.body());
            assertThat(served.path("labels")).isEqualTo(p.path("labels"));
            for (Iterator<String> it = p.path("scores").fieldNames(); it.hasNext(); ) {
                String label = it.next();
                assertThat(served.path("scores").path(label).asDouble()).as(label)
                        .isCloseTo(p.path("scores").path(label).asDouble(), within(1e-6));
            }
        }
    }
}
