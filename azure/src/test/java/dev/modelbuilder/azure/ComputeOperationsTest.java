package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeState;
import dev.modelbuilder.core.model.ComputeTier;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** AmlCompute clusters against the ARM emulator: checks before creating, create-or-get, resize, delete. */
@ExtendWith(EmulatedAzureExtension.class)
class ComputeOperationsTest {
    private final EmulatedAzure azure;
    private AzureMlProvider provider;
    private ModelBuilder mb;
    private WorkspaceScope ws;

    ComputeOperationsTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @BeforeEach
    void open() {
        provider = azure.builder().build();
        mb = ModelBuilder.using(provider);
        mb.workspaces().define("img-ws").withRegion("eastus").create();
        ws = mb.workspace("img-ws");
    }

    @AfterEach
    void close() {
        mb.close();
    }

    @Test
    void createsAnAmlClusterAndFollowsTheAsyncOperation() {
        Compute c = ws.computes().define("gpu").withSize(ComputeSize.STANDARD_NC4AS_T4_V3).withMinNodes(0)
                .withMaxNodes(2).withIdleTimeBeforeScaleDown(Duration.ofMinutes(5)).withTier(ComputeTier.DEDICATED)
                .create();
        assertThat(c.name()).isEqualTo("gpu");
        assertThat(c.state()).isEqualTo(ComputeState.SUCCEEDED);
        assertThat(c.size()).isEqualTo(ComputeSize.STANDARD_NC4AS_T4_V3);
        assertThat(c.sizeName()).isEqualTo("Standard_NC4as_T4_v3");
        assertThat(c.maxNodes()).isEqualTo(2);
        assertThat(c.idleTimeBeforeScaleDown()).isEqualTo(Duration.ofMinutes(5));
        assertThat(azure.arm.count("GET", "/locations/eastus/vmSizes$")).isEqualTo(1);
        assertThat(azure.arm.count("GET", "/locations/eastus/usages$")).isEqualTo(1);
        assertThat(azure.arm.interactions()).filteredOn(i -> i.path().contains("computeOperationsStatus"))
                .isNotEmpty().allSatisfy(i -> assertThat(i.urlLength()).isGreaterThan(4096));
    }

    @Test
    void createIsCreateOrGetAndRejectsAnotherSize() {
        Compute first = ws.computes().define("gpu").withSize(ComputeSize.STANDARD_NC4AS_T4_V3).create();
        Compute again = ws.computes().define("gpu").withSize("standard_nc4as_t4_v3").create();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(azure.arm.count("PUT", "/computes/gpu$")).isEqualTo(1);
        assertThatThrownBy(() -> ws.computes().define("gpu").withSize(ComputeSize.STANDARD_NC8AS_T4_V3).create())
                .isInstanceOf(ResourceExistsException.class).hasMessageContaining("STANDARD_NC4AS_T4_V3");
    }

    @Test
    void retiredSizesFailEarlyNamingReplacements() {
        assertThatThrownBy(() -> ws.computes().define("old").withSize(ComputeSize.STANDARD_NC12).create())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Standard_NC12").hasMessageContaining("retired on 2023-09-06")
                .hasMessageContaining("Standard_NC4as_T4_v3").hasMessageContaining("Standard_NC24ads_A100_v4");
        assertThatThrownBy(() -> ws.computes().define("old").withSize("Standard_NC24").create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("retired");
        assertThat(azure.arm.count("PUT", "/computes/")).isZero();
        assertThat(azure.arm.count("GET", "/vmSizes")).isZero();
    }

    @Test
    void aSizeTheRegionDoesNotOfferIsRefused() {
        mb.workspaces().define("eu-ws").withRegion("westeurope").create();
        assertThatThrownBy(() -> mb.workspace("eu-ws").computes().define("gpu")
                .withSize(ComputeSize.STANDARD_NC4AS_T4_V3).create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("not offered in region westeurope");
        assertThat(azure.arm.count("PUT", "/computes/")).isZero();
    }

    @Test
    void insufficientQuotaSaysHowMuchIsMissing() {
        azure.arm.setQuota("ncasv3t4", 24, 20);
        assertThatThrownBy(() -> ws.computes().define("big").withSize(ComputeSize.STANDARD_NC16AS_T4_V3).create())
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.required()).isEqualTo(16);
                    assertThat(e.available()).isEqualTo(4);
                    assertThat(e.quotaName()).contains("NCASv3_T4");
                    assertThat(e.getMessage()).contains("12 missing");
                });
        azure.arm.setQuota("ncasv3t4", 64, 0);
        azure.arm.setQuota("total", 8, 6);
        assertThatThrownBy(() -> ws.computes().define("big").withSize(ComputeSize.STANDARD_NC8AS_T4_V3).create())
                .isInstanceOf(QuotaExceededException.class).hasMessageContaining("Total Cluster Dedicated");
        assertThat(azure.arm.count("PUT", "/computes/")).isZero();
    }

    @Test
    void resizeSendsTheDoublyNestedPatch() {
        ws.computes().define("gpu").withSize(ComputeSize.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
        long polls = azure.arm.count("GET", "/computeOperationsStatus/");
        Compute resized = ws.computes().resize("gpu", 1, 3);
        assertThat(azure.arm.count("GET", "/computeOperationsStatus/")).as("the update is followed to its end")
                .isGreaterThan(polls);
        assertThat(resized.minNodes()).isEqualTo(1);
        assertThat(resized.maxNodes()).isEqualTo(3);
        assertThat(azure.arm.count("PATCH", "/computes/gpu$")).isEqualTo(1);
    }

    @Test
    void listGetAndIdempotentDelete() {
        ws.computes().define("gpu-a").withSize(ComputeSize.STANDARD_NC4AS_T4_V3).create();
        ws.computes().define("gpu-b").withSize(ComputeSize.STANDARD_NC4AS_T4_V3).create();
        ws.computes().define("gpu-c").withSize(ComputeSize.STANDARD_NC4AS_T4_V3).create();
        assertThat(ws.computes().list()).extracting(Compute::name).containsExactly("gpu-a", "gpu-b", "gpu-c");
        assertThat(ws.computes().delete("gpu-b").existed()).isTrue();
        assertThat(ws.computes().delete("gpu-b").existed()).isFalse();
        assertThat(azure.arm.count("DELETE", "/computes/gpu-b$")).isEqualTo(1);
        assertThatThrownBy(() -> ws.computes().get("gpu-b")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("gpu-b");
        assertThatThrownBy(() -> mb.workspace("no-ws").computes().get("gpu-a"))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("no-ws");
    }

    @Test
    void availableSizesComeFromTheRegion() {
        assertThat(ws.computes().availableSizes()).extracting(ComputeSize::name)
                .contains("Standard_NC4as_T4_v3", "Standard_NC24ads_A100_v4", "Standard_DS3_v2")
                .doesNotContain("Standard_NC12");
        assertThat(provider.availableSizes("westeurope")).extracting(ComputeSize::name)
                .containsExactly("Standard_DS3_v2");
    }

    @Test
    void serverSideQuotaFailureIsTyped() {
        azure.arm.setQuota("ncadsa100v4", 48, 0);
        azure.arm.setQuota("total", 200, 0);
        // the usages say there is room, but the service refuses the nodes when it provisions them
        azure.arm.setQuota("ncadsa100v4", 48, 40);
        assertThatThrownBy(() -> ws.computes().define("a100").withSize(ComputeSize.STANDARD_NC24ADS_A100_V4).create())
                .isInstanceOf(QuotaExceededException.class);
    }
}
