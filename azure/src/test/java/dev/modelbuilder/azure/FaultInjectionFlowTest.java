package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.Azurite;
import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.azure.testing.FaultPlan.Fault;
import dev.modelbuilder.azure.testing.FlakyNetwork;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A whole flow (workspace, compute, upload of 200 images, run, download) while 30 % of all requests to Resource
 * Manager and the data plane fail transiently (429, 500, 503, 504, dropped connections before and after the service
 * acted, answers slower than the client waits) and a fifth of the storage requests fail on the network: it ends with
 * exactly one workspace, one compute, one job, every image uploaded once, and the right model.
 */
@AzuriteTest
class FaultInjectionFlowTest {
    @TempDir
    Path temp;

    @Test
    void theFlowSurvivesTransientFailuresWithoutDuplicates() throws Exception {
        Azurite azurite = AzuriteExtension.azurite();
        try (EmulatedAzure azure = new EmulatedAzure(azurite)) {
            ArmEmulator arm = azure.arm;
            arm.faults().slowDelay(Duration.ofMillis(900)).bursts(3, 10, 20251126L, Fault.values());
            FlakyNetwork network = new FlakyNetwork(EmulatedAzure.httpClient(arm, Duration.ofMillis(600)),
                    r -> r.getUrl().getPort() == azurite.port(), 0.2, 7L);
            List<String> labels = List.of("apple", "banana", "cherry", "grape");
            Path data = TestImages.dataset(temp.resolve("fruit"), labels, 50);
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();

            long start = System.nanoTime();
            AzureMlProvider provider = azure.builder().withHttpClient(network).withUploadConcurrency(8).build();
            Run done;
            TrainedModel model;
            try (ModelBuilder mb = ModelBuilder.using(provider)) {
                mb.workspaces().define("fault-ws").withRegion("eastus").create();
                WorkspaceScope ws = mb.workspace("fault-ws");
                ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
                TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                        .inExperiment("fruit").withListener(events::add).beginCreate();
                done = run.waitForCompletion(Duration.ofMinutes(2));
                model = run.downloadModel(temp.resolve("model"));
            }
            long millis = Duration.ofNanos(System.nanoTime() - start).toMillis();

            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(arm.workspaceNames()).containsExactly("fault-ws");
            assertThat(arm.computeNames("fault-ws")).containsExactly("gpu");
            assertThat(arm.jobNames("fault-ws")).containsExactly(done.id());
            assertThat(arm.createdResources().get("Microsoft.Storage/storageAccounts")).hasSize(1);
            assertThat(arm.createdResources().get("Microsoft.KeyVault/vaults")).hasSize(1);

            List<BlobItem> images = arm.dataContainer("fault-ws").listBlobs(new ListBlobsOptions()
                    .setPrefix("modelbuilder/images/").setDetails(new com.azure.storage.blob.models.BlobListDetails()
                            .setRetrieveMetadata(true)), null).stream().toList();
            assertThat(images).hasSize(200).allSatisfy(b -> assertThat(b.getName())
                    .contains(b.getMetadata().get("sha256")));
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.UPLOAD_DATA && p.unit().equals("files")).last()
                    .extracting(e -> ((ProgressEvent.StepProgress) e).done()).isEqualTo(200L);

            assertThat(model.labels()).containsExactlyElementsOf(labels);
            assertThat(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                    .digest(Files.readAllBytes(model.onnxModel())))).isEqualTo(arm.modelSha256("fault-ws", done.id()));

            long requests = arm.interactions().size();
            int injected = arm.faults().total();
            Map<Fault, Integer> byKind = arm.faults().injected();
            HttpStats stats = provider.stats();
            String report = String.format("fault-injection flow: %d ms; Resource Manager + data plane: %d requests "
                    + "answered, %d failed on purpose (%.0f %%) %s; storage: %d requests, %d failed on purpose "
                    + "(%.0f %%); provider: %s", millis, requests, injected, 100.0 * injected / requests, byKind,
                    network.requests(), network.failures(), 100.0 * network.failures() / network.requests(), stats);
            System.out.println(report);
            Files.writeString(Path.of("target", "fault-injection-report.txt"), report + System.lineSeparator());
            assertThat((double) injected / requests).isGreaterThanOrEqualTo(0.2);
            // the JDK client itself repeats a GET once when the connection drops before the answer
            assertThat(stats.retries.get() + (requests - stats.attempts.get())).isGreaterThanOrEqualTo(injected);
            assertThat(arm.violations()).as("spec violations").isEmpty();
        }
    }
}
