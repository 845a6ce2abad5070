package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.support.Setting;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Against real Azure; excluded by default (tag {@code live}). Run with
 * {@code mvn -pl azure verify -Dtest.excludedGroups= -Dgroups=live} and:
 * <ul>
 *   <li>{@code AZURE_SUBSCRIPTION_ID}, {@code AZURE_RESOURCE_GROUP} (an existing group; the provider's own settings),
 *       optionally {@code AZURE_REGION} (default eastus), and credentials DefaultAzureCredential finds (Azure CLI
 *       login or {@code AZURE_CLIENT_ID}/{@code AZURE_TENANT_ID}/{@code AZURE_CLIENT_SECRET});</li>
 *   <li>for the training test also {@code AZURE_WORKSPACE}, {@code AZURE_COMPUTE} (an existing GPU cluster) and
 *       {@code MODELBUILDER_LIVE_TRAIN=true} (it costs GPU time, about 30 minutes).</li>
 * </ul>
 * Each can also be given as the system property the {@link Setting}s below name.
 */
@Tag("live")
class LiveAzureTest {
    @TempDir
    Path temp;

    private static final Setting REGION = Setting.of("modelbuilder.azure.live.region", "AZURE_REGION",
            "the region of the live tests");
    private static final Setting WORKSPACE = Setting.of("modelbuilder.azure.live.workspace", "AZURE_WORKSPACE",
            "the workspace the live training test uses");
    private static final Setting COMPUTE = Setting.of("modelbuilder.azure.live.compute", "AZURE_COMPUTE",
            "the GPU cluster the live training test uses");
    private static final Setting TRAIN = Setting.of("modelbuilder.azure.live.train", "MODELBUILDER_LIVE_TRAIN",
            "whether the live training test runs (it costs GPU time)");

    private static String region() {
        return REGION.value().orElse("eastus");
    }

    private static AzureMlProvider provider() {
        assumeTrue(AzureMlProviderBuilder.SUBSCRIPTION.value().isPresent()
                && AzureMlProviderBuilder.RESOURCE_GROUP.value().isPresent(),
                "set AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP to run live tests");
        // the subscription and resource group come from those settings
        return AzureMlProvider.builder().withCredential(new DefaultAzureCredentialBuilder().build())
                .withRegion(region()).build();
    }

    @Test
    void readsWorkspacesAndTheRegionsSizes() {
        try (AzureMlProvider azure = provider()) {
            List<Workspace> workspaces = azure.workspaces().list().toList(50);
            assertThat(workspaces).allSatisfy(w -> assertThat(w.resourceGroup()).isNotBlank());
            List<ComputeSize> sizes = azure.availableSizes(region());
            assertThat(sizes).isNotEmpty().noneMatch(ComputeSize::isRetired);
        }
    }

    @Test
    void trainsAndDownloadsAModel() {
        assumeTrue(TRAIN.value().map(Boolean::parseBoolean).orElse(false) && WORKSPACE.value().isPresent()
                && COMPUTE.value().isPresent(), "set MODELBUILDER_LIVE_TRAIN=true, AZURE_WORKSPACE and AZURE_COMPUTE");
        Path data = TestImages.dataset(temp.resolve("live"), List.of("red", "blue"), 10);
        try (ModelBuilder mb = ModelBuilder.using(provider())) {
            TrainingSpec spec = TrainingSpec.fromData(data).withCompute(COMPUTE.value().orElseThrow())
                    .withTimeBudget(Duration.ofMinutes(30))
                    .withOptions(AzureTrainingOptions.builder().withEpochs(2).build()).build();
            TrainingRun run = mb.workspace(WORKSPACE.value().orElseThrow()).runs().define(spec)
                    .inExperiment("modelbuilder-live").beginCreate();
            TrainedModel model = run.waitForModel(Duration.ofHours(2), temp.resolve("model"));
            assertThat(model.labels()).containsExactly("blue", "red");
            assertThat(model.pipeline()).isRegularFile();
        }
    }
}
