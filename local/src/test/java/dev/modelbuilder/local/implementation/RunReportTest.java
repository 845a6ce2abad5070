package dev.modelbuilder.local.implementation;

import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.local.SampleDatasets;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A local training run writes report.html beside its artifacts: its validation split evaluated, and its curves. */
class RunReportTest {
    @TempDir
    Path temp;

    @Test
    void aCompletedRunWritesItsEvaluationReport() throws Exception {
        Path data = SampleDatasets.shapes(temp.resolve("shapes"), 10, 7);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root")).withThreads(2)
                .build())) {
            mb.workspaces().define("ws1").create();
            TrainingRun run = mb.workspace("ws1").runs().define(TrainingSpec.fromData(data)
                    .withOptions(LocalTrainingOptions.builder().withImageSize(32).withMaxEpochs(2).build()).build())
                    .inExperiment("shapes").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(5));
            assertThat(done.status()).as("run %s: %s", done.id(), done.error()).isEqualTo(RunStatus.COMPLETED);

            Path outputs = temp.resolve("root").resolve("ws1").resolve("runs").resolve(run.id()).resolve("outputs");
            String html = Files.readString(outputs.resolve(ArtifactStager.REPORT_FILE));
            assertThat(html).contains("<title>Run " + run.id() + ": validation split</title>")
                    .contains("id=\"training-curves\"").contains("<svg class=\"heatmap\"")
                    .doesNotContain("http:").doesNotContain("https:");
            String marker = "id=\"evaluation-data\">";
            int from = html.indexOf(marker) + marker.length();
            JsonNode evaluation = new ObjectMapper().readTree(html.substring(from, html.indexOf("</script>", from)));
            JsonNode validation = new ObjectMapper().readTree(outputs.resolve(ArtifactStager.VALIDATION_FILE).toFile());
            int correct = 0;
            for (JsonNode row : validation) {
                correct += row.get("label").asText().equals(row.get("predicted").asText()) ? 1 : 0;
            }
            assertThat(evaluation.get("images").asInt()).isEqualTo(validation.size()).isPositive();
            assertThat(evaluation.get("correct").asInt()).isEqualTo(correct);
            assertThat(evaluation.get("accuracy").asDouble()).isEqualTo(done.metrics().get("accuracy"));
            assertThat(evaluation.get("labels").toString()).isEqualTo("[\"circle\",\"square\",\"triangle\"]");
            // two epochs: each curve has two points
            assertThat(html.split("<polyline", -1)).hasSize(1 + 4);
        }
    }
}
