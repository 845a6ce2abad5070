package dev.modelbuilder.core.model;

import dev.modelbuilder.core.operation.OperationStatus;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComputeSizeTest {

    private static ComputeSize size(String name, int vcpus, double memoryGiB, int gpus, LocalDate retiredOn,
            List<String> replacements) {
        return new ComputeSize(name, null, vcpus, memoryGiB, 0, gpus, gpus * 16, 0, 0, null, retiredOn, replacements);
    }

    @Test
    void impossibleFiguresAreRefusedNamingTheSize() {
        assertThatThrownBy(() -> size("no-cpu", 0, 8, 0, null, null)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("size no-cpu has an impossible figure");
        assertThatThrownBy(() -> size("no-memory", 2, 0, 0, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no-memory");
        assertThatThrownBy(() -> size("minus-gpu", 2, 8, -1, null, null))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("minus-gpu");
        assertThatThrownBy(() -> size(null, 2, 8, 0, null, null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void retirementAndQuotaFamilyAreOptional() {
        ComputeSize current = size("cpu-2", 2, 8, 0, null, null);
        assertThat(current.isRetired()).isFalse();
        assertThat(current.family()).isNull();
        assertThat(current.replacements()).isEmpty();
        assertThat(current.hasGpu()).isFalse();
        List<String> replacements = new ArrayList<>(List.of("gpu-new"));
        ComputeSize old = size("gpu-old", 12, 112, 2, LocalDate.of(2023, 9, 6), replacements);
        replacements.add("changed later");
        assertThat(old.isRetired()).isTrue();
        assertThat(old.hasGpu()).isTrue();
        assertThat(old.replacements()).containsExactly("gpu-new");
        assertThatThrownBy(() -> old.replacements().add("x")).isInstanceOf(UnsupportedOperationException.class);
    }

    @Test
    void namesCompareInAnyLetterCase() {
        ComputeSize t4 = size("Standard_NC4as_T4_v3", 4, 28, 1, null, null);
        assertThat(t4.isNamed("STANDARD_NC4AS_T4_V3")).isTrue();
        assertThat(t4.isNamed("standard_nc4as_t4_v3")).isTrue();
        assertThat(t4.isNamed("Standard_NC8as_T4_v3")).isFalse();
        assertThat(t4.isNamed(null)).isFalse();
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
