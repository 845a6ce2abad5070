package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.Workspace;
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
 *   <li>{@code AZURE_SUBSCRIPTION_ID}, {@code AZURE_RESOURCE_GROUP} (an existing group), optionally
 *       {@code AZURE_REGION} (default eastus), and credentials DefaultAzureCredential finds (Azure CLI login or
 *       {@code AZURE_CLIENT_ID}/{@code AZURE_TENANT_ID}/{@code AZURE_CLIENT_SECRET});</li>
 *   <li>for the training test also {@code AZURE_WORKSPACE}, {@code AZURE_COMPUTE} (an existing GPU cluster) and
 *       {@code MODELBUILDER_LIVE_TRAIN=true} (it costs GPU time, about 30 minutes).</li>
 * </ul>
 */
@Tag("live")
class LiveAzureTest {
    @TempDir
    Path temp;

    private static String env(String name) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? null : v;
    }

    private static AzureMlProvider provider() {
        assumeTrue(env("AZURE_SUBSCRIPTION_ID") != null && env("AZURE_RESOURCE_GROUP") != null,
                "set AZURE_SUBSCRIPTION_ID and AZURE_RESOURCE_GROUP to run live tests");
        return new AzureMlProviderBuilder().credential(new DefaultAzureCredentialBuilder().build())
                .subscriptionId(env("AZURE_SUBSCRIPTION_ID")).resourceGroup(env("AZURE_RESOURCE_GROUP"))
                .region(env("AZURE_REGION") == null ? "eastus" : env("AZURE_REGION")).build();
    }

    @Test
    void readsWorkspacesAndTheRegionsSizes() {
        try (AzureMlProvider azure = provider()) {
            List<Workspace> workspaces = azure.workspaces().list().toList(50);
            assertThat(workspaces).allSatisfy(w -> assertThat(w.resourceGroup()).isNotBlank());
            List<ComputeSize> sizes = azure.availableSizes(env("AZURE_REGION") == null ? "eastus"
                    : env("AZURE_REGION"));
            assertThat(sizes).isNotEmpty().noneMatch(ComputeSize::isRetired);
        }
    }

    @Test
    void trainsAndDownloadsAModel() {
        assumeTrue("true".equals(env("MODELBUILDER_LIVE_TRAIN")) && env("AZURE_WORKSPACE") != null
                && env("AZURE_COMPUTE") != null, "set MODELBUILDER_LIVE_TRAIN=true, AZURE_WORKSPACE and AZURE_COMPUTE");
        Path data = TestImages.dataset(temp.resolve("live"), List.of("red", "blue"), 10);
        try (ModelBuilder mb = ModelBuilder.using(provider())) {
            TrainingRun run = mb.workspace(env("AZURE_WORKSPACE")).experiments().getOrCreate("modelbuilder-live")
                    .submit(ImageClassificationTraining.fromFolder(data).onCompute(env("AZURE_COMPUTE"))
                            .withTimeBudget(Duration.ofMinutes(30)).withMaxEpochs(2).build());
            TrainedModel model = run.waitForModel(Duration.ofHours(2), temp.resolve("model"));
            assertThat(model.labels()).containsExactly("blue", "red");
            assertThat(model.pipeline()).isRegularFile();
        }
    }
}
