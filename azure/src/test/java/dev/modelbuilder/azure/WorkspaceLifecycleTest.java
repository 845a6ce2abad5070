package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.exception.ResourceExistsException;
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

    @Test
    void aSoftDeletedWorkspaceBlocksItsNameUntilPurged() {
        mb.workspaces().define("reborn").withRegion("eastus").create();
        assertThat(mb.workspaces().delete("reborn").existed()).isTrue();
        assertThat(azure.arm.count("DELETE", "/workspaces/reborn$")).isEqualTo(1);
        assertThat(azure.arm.softDeletedWorkspaces()).containsExactly("reborn");

        assertThatThrownBy(() -> mb.workspaces().define("reborn").withRegion("eastus").create())
                .isInstanceOf(ResourceExistsException.class).hasMessageContaining("soft-deleted")
                .hasMessageContaining("Recover").hasMessageContaining("--purge");

        mb.workspaces().delete("reborn", true);
        assertThat(azure.arm.softDeletedWorkspaces()).isEmpty();
        Workspace again = mb.workspaces().define("reborn").withRegion("eastus").create();
        assertThat(again.provisioningState()).isEqualTo("Succeeded");
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
