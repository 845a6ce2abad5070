package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.pipeline.ModelPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single-label dataset described by a CSV labels file (header {@code image,labels}, one label per row) through the
 * real entry point: {@code train --data FILE.csv} on the local backend, then {@code evaluate --data FILE.csv}.
 */
class LabelsFileCommandsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    @Test
    void trainsAndEvaluatesFromACsvLabelsFile() throws Exception {
        Path data = SampleDatasets.shapes(tmp.resolve("data"), 8, 5);
        StringBuilder csv = new StringBuilder("image,labels\r\n");
        int rows = 0;
        try (Stream<Path> files = Files.walk(data)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".png") || p.toString().endsWith(".jpg"))
                    .sorted().toList()) {
                String relative = data.relativize(f).toString().replace('\\', '/');
                csv.append(relative).append(',').append(f.getParent().getFileName()).append("\r\n");
                rows++;
            }
        }
        // the labels file beside the label folders: the folders' names no longer matter, only the rows do
        Path labels = Files.writeString(data.resolve("labels.csv"), csv);
        Path model = tmp.resolve("model");

        CliHarness.Result trained = CliHarness.run("train", "--data", labels.toString(), "--experiment", "csv",
                "--epochs", "1", "--output", model.toString(), "--local-root", tmp.resolve("root").toString(),
                "--json");

        assertThat(trained.exitCode()).as(trained.err()).isZero();
        JsonNode result = JSON.readTree(trained.out());
        assertThat(result.path("run").path("status").asText()).isEqualTo("Completed");
        assertThat(result.path("model").path("labels").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
        Path zip = model.resolve("MLModel.zip");
        assertThat(ModelPackage.read(zip).pipeline().isMultiLabel()).isFalse();

        CliHarness.Result evaluated = CliHarness.run("evaluate", "--model", zip.toString(), "--data",
                labels.toString(), "--json");
        assertThat(evaluated.exitCode()).as(evaluated.err()).isZero();
        JsonNode evaluation = JSON.readTree(evaluated.out());
        assertThat(evaluation.path("images").asInt()).isEqualTo(rows).isEqualTo(24);
        assertThat(evaluation.path("skippedCount").asInt()).isZero();
        long total = 0;
        for (JsonNode row : evaluation.path("confusionMatrix").path("counts")) {
            for (JsonNode c : row) {
                total += c.asLong();
            }
        }
        assertThat(total).isEqualTo(rows);
        assertThat(evaluation.path("perLabel")).extracting(n -> n.path("support").asInt())
                .isEqualTo(List.of(8, 8, 8));
    }
}
