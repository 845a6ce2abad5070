package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.testing.TestImages;
import dev.modelbuilder.pipeline.ModelPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A multi-label run from a JSONL labels file, through the ARM emulator (every request checked against the 2024-04-01
 * REST description) and Azurite: the {@code ImageClassificationMultilabel} job with IOU, the MLTable's label lists
 * (which the emulator's trial reads as lists, as the service does), and a multi-label package.
 */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class MultiLabelTrainingFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmulatedAzure azure;

    @TempDir
    Path temp;

    MultiLabelTrainingFlowTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @Test
    void trainsAMultiLabelJobFromALabelsFile() throws Exception {
        List<String> labels = ArmEmulator.TINY_LABELS;
        Path dir = Files.createDirectories(temp.resolve("shop"));
        List<String> rows = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            TestImages.write(dir.resolve("images/" + i + ".png"), "png", i);
            // two labels each (one label list stays empty), so every label has at least 5 images
            List<String> own = i == 19 ? List.of() : List.of(labels.get(i % labels.size()),
                    labels.get((i + 1) % labels.size()));
            rows.add("{\"image_url\": \"images/" + i + ".png\", \"label\": " + JSON.writeValueAsString(own) + "}");
        }
        Path file = Files.write(dir.resolve("labels.jsonl"), rows);

        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            mb.workspaces().define("multi-ws").withRegion("eastus").create();
            WorkspaceScope ws = mb.workspace("multi-ws");
            ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
            TrainingSpec spec = TrainingSpec.fromData(file).withMultiLabel().withCompute("gpu")
                    .withTimeBudget(Duration.ofMinutes(30)).build();
            TrainingRun run = ws.runs().define(spec).inExperiment("shop").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(RunStatus.COMPLETED);

            JsonNode task = azure.arm.jobProperties("multi-ws", run.id()).path("taskDetails");
            assertThat(task.path("taskType").asText()).isEqualTo("ImageClassificationMultilabel");
            assertThat(task.path("primaryMetric").asText()).isEqualTo("IOU");
            assertThat(task.path("targetColumnName").asText()).isEqualTo("label");

            BlobContainerClient container = azure.arm.dataContainer("multi-ws");
            String folder = container.listBlobs().stream().map(b -> b.getName())
                    .filter(n -> n.endsWith("/MLTable")).findFirst().orElseThrow();
            List<String> lines = container.getBlobClient(folder.replace("MLTable", "annotations.jsonl"))
                    .downloadContent().toString().lines().toList();
            assertThat(lines).hasSize(20);
            for (int i = 0; i < lines.size(); i++) {
                JsonNode label = JSON.readTree(lines.get(i)).path("label");
                assertThat(label.isArray()).as(lines.get(i)).isTrue();
                assertThat(label.size()).isEqualTo(i == 19 ? 0 : 2);
            }

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            ModelPackage pkg = ModelPackage.read(model.pipeline());
            assertThat(pkg.pipeline().isMultiLabel()).isTrue();
            assertThat(pkg.pipeline().formatVersion()).isEqualTo("2.0");
            assertThat(pkg.labels().labels()).containsExactlyElementsOf(labels);
        }
    }
}
