package dev.modelbuilder.core;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.util.Objects;

/**
 * A workspace's training runs: {@code define(spec).inExperiment(name)...beginCreate()} (submit), {@code get},
 * {@code list}, {@code cancel}, {@code delete}/{@code beginDelete}, and {@code resume} to follow a run again after a
 * restart (its resume token is its id).
 *
 * <pre>{@code
 * TrainingRun run = workspace.runs().define(TrainingSpec.fromData(Path.of("flowers")).build())
 *         .inExperiment("flowers")
 *         .withListener(event -> System.out.println(event))
 *         .beginCreate();
 * TrainedModel model = run.waitForModel(Duration.ofHours(1), Path.of("model"));
 * }</pre>
 */
public final class Runs {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final ProgressListener listener;

    Runs(ModelBuilderProvider provider, String workspace, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.listener = listener;
    }

    /**
     * @param spec what to train
     * @return a definition to complete with the experiment the run joins
     */
    public RunDefinition define(TrainingSpec spec) {
        return new RunDefinition(provider, workspace, Objects.requireNonNull(spec, "spec"), listener);
    }

    /**
     * @param runId a run id
     * @return the run now
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    public Run get(String runId) {
        return provider.runs().get(workspace, requireId(runId));
    }

    /** @return every run of the workspace, newest first, lazily */
    public PagedIterable<Run> list() {
        return provider.runs().list(workspace);
    }

    /**
     * @param experiment an experiment name
     * @return that experiment's runs, newest first, lazily
     */
    public PagedIterable<Run> list(String experiment) {
        return provider.runs().list(workspace, Rules.requireExperimentName(experiment));
    }

    /**
     * Follows a run again, e.g. after the process restarted: the resume token of a run is its id.
     *
     * @param runId a run id, e.g. from {@link TrainingRun#id()}
     * @return a handle on the run, reporting to this scope's listener
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    public TrainingRun resume(String runId) {
        return resume(runId, listener);
    }

    /**
     * @param runId a run id
     * @param progressListener told about the run from now on
     * @return a handle on the run
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    public TrainingRun resume(String runId, ProgressListener progressListener) {
        return provider.runs().attach(workspace, requireId(runId),
                Objects.requireNonNull(progressListener, "progressListener"));
    }

    /**
     * Asks for a run to be cancelled; does nothing to a run that already ended.
     *
     * @param runId a run id
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    public void cancel(String runId) {
        provider.runs().cancel(workspace, requireId(runId));
    }

    /**
     * Deletes a run with its files (a running one is cancelled first) and waits up to 30 minutes; succeeds when it
     * does not exist.
     *
     * @param runId a run id
     * @return whether there was one to delete
     */
    public Deletion delete(String runId) {
        return beginDelete(runId).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param runId a run id
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String runId) {
        return provider.runs().beginDelete(workspace, requireId(runId));
    }

    private static String requireId(String runId) {
        Objects.requireNonNull(runId, "runId");
        if (!runId.matches("[A-Za-z0-9_.:-]{1,255}")) {
            throw new ValidationException("run id", runId,
                    "use the id the provider gave the run (letters, digits, '_', '-', '.', ':')");
        }
        return runId;
    }
}
