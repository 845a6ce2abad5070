package dev.modelbuilder.core.model;

import dev.modelbuilder.core.operation.OperationStatus;
import static org.assertj.core.api.Assertions.assertThat;

import java.time.LocalDate;
import org.junit.jupiter.api.Test;

class ComputeSizeTest {

    @Test
    void originalNcSizesCarryTheirFiguresAndRetirement() {
        ComputeSize nc12 = ComputeSize.find("standard_nc12").orElseThrow();
        assertThat(nc12).isSameAs(ComputeSize.STANDARD_NC12);
        assertThat(new int[] {nc12.vcpus(), (int) nc12.memoryGiB(), nc12.tempStorageGiB(), nc12.gpus(),
            nc12.gpuMemoryGiB(), nc12.maxDataDisks(), nc12.maxNics()}).containsExactly(12, 112, 680, 2, 24, 48, 2);
        ComputeSize nc24 = ComputeSize.STANDARD_NC24;
        assertThat(new int[] {nc24.vcpus(), (int) nc24.memoryGiB(), nc24.tempStorageGiB(), nc24.gpus(),
            nc24.gpuMemoryGiB(), nc24.maxDataDisks(), nc24.maxNics()}).containsExactly(24, 224, 1440, 4, 48, 64, 4);
        assertThat(nc12.isRetired()).isTrue();
        assertThat(nc12.retiredOn()).isEqualTo(LocalDate.of(2023, 9, 6));
        assertThat(nc12.replacements()).isNotEmpty()
                .allSatisfy(r -> assertThat(ComputeSize.find(r)).hasValueSatisfying(s -> {
                    assertThat(s.isRetired()).isFalse();
                    assertThat(s.hasGpu()).isTrue();
                }));
    }

    @Test
    void catalogHoldsCurrentFamilies() {
        assertThat(ComputeSize.catalog()).extracting(ComputeSize::family).contains("standardNCASv3_T4Family",
                "StandardNCADSA100v4Family", "standardNCadsH100v5Family");
        assertThat(ComputeSize.currentSizes()).noneMatch(ComputeSize::isRetired).first()
                .isEqualTo(ComputeSize.STANDARD_NC4AS_T4_V3);
        assertThat(ComputeSize.STANDARD_NC4AS_T4_V3.isNamed("STANDARD_NC4AS_T4_V3")).isTrue();
        assertThat(ComputeSize.find("Standard_D2_v3")).isEmpty();
    }

    @Test
    void runStatusIsExpandable() {
        assertThat(RunStatus.fromString("completed")).isSameAs(RunStatus.COMPLETED);
        assertThat(RunStatus.COMPLETED.isTerminal()).isTrue();
        assertThat(RunStatus.FAILED.isTerminal()).isTrue();
        assertThat(RunStatus.CANCELED.isTerminal()).isTrue();
        assertThat(RunStatus.RUNNING.isTerminal()).isFalse();
        assertThat(RunStatus.CANCEL_REQUESTED.isTerminal()).isFalse();
        RunStatus future = RunStatus.fromString("Hibernating");
        assertThat(future.value()).isEqualTo("Hibernating");
        assertThat(future.isTerminal()).isFalse();
        assertThat(future).isEqualTo(RunStatus.fromString("hibernating"));
        assertThat(RunStatus.values()).hasSize(14);
        assertThat(ComputeState.fromString("Succeeded")).isSameAs(ComputeState.SUCCEEDED);
        assertThat(RunStatus.values()).extracting(dev.modelbuilder.core.operation.OperationStatus::ofRun)
                .containsExactly(dev.modelbuilder.core.operation.OperationStatus.NOT_STARTED,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.NOT_STARTED,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.SUCCEEDED,
                        dev.modelbuilder.core.operation.OperationStatus.FAILED,
                        dev.modelbuilder.core.operation.OperationStatus.CANCELED,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS,
                        dev.modelbuilder.core.operation.OperationStatus.IN_PROGRESS);
        assertThat(ComputeState.fromString("Hatching").isTerminal()).isFalse();
    }
}
