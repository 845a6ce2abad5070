package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSize;
import java.time.LocalDate;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Azure's VM-size catalog: figures, quota families, retirement and replacements, and the retirement refusal. */
class AzureVmSizesTest {

    @Test
    void originalNcSizesCarryTheirFiguresAndRetirement() {
        ComputeSize nc12 = AzureVmSizes.find("standard_nc12").orElseThrow();
        assertThat(nc12).isSameAs(AzureVmSizes.STANDARD_NC12);
        assertThat(new int[] {nc12.vcpus(), (int) nc12.memoryGiB(), nc12.tempStorageGiB(), nc12.gpus(),
            nc12.gpuMemoryGiB(), nc12.maxDataDisks(), nc12.maxNics()}).containsExactly(12, 112, 680, 2, 24, 48, 2);
        ComputeSize nc24 = AzureVmSizes.STANDARD_NC24;
        assertThat(new int[] {nc24.vcpus(), (int) nc24.memoryGiB(), nc24.tempStorageGiB(), nc24.gpus(),
            nc24.gpuMemoryGiB(), nc24.maxDataDisks(), nc24.maxNics()}).containsExactly(24, 224, 1440, 4, 48, 64, 4);
        assertThat(nc12.isRetired()).isTrue();
        assertThat(nc12.retiredOn()).isEqualTo(LocalDate.of(2023, 9, 6));
        assertThat(nc12.family()).isEqualTo("standardNCFamily");
        assertThat(nc12.replacements()).isNotEmpty()
                .allSatisfy(r -> assertThat(AzureVmSizes.find(r)).hasValueSatisfying(s -> {
                    assertThat(s.isRetired()).isFalse();
                    assertThat(s.hasGpu()).isTrue();
                }));
    }

    @Test
    void catalogHoldsCurrentFamilies() {
        assertThat(AzureVmSizes.catalog()).hasSize(11).extracting(ComputeSize::family).contains(
                "standardNCASv3_T4Family", "StandardNCADSA100v4Family", "standardNCadsH100v5Family");
        assertThat(AzureVmSizes.catalog()).allSatisfy(s -> assertThat(s.family()).isNotBlank())
                .allSatisfy(s -> assertThat(s.hasGpu()).isTrue());
        assertThat(AzureVmSizes.currentSizes()).noneMatch(ComputeSize::isRetired).hasSize(9).first()
                .isEqualTo(AzureVmSizes.STANDARD_NC4AS_T4_V3);
        assertThat(AzureVmSizes.currentSizes()).extracting(ComputeSize::vcpus).isSorted();
        assertThat(AzureVmSizes.STANDARD_NC4AS_T4_V3.isNamed("STANDARD_NC4AS_T4_V3")).isTrue();
        assertThat(AzureVmSizes.find("Standard_D2_v3")).isEmpty();
        assertThat(AzureVmSizes.find(null)).isEmpty();
    }

    @Test
    void retiredSizesAreRefusedNamingDateAndReplacementsWithTheirQuotaFamilies() {
        assertThatThrownBy(() -> AzureVmSizes.requireCurrent(AzureVmSizes.STANDARD_NC24))
                .isInstanceOf(ValidationException.class)
                .hasMessage("compute size 'Standard_NC24' is invalid: it was retired on 2023-09-06 and Azure no longer"
                        + " offers it; use a current size instead: Standard_NC4as_T4_v3 (quota family"
                        + " standardNCASv3_T4Family), Standard_NC16as_T4_v3 (quota family standardNCASv3_T4Family),"
                        + " Standard_NC24ads_A100_v4 (quota family StandardNCADSA100v4Family)");
        ComputeSize otherRetired = new ComputeSize("Standard_ND6s", "standardNDSFamily", 6, 112, 736, 1, 24, 12, 4,
                "NVIDIA P40", LocalDate.of(2023, 9, 6), List.of("Standard_NC24ads_A100_v4", "Standard_Unknown"));
        assertThatThrownBy(() -> AzureVmSizes.requireCurrent(otherRetired))
                .hasMessageEndingWith("use a current size instead: Standard_NC24ads_A100_v4 (quota family"
                        + " StandardNCADSA100v4Family), Standard_Unknown");
        assertThatCode(() -> AzureVmSizes.requireCurrent(AzureVmSizes.STANDARD_NC4AS_T4_V3)).doesNotThrowAnyException();
        assertThatCode(() -> AzureVmSizes.requireCurrent(new ComputeSize("Standard_DS3_v2", null, 4, 14, 28, 0, 0, 16,
                4, null, null, null))).doesNotThrowAnyException();
        assertThatCode(() -> AzureVmSizes.requireCurrent(null)).doesNotThrowAnyException();
    }
}
