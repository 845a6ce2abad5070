package dev.modelbuilder.core.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.dataset.DatasetValidationException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every provider must show, as tests. A provider's test suite extends this class and says how to
 * build the provider and what to train; the tests then check create-or-get, not-found, idempotent delete, the
 * run lifecycle, listener events and cancellation through the public fluent API.
 */
public abstract class ProviderContractTest {

    /** A temporary folder for datasets and downloaded models. */
    @TempDir
    protected Path tempDir;

    /** The entry point over the provider under test. */
    protected ModelBuilder modelBuilder;

    /** @return a fresh provider under test */
    protected abstract ModelBuilderProvider createProvider();

    /**
     * @param dataFolder a valid dataset folder
     * @return a training spec that completes quickly on this provider
     */
    protected abstract TrainingSpec quickTraining(Path dataFolder);

    /**
     * @param dataFolder a valid dataset folder
     * @return a training spec that runs long enough to be cancelled
     */
    protected abstract TrainingSpec slowTraining(Path dataFolder);

    /** @return the name of a compute this provider can create, with the spec to create it */
    protected abstract String computeName();

    /**
     * Creates the compute this provider's runs use.
     *
     * @param workspace the workspace scope
     * @return the compute
     */
    protected abstract Compute createCompute(WorkspaceScope workspace);

    /** @return how long a quick run may take */
    protected Duration runTimeout() {
        return Duration.ofMinutes(5);
    }

    /** @return the workspace the tests create */
    protected String workspaceName() {
        return "contract-ws";
    }

    /**
     * Writes the dataset the runs train on.
     *
     * @param root where to write it
     * @return the dataset folder
     */
    protected Path writeDataset(Path root) {
        return TestImages.dataset(root, List.of("cat", "dog"), 6);
    }

    /** Creates the provider and the workspace. */
    @BeforeEach
    void openProvider() {
        modelBuilder = ModelBuilder.using(createProvider());
    }

    /** Closes the provider. */
    @AfterEach
    void closeProvider() {
        if (modelBuilder != null) {
            modelBuilder.close();
        }
    }

    /** @return the workspace, created */
    protected WorkspaceScope workspace() {
        modelBuilder.workspaces().define(workspaceName()).withRegion("eastus").withResourceGroup("contract-rg")
                .create();
        return modelBuilder.workspace(workspaceName());
    }

    @Test
    void createWorkspaceIsCreateOrGet() {
        Workspace first = modelBuilder.workspaces().define(workspaceName()).withRegion("eastus")
                .withResourceGroup("contract-rg").create();
        Workspace second = modelBuilder.workspaces().define(workspaceName()).withRegion("eastus")
                .withResourceGroup("contract-rg").create();
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(modelBuilder.workspaces().get(workspaceName()).id()).isEqualTo(first.id());
        assertThat(modelBuilder.workspaces().list()).extracting(Workspace::name).contains(workspaceName());
    }

