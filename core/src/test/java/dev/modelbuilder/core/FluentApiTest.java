package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.exception.RunFailedException;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeTier;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.testing.InMemoryProvider;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FluentApiTest {
    @TempDir
    Path tmp;

    @Test
    void invalidInputFailsBeforeAnyProviderCall() {
        InMemoryProvider provider = new InMemoryProvider();
        ModelBuilder mb = ModelBuilder.using(provider);
        assertThatThrownBy(() -> mb.workspaces().define("-ws")).isInstanceOf(ValidationException.class)
                .hasMessage("workspace name '-ws' is invalid: use 3-33 letters, digits or hyphens, starting with a"
                        + " letter or digit");
        assertThatThrownBy(() -> mb.workspace("a.b")).isInstanceOf(ValidationException.class)
                .hasMessage("workspace name 'a.b' is invalid: use 3-33 letters, digits, underscores or hyphens, "
                        + "starting with a letter or digit");
        assertThatThrownBy(() -> mb.workspaces().define("good-ws").withRegion("East US").create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("region 'East US'");
        assertThatThrownBy(() -> mb.workspace("ws1").computes().define("gpu").withMinNodes(2).withMaxNodes(1)
                .withSize(InMemoryProvider.GPU).create())
                .hasMessageContaining("minimum node count '2' is invalid");
        assertThatThrownBy(() -> mb.workspace("ws1").experiments().define("bad name"))
                .hasMessageContaining("experiment name 'bad name'");
        assertThatThrownBy(() -> mb.workspace("ws1").runs().get("bad id!")).hasMessageContaining("run id 'bad id!'");
        assertThat(provider.calls()).isEmpty();
    }

    /**
     * Issue 28: Azure allows '_' in workspace names; an existing workspace with one can be got, used and returned by
     * create-or-get, while a new workspace is still held to the stricter rule (one lookup, no create).
     */
    @Test
    void aWorkspaceNameWithAnUnderscoreAddressesAnExistingWorkspaceButIsNotCreated() {
        InMemoryProvider provider = new InMemoryProvider();
        ModelBuilder mb = ModelBuilder.using(provider);
        assertThatThrownBy(() -> mb.workspaces().define("new_ws").withRegion("eastus").create())
                .isInstanceOf(ValidationException.class)
                .hasMessageStartingWith("workspace name 'new_ws' is invalid: use 3-33 letters, digits or hyphens")
                .hasMessageContaining("there is no workspace 'new_ws' to use");
        assertThat(provider.calls()).noneMatch(c -> c.startsWith("workspaces.createOrGet"));
        assertThatThrownBy(() -> mb.workspaces().define("new_ws").withRegion("East US").create())
                .isInstanceOf(ValidationException.class).hasMessageContaining("region 'East US'");
        assertThat(mb.workspace("team_ws").name()).isEqualTo("team_ws");
        assertThatThrownBy(() -> mb.workspaces().get("team_ws")).isInstanceOf(ResourceNotFoundException.class);
        assertThat(mb.workspaces().delete("team_ws").existed()).isFalse();
    }

    @Test
    void fullChainWithListener() {
        InMemoryProvider provider = new InMemoryProvider();
        List<ProgressEvent> events = new ArrayList<>();
        try (ModelBuilder mb = ModelBuilder.using(provider).withListener(events::add)) {
            assertThat(mb.providerName()).isEqualTo("in-memory");
            mb.workspaces().define("vision-ws").withRegion("eastus").withResourceGroup("ml-rg")
                    .withTag("team", "vision").create();
            WorkspaceScope ws = mb.workspace("vision-ws");
            assertThat(ws.get().tags()).containsEntry("team", "vision");
            assertThat(ws.computes().define("gpu").withSize("MEM-GPU-4").withMaxNodes(2)
                    .withTier(ComputeTier.LOW_PRIORITY).withIdleTimeBeforeScaleDown(Duration.ofMinutes(5)).create()
                    .maxNodes()).isEqualTo(2);
            assertThat(ws.computes().resize("gpu", 0, 4).maxNodes()).isEqualTo(4);
            assertThatThrownBy(() -> ws.computes().define("gpu2").withSize("Standard_Imaginary").create())
                    .isInstanceOf(ValidationException.class)
                    .hasMessage("compute size 'Standard_Imaginary' is invalid: provider 'in-memory' does not offer it;"
                            + " use one of its sizes, e.g. mem-gpu-4 (Computes.availableSizes() lists them)");
            Path data = TestImages.dataset(tmp.resolve("data"), List.of("a", "b"), 5);
            TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                    .inExperiment("flowers").beginCreate();
            assertThat(run.waitForCompletion(Duration.ofSeconds(10)).status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.waitForModel(Duration.ofSeconds(1), tmp.resolve("m")).labels()).containsExactly("a", "b");
        }
        assertThat(provider.isClosed()).isTrue();
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepStarted)
                .extracting(e -> ((ProgressEvent.StepStarted) e).step())
                .containsExactly(WorkStep.VALIDATE_DATA, WorkStep.TRAIN);
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress).singleElement()
                .satisfies(e -> assertThat(((ProgressEvent.StepProgress) e).fraction()).isEqualTo(1.0));
    }

    @Test
    void failingListenerDoesNotBreakWork() {
        ProgressListener bad = e -> {
            throw new IllegalStateException("listener bug");
        };
        List<ProgressEvent> seen = new ArrayList<>();
        bad.andThen(seen::add).onEvent(new ProgressEvent.LogLine("x", "hello"));
        assertThat(seen).hasSize(1);
    }

    @Test
    void cancelledRunFailsWaitForModel() {
        InMemoryProvider provider = new InMemoryProvider();
        ModelBuilder mb = ModelBuilder.using(provider);
        mb.workspaces().define("ws1").create();
        Path data = TestImages.dataset(tmp.resolve("d"), List.of("a", "b"), 5);
        TrainingRun run = mb.workspace("ws1").runs().define(TrainingSpec.fromData(data).build()).inExperiment("e")
                .beginCreate();
        run.cancel();
        assertThatThrownBy(() -> run.waitForModel(Duration.ofSeconds(5), tmp.resolve("m")))
                .isInstanceOf(RunFailedException.class)
                .hasMessage("run e_1 in experiment e ended as Canceled");
    }
}
