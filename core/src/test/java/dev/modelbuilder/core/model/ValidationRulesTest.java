package dev.modelbuilder.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.dataset.ClassificationTask;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every naming and range rule, with valid and invalid values, and the exact messages. */
class ValidationRulesTest {
    private static final ComputeSize GPU = new ComputeSize("gpu-4", "gpuFamily", 4, 28, 180, 1, 16, 8, 2, "Some GPU",
            null, List.of());

    @ParameterizedTest
    @ValueSource(strings = {"abc", "ws1", "1ws", "my-workspace", "A-B-C", "abcdefghijabcdefghijabcdefghijabc"})
    void validWorkspaceNames(String name) {
        assertThat(Rules.workspaceName(name)).isEmpty();
        assertThatCode(() -> WorkspaceSpec.named(name)).doesNotThrowAnyException();
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "a_b", "-ws", "ws.1", "ws 1", "abcdefghijabcdefghijabcdefghijabcd", "wörk"})
    void invalidWorkspaceNames(String name) {
        assertThatThrownBy(() -> WorkspaceSpec.named(name)).isInstanceOf(ValidationException.class)
                .hasMessage("workspace name '" + name
                        + "' is invalid: use 3-33 letters, digits or hyphens, starting with a letter or digit");
    }

    /** Issue 28: names of existing workspaces follow Azure's rule, which also allows underscores. */
    @ParameterizedTest
    @ValueSource(strings = {"a_b", "team_ws", "x1_", "abc", "A-B_C"})
    void existingWorkspaceNamesMayHoldUnderscores(String name) {
        assertThat(Rules.existingWorkspaceName(name)).isEmpty();
        assertThat(Rules.requireWorkspaceName(name)).isEqualTo(name);
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "_ws", "-ws", "ws.1", "ws 1", "abcdefghijabcdefghijabcdefghijabcd", "wörk"})
    void namesNoWorkspaceCanHave(String name) {
        assertThat(Rules.existingWorkspaceName(name)).singleElement().satisfies(v -> assertThat(v.rule())
                .isEqualTo("use 3-33 letters, digits, underscores or hyphens, starting with a letter or digit"));
        assertThatThrownBy(() -> Rules.requireWorkspaceName(name)).isInstanceOf(ValidationException.class);
    }

    @ParameterizedTest
    @NullAndEmptySource
    void missingWorkspaceName(String name) {
        assertThatThrownBy(() -> WorkspaceSpec.named(name)).isInstanceOf(ValidationException.class)
                .hasMessage("workspace name is missing: use 3-33 letters, digits or hyphens, starting with a letter"
                        + " or digit");
    }

    @ParameterizedTest
    @ValueSource(strings = {"ab", "gpu", "gpu-cluster", "G1", "abcdefghijklmnop"})
    void validComputeNames(String name) {
        assertThat(Rules.computeName(name)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "1gpu", "-gpu", "gpu_1", "abcdefghijklmnopq", "gpu.1"})
    void invalidComputeNames(String name) {
        assertThatThrownBy(() -> Rules.requireComputeName(name)).isInstanceOf(ValidationException.class)
                .hasMessage("compute name '" + name
                        + "' is invalid: use 2-16 letters, digits or hyphens, starting with a letter");
    }

    @ParameterizedTest
    @ValueSource(strings = {"a", "flowers", "Flowers_2024-v1", "_x"})
    void validExperimentNames(String name) {
        assertThat(Rules.experimentName(name)).isEmpty();
        assertThat(Rules.experimentName("e".repeat(256))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"my experiment", "exp.1", "exp/1", "é"})
    void invalidExperimentNames(String name) {
        assertThatThrownBy(() -> Rules.requireExperimentName(name)).isInstanceOf(ValidationException.class)
                .hasMessage("experiment name '" + name + "' is invalid: use 1-256 letters, digits, underscores or"
                        + " hyphens");
        assertThat(Rules.experimentName("e".repeat(257))).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"rg", "a", "my_rg-1.(prod)", "Ressourcen-ä"})
    void validResourceGroups(String name) {
        assertThat(Rules.resourceGroup(name)).isEmpty();
        assertThat(Rules.resourceGroup("r".repeat(90))).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"rg.", "my rg", "rg/1", "rg#"})
    void invalidResourceGroups(String name) {
        assertThat(Rules.resourceGroup(name)).singleElement().extracting(v -> v.message())
                .isEqualTo("resource group '" + name + "' is invalid: use 1-90 letters, digits, underscores, hyphens,"
                        + " periods or parentheses, not ending in a period");
        assertThat(Rules.resourceGroup("r".repeat(91))).hasSize(1);
    }

    @ParameterizedTest
    @ValueSource(strings = {"East US", "eastUS", "e", "east-us"})
    void invalidRegions(String region) {
        assertThatThrownBy(() -> new WorkspaceSpec("ws1", region, "rg", null, Map.of()))
                .isInstanceOf(ValidationException.class)
                .hasMessage("region '" + region + "' is invalid: use an Azure region name in lower case without"
                        + " spaces, e.g. eastus");
    }

    @Test
    void workspaceSpecReportsEveryViolationAtOnce() {
        assertThatThrownBy(() -> new WorkspaceSpec("a_b", "East US", "rg.", null, Map.of()))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(ValidationException.Violation::field)
                        .containsExactly("workspace name", "region", "resource group"));
    }

    @Test
    void validComputeSpecGetsDefaults() {
        ComputeSpec spec = new ComputeSpec("gpu", GPU, 0, 1, null, null);
        assertThat(spec.idleTimeBeforeScaleDown()).isEqualTo(Duration.ofSeconds(120));
        assertThat(spec.tier()).isEqualTo(ComputeTier.DEDICATED);
    }

    @ParameterizedTest
    @CsvSource({
        "-1, 1, minimum node count '-1' is invalid: use 0 or more",
        "0, 0, maximum node count '0' is invalid: use 1 or more",
        "3, 2, minimum node count '3' is invalid: must not exceed the maximum node count (2)"})
    void invalidNodeRanges(int min, int max, String message) {
        assertThatThrownBy(() -> new ComputeSpec("gpu", GPU, min, max, null, null))
                .isInstanceOf(ValidationException.class).hasMessageContaining(message);
        assertThatThrownBy(() -> Rules.requireNodeRange(min, max))
                .isInstanceOf(ValidationException.class).hasMessageContaining(message);
    }

    @Test
    void computeSpecNeedsSizeAndWholeSecondIdleTime() {
        assertThatThrownBy(() -> new ComputeSpec("gpu", null, 0, 1, null, null))
                .hasMessage("compute size is missing: choose one of the provider's sizes (Computes.availableSizes()"
                        + " lists them)");
        assertThatThrownBy(() -> new ComputeSpec("gpu", GPU, 0, 1,
                Duration.ofMillis(1500), null))
                .hasMessage("idle time before scale-down 'PT1.5S' is invalid: use whole seconds, at least 1 second");
        assertThatThrownBy(() -> new ComputeSpec("gpu", GPU, 0, 1, Duration.ZERO, null))
                .hasMessageContaining("idle time before scale-down 'PT0S' is invalid");
    }

    @Test
    void retiredSizesAreLeftToTheProvider() {
        ComputeSize retired = new ComputeSize("old-gpu", "oldFamily", 12, 112, 680, 2, 24, 48, 2, "Old GPU",
                LocalDate.of(2023, 9, 6), List.of("gpu-4"));
        assertThat(new ComputeSpec("old", retired, 0, 1, null, null).size()).isSameAs(retired);
    }

    @Test
    void computeTierParsesServiceAndUserSpellings() {
        assertThat(ComputeTier.parse("Dedicated")).isEqualTo(ComputeTier.DEDICATED);
        assertThat(ComputeTier.parse("low-priority")).isEqualTo(ComputeTier.LOW_PRIORITY);
        assertThat(ComputeTier.parse("LowPriority")).isEqualTo(ComputeTier.LOW_PRIORITY);
        assertThatThrownBy(() -> ComputeTier.parse("spot"))
                .hasMessage("compute tier 'spot' is invalid: use dedicated or low-priority");
    }

    @Test
    void trainingSpecDefaultsAndRules() {
        TrainingSpec t = TrainingSpec.fromData(Path.of("data")).build();
        assertThat(t.validationSplit()).isEqualTo(0.2);
        assertThat(t.seed()).isEqualTo(42);
        assertThat(t.timeBudgetIfSet()).isEmpty();
        assertThat(t.computeIfSet()).isEmpty();
        assertThat(t.toBuilder().withTimeBudget(Duration.ofMinutes(3)).build().timeBudgetIfSet())
                .contains(Duration.ofMinutes(3));

        assertThat(t.task()).isEqualTo(ClassificationTask.SINGLE_LABEL);
        assertThat(t.isMultiLabel()).isFalse();
        TrainingSpec multi = TrainingSpec.fromData(Path.of("labels.jsonl")).withMultiLabel().build();
        assertThat(multi.task()).isEqualTo(ClassificationTask.MULTI_LABEL);
        assertThat(multi.toBuilder().build().isMultiLabel()).isTrue();
        assertThat(multi.data()).isEqualTo(Path.of("labels.jsonl"));

        assertThatThrownBy(() -> TrainingSpec.fromData(null).build())
                .hasMessageContaining("data is missing");
        assertThatThrownBy(() -> TrainingSpec.fromData(Path.of("d")).withValidationSplit(0.7).build())
                .hasMessage("validation split '0.7' is invalid: use a share above 0 and at most 0.5, e.g. 0.2");
        assertThatThrownBy(() -> TrainingSpec.fromData(Path.of("d")).withTimeBudget(Duration.ZERO)
                .build()).hasMessage("time budget 'PT0S' is invalid: use a positive duration, e.g. PT10M");
        assertThatThrownBy(() -> TrainingSpec.fromData(Path.of("d")).withCompute("a_b").build())
                .hasMessageContaining("compute name 'a_b' is invalid");
    }

    /** Options of one provider, for the tests of {@link TrainingSpec#optionsFor}. */
    private record FakeOptions(String provider, int epochs) implements TrainingOptions {
    }

    @Test
    void providerOptionsReachTheirProviderAndNoOther() {
        TrainingSpec plain = TrainingSpec.fromData(Path.of("d")).build();
        assertThat(plain.optionsFor("local", FakeOptions.class, () -> new FakeOptions("local", 30)).epochs())
                .isEqualTo(30);
        TrainingSpec withOptions = plain.toBuilder().withOptions(new FakeOptions("local", 3)).build();
        assertThat(withOptions.optionsFor("local", FakeOptions.class, () -> new FakeOptions("local", 30)).epochs())
                .isEqualTo(3);
        assertThatThrownBy(() -> withOptions.optionsFor("azure", FakeOptions.class,
                () -> new FakeOptions("azure", 1)))
                .isInstanceOf(ValidationException.class)
                .hasMessage("training options 'local options' is invalid: the run is submitted to provider 'azure';"
                        + " give it FakeOptions, or submit to provider 'local'");
    }

    @Test
    void experimentRecordValidatesItsName() {
        assertThatThrownBy(() -> new Experiment("bad name", "ws", null))
                .hasMessageContaining("experiment name 'bad name' is invalid");
    }
}