    @Test
    void missingResourcesAreNotFound() {
        assertThatThrownBy(() -> modelBuilder.workspaces().get("no-such-ws"))
                .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("no-such-ws");
        WorkspaceScope ws = workspace();
        assertThatThrownBy(() -> ws.computes().get("nosuch")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("nosuch");
        assertThatThrownBy(() -> ws.runs().get("no-such-run")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("no-such-run");
        assertThatThrownBy(() -> ws.experiments().get("never-made")).isInstanceOf(ResourceNotFoundException.class)
                .hasMessageContaining("never-made");
    }

    @Test
    void deleteIsIdempotent() {
        WorkspaceScope ws = workspace();
        Compute compute = createCompute(ws);
        assertThat(ws.computes().list()).extracting(Compute::name).contains(compute.name());
        assertThat(ws.computes().delete(compute.name()).existed()).isTrue();
        assertThat(ws.computes().delete(compute.name()).existed()).isFalse();

        Deletion first = modelBuilder.workspaces().delete(workspaceName());
        Deletion second = modelBuilder.workspaces().delete(workspaceName());
        assertThat(first.existed()).isTrue();
        assertThat(second.existed()).isFalse();
        assertThatThrownBy(() -> modelBuilder.workspaces().get(workspaceName()))
                .isInstanceOf(ResourceNotFoundException.class);
    }

    @Test
    void computeIsCreateOrGet() {
        WorkspaceScope ws = workspace();
        Compute first = createCompute(ws);
        Compute second = createCompute(ws);
        assertThat(second.id()).isEqualTo(first.id());
        assertThat(ws.computes().get(computeName()).name()).isEqualTo(computeName());
    }

    @Test
    void experimentsAreCreateOrGet() {
        WorkspaceScope ws = workspace();
        Experiment first = ws.experiments().define("contract-exp").create();
        Experiment again = ws.experiments().define("contract-exp").create();
        assertThat(again.name()).isEqualTo(first.name());
        assertThat(ws.experiments().get("contract-exp").name()).isEqualTo("contract-exp");
        assertThat(ws.experiments().list()).extracting(Experiment::name).containsOnlyOnce("contract-exp");
    }

    @Test
    void deletingAnExperimentDeletesItsRuns() {
        WorkspaceScope ws = workspace();
        createCompute(ws);
        Path data = writeDataset(tempDir.resolve("data"));
        TrainingRun kept = ws.runs().define(quickTraining(data)).inExperiment("kept").beginCreate();
        TrainingRun gone = ws.runs().define(quickTraining(data)).inExperiment("gone").beginCreate();
        kept.waitForCompletion(runTimeout());
        gone.waitForCompletion(runTimeout());
        assertThat(ws.runs().list()).extracting(Run::id).contains(kept.id(), gone.id());

        assertThat(ws.experiments().delete("gone").existed()).isTrue();
        assertThat(ws.experiments().delete("gone").existed()).isFalse();
        assertThatThrownBy(() -> ws.experiments().get("gone")).isInstanceOf(ResourceNotFoundException.class);
        assertThatThrownBy(() -> ws.runs().get(gone.id())).isInstanceOf(ResourceNotFoundException.class);
        assertThat(ws.runs().list()).extracting(Run::id).contains(kept.id()).doesNotContain(gone.id());

        assertThat(ws.runs().delete(kept.id()).existed()).isTrue();
        assertThat(ws.runs().delete(kept.id()).existed()).isFalse();
        assertThat(ws.runs().list("kept")).isEmpty();
    }

    @Test
    void runLifecycleReachesCompletedAndDeliversTheModel() throws Exception {
        WorkspaceScope ws = workspace();
        createCompute(ws);
        Path data = writeDataset(tempDir.resolve("data"));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        TrainingRun run = ws.runs().define(quickTraining(data)).inExperiment("lifecycle").withListener(events::add)
                .beginCreate();

        Run done = run.waitForCompletion(runTimeout());
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(done.experiment()).isEqualTo("lifecycle");
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepStarted).isNotEmpty();
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.RunStatusChanged)
                .last().extracting(e -> ((ProgressEvent.RunStatusChanged) e).current())
                .isEqualTo(RunStatus.COMPLETED);

        assertThat(ws.runs().list("lifecycle")).extracting(Run::id).contains(run.id());
        assertThat(ws.runs().get(run.id()).status()).isEqualTo(RunStatus.COMPLETED);
        TrainingRun reattached = ws.runs().resume(run.id());
        assertThat(reattached.waitForCompletion(Duration.ofSeconds(30)).status()).isEqualTo(RunStatus.COMPLETED);

        TrainedModel model = reattached.downloadModel(tempDir.resolve("model"));
        assertThat(model.onnxModel()).isRegularFile().hasFileName("bestModel.onnx");
        assertThat(model.labelMap()).isRegularFile().hasFileName("bestModelMap.json");
        assertThat(model.pipeline()).isRegularFile().hasFileName("MLModel.zip");
        assertThat(model.labels()).containsExactly("cat", "dog");
        assertThat(Files.readString(model.labelMap())).contains("cat").contains("dog");
    }

    @Test
    void secondRunJoinsTheSameExperiment() {
        WorkspaceScope ws = workspace();
        createCompute(ws);
        Path data = writeDataset(tempDir.resolve("data"));
        TrainingRun a = ws.runs().define(quickTraining(data)).inExperiment("joined").beginCreate();
        a.waitForCompletion(runTimeout());
        Run b = ws.runs().define(quickTraining(data)).inExperiment("joined").create();
        assertThat(b.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(ws.runs().list("joined")).extracting(Run::id).contains(a.id(), b.id());
        assertThat(ws.experiments().list()).extracting(e -> e.name()).containsOnlyOnce("joined");
    }

    @Test
    void cancelEndsTheRunAsCanceled() {
        WorkspaceScope ws = workspace();
        createCompute(ws);
        Path data = writeDataset(tempDir.resolve("data"));
        TrainingRun run = ws.runs().define(slowTraining(data)).inExperiment("cancel").beginCreate();
        run.cancel();
        Run ended = run.waitForCompletion(runTimeout());
        assertThat(ended.status()).isEqualTo(RunStatus.CANCELED);
        assertThatThrownBy(() -> run.downloadModel(tempDir.resolve("none"))).isInstanceOf(InvalidStateException.class);
    }

    @Test
    void invalidDatasetIsRejectedBeforeSubmission() throws Exception {
        WorkspaceScope ws = workspace();
        Path data = tempDir.resolve("bad");
        Files.createDirectories(data.resolve("only-label"));
        assertThatThrownBy(() -> ws.runs().define(quickTraining(data)).inExperiment("rejected").beginCreate())
                .isInstanceOf(DatasetValidationException.class).hasMessageContaining("only-label");
        assertThat(ws.runs().list()).isEmpty();
    }
}
