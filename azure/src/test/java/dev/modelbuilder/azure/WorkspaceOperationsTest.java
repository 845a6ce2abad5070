package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Workspaces against the ARM emulator: template deployment, long-running operations, paging, delete. */
@ExtendWith(EmulatedAzureExtension.class)
class WorkspaceOperationsTest {
    private final EmulatedAzure azure;
    private AzureMlProvider provider;

    WorkspaceOperationsTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @BeforeEach
    void open() {
        azure.sleeper.clear();
        provider = azure.builder().build();
    }

    @AfterEach
    void close() {
        provider.close();
    }

    @Test
    void createDeploysTheWorkspaceWithItsDependenciesAndFollowsTheOperation() {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        LongRunningOperation<Workspace> op = provider.workspaces().beginCreateOrGet(
                new WorkspaceSpec("vision-ws", "eastus", "rg", "images", Map.of("team", "ml")), events::add);
        Workspace ws = op.waitForCompletion(Duration.ofMinutes(1));

        assertThat(ws.name()).isEqualTo("vision-ws");
        assertThat(ws.region()).isEqualTo("eastus");
        assertThat(ws.provisioningState()).isEqualTo("Succeeded");
        assertThat(ws.id()).endsWith("/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/vision-ws");
        assertThat(ws.tags()).containsEntry("team", "ml");
        assertThat(azure.arm.count("PUT", "/deployments/modelbuilder-workspace-vision-ws$")).isEqualTo(1);
        assertThat(azure.arm.count("GET", "/operationStatuses/")).isGreaterThanOrEqualTo(2);
        assertThat(azure.arm.createdResources()).containsKeys("Microsoft.Storage/storageAccounts",
                "Microsoft.KeyVault/vaults", "Microsoft.Insights/components",
                "Microsoft.OperationalInsights/workspaces", "Microsoft.MachineLearningServices/workspaces");
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.OperationStatusChanged).isNotEmpty();
        assertThat(op.resumeToken()).startsWith("azure:workspace:vision-ws:");
    }

    @Test
    void createIsCreateOrGetAndNeverDeploysTwice() {
        Workspace first = provider.workspaces().beginCreateOrGet(new WorkspaceSpec("ws1", "eastus", null, null,
                Map.of()), null).waitForCompletion(Duration.ofMinutes(1));
        Workspace again = provider.workspaces().beginCreateOrGet(new WorkspaceSpec("ws1", "eastus", null, null,
                Map.of()), null).waitForCompletion(Duration.ofMinutes(1));
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(azure.arm.count("PUT", "/deployments/")).isEqualTo(1);
        assertThat(azure.arm.createdResources().get("Microsoft.Storage/storageAccounts")).hasSize(1);
    }

    @Test
    void aWorkspaceInAnotherRegionIsAConflict() {
        provider.workspaces().beginCreateOrGet(new WorkspaceSpec("ws1", "eastus", null, null, Map.of()), null)
                .waitForCompletion(Duration.ofMinutes(1));
        assertThatThrownBy(() -> provider.workspaces().beginCreateOrGet(new WorkspaceSpec("ws1", "westus", null, null,
                Map.of()), null)).isInstanceOf(ResourceExistsException.class).hasMessageContaining("eastus");
    }

    @Test
    void missingResourceGroupAndRegionAreReported() {
        try (AzureMlProvider other = azure.builder().withResourceGroup("nowhere").build()) {
            assertThatThrownBy(() -> other.workspaces().beginCreateOrGet(new WorkspaceSpec("ws1", "eastus", null, null,
                    Map.of()), null)).isInstanceOf(ResourceNotFoundException.class)
                    .hasMessageContaining("resource group 'nowhere'").hasMessageContaining("az group create");
        }
        try (AzureMlProvider noRegion = azure.builder().withRegion(null).build()) {
            assertThatThrownBy(() -> noRegion.workspaces().beginCreateOrGet(WorkspaceSpec.named("ws2"), null))
                    .isInstanceOf(ValidationException.class).hasMessageContaining("region");
        }
        assertThatThrownBy(() -> provider.workspaces().beginCreateOrGet(new WorkspaceSpec("ws1", "eastus", "other-rg",
                null, Map.of()), null)).isInstanceOf(ValidationException.class).hasMessageContaining("other-rg");
    }

    @Test
    void listPagesThroughNextLinks() {
        for (String name : List.of("ws-a", "ws-b", "ws-c", "ws-d", "ws-e")) {
            provider.workspaces().beginCreateOrGet(new WorkspaceSpec(name, "eastus", null, null, Map.of()), null)
                    .waitForCompletion(Duration.ofMinutes(1));
        }
        assertThat(provider.workspaces().list()).extracting(Workspace::name)
                .containsExactlyInAnyOrder("ws-a", "ws-b", "ws-c", "ws-d", "ws-e");
        assertThat(provider.workspaces().list().streamByPage(null).count()).isEqualTo(3);
    }

    @Test
    void deleteFollowsLongSignedPollingUrlsAndIsIdempotent() {
        ModelBuilder mb = ModelBuilder.using(provider);
        mb.workspaces().define("doomed").withRegion("eastus").create();
        assertThat(mb.workspaces().delete("doomed").existed()).isTrue();
        assertThat(mb.workspaces().delete("doomed").existed()).isFalse();
        assertThatThrownBy(() -> mb.workspaces().get("doomed")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("doomed").hasMessageContaining("ResourceNotFound");
        assertThat(azure.arm.interactions()).filteredOn(i -> i.path().contains("workspaceOperationsStatus"))
                .isNotEmpty().allSatisfy(i -> assertThat(i.urlLength()).isGreaterThan(4096));
        assertThat(azure.sleeper.waits()).contains(Duration.ofSeconds(15), Duration.ofSeconds(10));
    }

    @Test
    void resumeTokenPicksTheCreationUpAgain() {
        LongRunningOperation<Workspace> op = provider.workspaces().beginCreateOrGet(new WorkspaceSpec("later",
                "eastus", null, null, Map.of()), null);
        String token = op.resumeToken();
        try (AzureMlProvider restarted = azure.builder().build()) {
            Workspace ws = restarted.workspaces().resumeCreateOrGet(token).waitForCompletion(Duration.ofMinutes(1));
            assertThat(ws.name()).isEqualTo("later");
        }
        assertThatThrownBy(() -> provider.workspaces().resumeCreateOrGet("local:xyz"))
                .isInstanceOf(ValidationException.class);
    }
}
