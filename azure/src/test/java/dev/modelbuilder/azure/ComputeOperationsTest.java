package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
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
        Compute c = ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMinNodes(0)
                .withMaxNodes(2).withIdleTimeBeforeScaleDown(Duration.ofMinutes(5)).withTier(ComputeTier.DEDICATED)
                .create();
        assertThat(c.name()).isEqualTo("gpu");
        assertThat(c.state()).isEqualTo(ComputeState.SUCCEEDED);
        assertThat(c.size()).isEqualTo(AzureVmSizes.STANDARD_NC4AS_T4_V3);
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
        Compute first = ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
        Compute again = ws.computes().define("gpu").withSize("standard_nc4as_t4_v3").create();
        assertThat(again.id()).isEqualTo(first.id());
        assertThat(azure.arm.count("PUT", "/computes/gpu$")).isEqualTo(1);
        assertThatThrownBy(() -> ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC8AS_T4_V3).create())
                .isInstanceOf(ResourceExistsException.class).hasMessageContaining("STANDARD_NC4AS_T4_V3");
    }

    @Test
    void retiredSizesFailEarlyNamingReplacements() {
        assertThatThrownBy(() -> ws.computes().define("old").withSize(AzureVmSizes.STANDARD_NC12).create())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("Standard_NC12").hasMessageContaining("retired on 2023-09-06")
                .hasMessageContaining("Standard_NC4as_T4_v3").hasMessageContaining("Standard_NC24ads_A100_v4");
        assertThatThrownBy(() -> ws.computes().define("old").withSize("Standard_NC24").create())
                .isInstanceOf(ValidationException.class)
                .hasMessage("compute size 'Standard_NC24' is invalid: it was retired on 2023-09-06 and Azure no longer"
                        + " offers it; use a current size instead: Standard_NC4as_T4_v3 (quota family"
                        + " standardNCASv3_T4Family), Standard_NC16as_T4_v3 (quota family standardNCASv3_T4Family),"
                        + " Standard_NC24ads_A100_v4 (quota family StandardNCADSA100v4Family)");
        assertThat(azure.arm.count("PUT", "/computes/")).isZero();
        assertThat(azure.arm.count("GET", "/vmSizes")).isZero();
    }

    @Test
    void theProviderItselfRefusesARetiredSizeBeforeAnyRequest() {
        int before = azure.arm.interactions().size();
        // straight through the SPI, past ComputeDefinition: the provider's own check still comes first
        ComputeSpec nc24 = new ComputeSpec("old", AzureVmSizes.STANDARD_NC24, 0, 1, null, null);
        assertThatThrownBy(() -> provider.computes().beginCreateOrGet("img-ws", nc24, ProgressListener.none()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .singleElement().satisfies(v -> {
                            assertThat(v.field()).isEqualTo("compute size");
                            assertThat(v.value()).isEqualTo("Standard_NC24");
                            assertThat(v.rule()).startsWith("it was retired on 2023-09-06")
                                    .contains("Standard_NC16as_T4_v3 (quota family standardNCASv3_T4Family)");
                        }));
        // a look-alike record without the retirement date is still known to be retired by its name
        ComputeSize lookAlike = new ComputeSize("STANDARD_NC12", null, 12, 112, 680, 2, 24, 48, 2, null, null, null);
        assertThatThrownBy(() -> provider.computes().beginCreateOrGet("img-ws",
                new ComputeSpec("old", lookAlike, 0, 1, null, null), ProgressListener.none()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("retired on 2023-09-06");
        assertThat(azure.arm.interactions()).hasSize(before);
    }

    @Test
    void sizeNamesResolveInTheCatalogWithoutARequest() {
        int before = azure.arm.interactions().size();
        assertThat(provider.computes().sizeCatalog()).isEqualTo(AzureVmSizes.catalog());
        assertThat(ws.computes().define("gpu").withSize("STANDARD_NC8AS_T4_V3").toSpec().size())
                .isSameAs(AzureVmSizes.STANDARD_NC8AS_T4_V3);
        assertThat(azure.arm.interactions()).hasSize(before);
        assertThatThrownBy(() -> ws.computes().define("gpu").withSize("Standard_NC6_Imaginary").toSpec())
                .isInstanceOf(ValidationException.class)
                .hasMessage("compute size 'Standard_NC6_Imaginary' is invalid: provider 'azure' does not offer it;"
                        + " use one of its sizes, e.g. Standard_NC4as_T4_v3, Standard_NC8as_T4_v3,"
                        + " Standard_NC16as_T4_v3 (Computes.availableSizes() lists them)");
        assertThat(azure.arm.count("GET", "/locations/eastus/vmSizes$")).as("the live list was asked").isEqualTo(1);
        assertThat(ws.computes().define("cpu").withSize("standard_ds3_v2").toSpec().size().name())
                .isEqualTo("Standard_DS3_v2");
    }

    @Test
    void aSizeTheRegionDoesNotOfferIsRefused() {
        mb.workspaces().define("eu-ws").withRegion("westeurope").create();
        assertThatThrownBy(() -> mb.workspace("eu-ws").computes().define("gpu")
                .withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("not offered in region westeurope");
        assertThat(azure.arm.count("PUT", "/computes/")).isZero();
    }

    @Test
    void insufficientQuotaSaysHowMuchIsMissing() {
        azure.arm.setQuota("ncasv3t4", 24, 20);
        assertThatThrownBy(() -> ws.computes().define("big").withSize(AzureVmSizes.STANDARD_NC16AS_T4_V3).create())
                .isInstanceOfSatisfying(QuotaExceededException.class, e -> {
                    assertThat(e.required()).isEqualTo(16);
                    assertThat(e.available()).isEqualTo(4);
                    assertThat(e.quotaName()).contains("NCASv3_T4");
                    assertThat(e.getMessage()).contains("12 missing");
                });
        azure.arm.setQuota("ncasv3t4", 64, 0);
        azure.arm.setQuota("total", 8, 6);
        assertThatThrownBy(() -> ws.computes().define("big").withSize(AzureVmSizes.STANDARD_NC8AS_T4_V3).create())
                .isInstanceOf(QuotaExceededException.class).hasMessageContaining("Total Cluster Dedicated");
        assertThat(azure.arm.count("PUT", "/computes/")).isZero();
    }

    @Test
    void resizeSendsTheDoublyNestedPatch() {
        ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
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
        ws.computes().define("gpu-a").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
        ws.computes().define("gpu-b").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
        ws.computes().define("gpu-c").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
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
        assertThatThrownBy(() -> ws.computes().define("a100").withSize(AzureVmSizes.STANDARD_NC24ADS_A100_V4).create())
                .isInstanceOf(QuotaExceededException.class);
    }
}
