package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Workspace;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Workspaces as Azure keeps them (issue 11): soft delete, purge, soft-deleted key vaults, and derived names that are
 * valid whenever the workspace name is.
 */
@ExtendWith(EmulatedAzureExtension.class)
class WorkspaceLifecycleTest {
    private EmulatedAzure azure;
    private ModelBuilder mb;

    @BeforeEach
    void open(EmulatedAzure emulated) {
        azure = emulated;
        mb = ModelBuilder.using(azure.builder().build());
    }

    @AfterEach
    void close() {
        mb.close();
    }

    /**
     * Issue 28, item 4: Azure accepts the template deployment and fails it later, the reason two levels down
     * (DeploymentFailed, ResourceDeploymentFailure, BadRequest "Soft-deleted workspace exists. Please purge or recover
     * it"); the error names both ways out. A soft-deleted workspace is not found by Resource Manager, and Learn names
     * only the portal's "Recently deleted" view to recover or permanently delete one, so a purge through the API does
     * not free the name (the emulator leaves it soft-deleted, see {@code WorkspaceResources.deleteWorkspace}).
     */
    @Test
    void aSoftDeletedWorkspaceBlocksItsNameUntilPurgedInThePortal() {
        mb.workspaces().define("reborn").withRegion("eastus").create();
        assertThat(mb.workspaces().delete("reborn").existed()).isTrue();
        assertThat(azure.arm.count("DELETE", "/workspaces/reborn$")).isEqualTo(1);
        assertThat(azure.arm.softDeletedWorkspaces()).containsExactly("reborn");

        assertThatThrownBy(() -> mb.workspaces().define("reborn").withRegion("eastus").create())
                .isInstanceOf(ResourceExistsException.class).hasMessageContaining("soft-deleted")
                .hasMessageContaining("Recently deleted").hasMessageContaining("Recover")
                .hasMessageContaining("Permanently delete")
                .hasMessageContaining("Soft-deleted workspace exists. Please purge or recover it");
        assertThat(azure.arm.interactions()).filteredOn(i -> i.method().equals("PUT")
                && i.path().contains("/deployments/")).last().satisfies(i -> assertThat(i.status())
                        .as("accepted, failed later").isBetween(200, 201));

        assertThat(mb.workspaces().delete("reborn", true).existed()).as("Resource Manager does not find it").isFalse();
        assertThat(azure.arm.softDeletedWorkspaces()).containsExactly("reborn");
        azure.arm.purgeSoftDeletedInPortal("reborn");
        Workspace again = mb.workspaces().define("reborn").withRegion("eastus").create();
        assertThat(again.provisioningState()).isEqualTo("Succeeded");
    }

    /**
     * Issue 28, item 6: Azure allows '_' in workspace names (the REST description's workspaceName pattern
     * {@code ^[a-zA-Z0-9][a-zA-Z0-9_-]{2,32}$}); such a workspace made elsewhere can be got, used and "created"
     * (create-or-get returns it), while a new one is still held to the SDK's stricter rule.
     */
    @Test
    void aWorkspaceWithAnUnderscoreMadeElsewhereIsUsableButNotCreated() {
        azure.arm.addWorkspaceMadeElsewhere("team_ws", "eastus");
        assertThat(mb.workspaces().get("team_ws").name()).isEqualTo("team_ws");
        assertThat(mb.workspaces().define("team_ws").withRegion("eastus").create().name()).isEqualTo("team_ws");
        mb.workspace("team_ws").computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1)
                .create();
        assertThat(azure.arm.computeNames("team_ws")).containsExactly("gpu");

        assertThatThrownBy(() -> mb.workspaces().define("new_ws").withRegion("eastus").create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("new_ws")
                .hasMessageContaining("use 3-33 letters, digits or hyphens");
        assertThat(azure.arm.count("PUT", "/deployments/")).isZero();
        assertThat(mb.workspaces().delete("team_ws").existed()).isTrue();
    }

    @Test
    void purgeSendsForceToPurge() {
        mb.workspaces().define("gone").withRegion("eastus").create();
        mb.workspaces().delete("gone", true);
        assertThat(azure.arm.softDeletedWorkspaces()).isEmpty();
        assertThat(azure.arm.interactions()).filteredOn(i -> i.method().equals("DELETE")).hasSize(1);
        assertThat(mb.workspaces().delete("gone", false).existed()).isFalse();
    }

    @Test
    void aWorkspaceCreatedAgainDoesNotCollideWithItsSoftDeletedKeyVault() {
        mb.workspaces().define("vaulted").withRegion("eastus").create();
        String firstVault = azure.arm.keyVaultOf("vaulted");
        mb.workspaces().delete("vaulted", true);
        azure.arm.deleteKeyVault(firstVault);

        mb.workspaces().define("vaulted").withRegion("eastus").create();
        assertThat(azure.arm.keyVaultOf("vaulted")).isNotEqualTo(firstVault);
        assertThat(azure.arm.createdResources().get("Microsoft.KeyVault/vaults")).hasSize(2);
    }

    @Test
    void derivedNamesAreValidWhenTheWorkspaceNameIs() {
        Workspace ws = mb.workspaces().define("edge-").withRegion("eastus").create();
        assertThat(ws.name()).isEqualTo("edge-");
        assertThat(azure.arm.createdResources().get("Microsoft.OperationalInsights/workspaces"))
                .singleElement().satisfies(n -> assertThat(n).startsWith("mblog-edge-").doesNotEndWith("-"));
        Workspace longest = mb.workspaces().define("a23456789-123456789-123456789-12-").withRegion("eastus")
                .create();
        assertThat(longest.provisioningState()).isEqualTo("Succeeded");
    }
}
