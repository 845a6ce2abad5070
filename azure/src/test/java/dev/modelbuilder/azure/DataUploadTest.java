package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.azure.testing.FlakyNetwork;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The dataset upload to the workspace's blob datastore (Azurite): content, layout, MLTable, incremental re-upload. */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class DataUploadTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final EmulatedAzure azure;

    @TempDir
    Path temp;

    DataUploadTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    private static String sha256(byte[] data) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
    }

    @Test
    void uploadsEachImageOnceVerifiablyAndOnlyWhatIsNewOnResubmission() throws Exception {
        int port = AzuriteExtension.azurite().port();
        FlakyNetwork counter = new FlakyNetwork(azure.httpClient, r -> r.getUrl().getPort() == port
                && r.getHttpMethod().name().equals("PUT") && java.net.URLDecoder.decode(r.getUrl().getPath(),
                        java.nio.charset.StandardCharsets.UTF_8).contains("/modelbuilder/images/"),
                0, 1);
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().withHttpClient(counter).withUploadConcurrency(4)
                .build())) {
            mb.workspaces().define("data-ws").withRegion("eastus").create();
            WorkspaceScope ws = mb.workspace("data-ws");
            ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
            TrainingSpec training = TrainingSpec.fromData(data).withCompute("gpu").build();

            List<ProgressEvent> first = new CopyOnWriteArrayList<>();
            ws.runs().define(training).inExperiment("pets").withListener(first::add).beginCreate()
                    .waitForCompletion(Duration.ofMinutes(1));
            assertThat(counter.requests()).isEqualTo(12);

            BlobContainerClient container = azure.arm.dataContainer("data-ws");
            ImageFolderDataset dataset = ImageFolderDataset.scan(data);
            for (LabeledImage image : dataset.images()) {
                String sha = sha256(Files.readAllBytes(image.path()));
                String ext = image.path().toString().substring(image.path().toString().lastIndexOf('.') + 1)
                        .replace("jpeg", "jpg");
                byte[] stored = container.getBlobClient("modelbuilder/images/" + sha + "." + ext).downloadContent()
                        .toBytes();
                assertThat(sha256(stored)).as(image.relativePath()).isEqualTo(sha);
            }
            String folder = container.listBlobs().stream().map(b -> b.getName())
                    .filter(n -> n.endsWith("/MLTable")).findFirst().orElseThrow();
            String mltable = container.getBlobClient(folder).downloadContent().toString();
            assertThat(mltable).contains("- file: ./annotations.jsonl").contains("read_json_lines")
                    .contains("column_type: stream_info");
            List<String> lines = container.getBlobClient(folder.replace("MLTable", "annotations.jsonl"))
                    .downloadContent().toString().lines().toList();
            assertThat(lines).hasSize(12);
            for (String line : lines) {
                JsonNode a = JSON.readTree(line);
                assertThat(a.path("image_url").asText()).startsWith("azureml://subscriptions/")
                        .contains("/resourcegroups/rg/workspaces/data-ws/datastores/workspaceblobstore/paths/"
                                + "modelbuilder/images/");
                assertThat(a.path("label").asText()).isIn("cat", "dog");
                assertThat(a.path("image_details").path("width").asText()).isEqualTo("40px");
            }
            assertThat(first).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.UPLOAD_DATA && p.unit().equals("bytes")).last()
                    .extracting(e -> ((ProgressEvent.StepProgress) e).done()).isEqualTo(dataset.totalBytes());

            List<ProgressEvent> second = new CopyOnWriteArrayList<>();
            ws.runs().define(training).inExperiment("pets").withListener(second::add).beginCreate()
                    .waitForCompletion(Duration.ofMinutes(1));
            assertThat(counter.requests()).as("nothing uploaded again").isEqualTo(12);
            assertThat(azure.arm.count("PUT", "/data/modelbuilder-pets/versions/")).isEqualTo(1);
            assertThat(second).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.UPLOAD_DATA && p.unit().equals("files")).last()
                    .extracting(e -> ((ProgressEvent.StepProgress) e).done()).isEqualTo(12L);

            TestImages.write(data.resolve("dog").resolve("new.png"), "png", 999);
            ws.runs().define(training).inExperiment("pets").beginCreate().waitForCompletion(Duration.ofMinutes(1));
            assertThat(counter.requests()).as("only the new image").isEqualTo(13);
            assertThat(azure.arm.count("PUT", "/data/modelbuilder-pets/versions/")).isEqualTo(2);
        }
    }
}
