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
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A single-label run from a labels file (issue 29), JSONL in Azure ML's form and CSV, through the ARM emulator (every
 * request checked against the 2024-04-01 REST description) and Azurite: the job is an {@code ImageClassification}
 * with Accuracy, the MLTable's {@code label} column holds one plain string per image (the emulator's trial refuses a
 * list for this task type, as AutoML reads one class per row), every row's image arrives, and the package is an
 * ordinary single-label one.
 */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class LabelsFileTrainingFlowTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmulatedAzure azure;

    @TempDir
    Path temp;

    LabelsFileTrainingFlowTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @ParameterizedTest
    @ValueSource(strings = {"jsonl", "csv"})
    void trainsASingleLabelJobFromALabelsFile(String format) throws Exception {
        List<String> labels = ArmEmulator.TINY_LABELS;
        Path dir = Files.createDirectories(temp.resolve("flowers"));
        List<String> rows = new ArrayList<>();
        if (format.equals("csv")) {
            rows.add("image,labels");
        }
        Map<String, String> expected = new TreeMap<>();
        for (int i = 0; i < 25; i++) {
            String image = "images/" + i + ".png";
            TestImages.write(dir.resolve(image), "png", i);
            String label = labels.get(i % labels.size());
            expected.put(EndpointAssets.sha256(dir.resolve(image)), label);
            rows.add(format.equals("csv") ? image + "," + label
                    : "{\"image_url\": \"" + image + "\", \"label\": \"" + label + "\", \"image_details\": {}}");
        }
        Path file = Files.write(dir.resolve("labels." + format), rows);

        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            mb.workspaces().define("single-ws").withRegion("eastus").create();
            WorkspaceScope ws = mb.workspace("single-ws");
            ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
            TrainingSpec spec = TrainingSpec.fromData(file).withCompute("gpu").withTimeBudget(Duration.ofMinutes(30))
                    .build();
            TrainingRun run = ws.runs().define(spec).inExperiment("flowers").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).as(String.valueOf(done.error())).isEqualTo(RunStatus.COMPLETED);

            JsonNode task = azure.arm.jobProperties("single-ws", run.id()).path("taskDetails");
            assertThat(task.path("taskType").asText()).isEqualTo("ImageClassification");
            assertThat(task.path("primaryMetric").asText()).isEqualTo("Accuracy");
            assertThat(task.path("targetColumnName").asText()).isEqualTo("label");

            BlobContainerClient container = azure.arm.dataContainer("single-ws");
            String folder = container.listBlobs().stream().map(b -> b.getName())
                    .filter(n -> n.endsWith("/MLTable")).findFirst().orElseThrow();
            List<String> lines = container.getBlobClient(folder.replace("MLTable", "annotations.jsonl"))
                    .downloadContent().toString().lines().toList();
            assertThat(lines).hasSize(25);
            Map<String, String> sent = new TreeMap<>();
            for (String line : lines) {
                JsonNode row = JSON.readTree(line);
                assertThat(row.path("label").isTextual()).as("one plain string per image: " + line).isTrue();
                String url = row.path("image_url").asText();
                String name = url.substring(url.lastIndexOf('/') + 1);
                sent.put(name.substring(0, name.indexOf('.')), row.path("label").asText());
            }
            assertThat(sent).as("each image with its own label, by content").isEqualTo(expected);

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            ModelPackage pkg = ModelPackage.read(model.pipeline());
            assertThat(pkg.pipeline().isMultiLabel()).isFalse();
            assertThat(pkg.labels().labels()).containsExactlyElementsOf(labels);
        }
    }
}
