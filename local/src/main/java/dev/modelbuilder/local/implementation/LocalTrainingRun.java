package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.spi.PollingTrainingRun;
import dev.modelbuilder.core.support.Sleeper;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * A handle on a local run, on the shared {@link PollingTrainingRun}. Each poll reads the run: from its job when the
 * run trains in this provider, else from its record on disk. Waiting polls every 200 ms, and wakes at once when a
 * job of this provider ends. When the run trains here, the job tells the listener of every status change itself
 * (in step with its step and log events), so the handle does not; when another process trains it (or it had already
 * ended), the handle tells the listener of the status changes it sees on disk.
 */
final class LocalTrainingRun extends PollingTrainingRun {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final LocalBackend backend;
    private final String workspace;

    /**
     * @param backend the provider
     * @param workspace the workspace
     * @param first the run as known now
     * @param listener the listener
     * @param jobTellsListener whether a job of this provider trains the run and tells the listener of every status
     *     change (else this handle does)
     */
    LocalTrainingRun(LocalBackend backend, String workspace, Run first, ProgressListener listener,
            boolean jobTellsListener) {
        super(first.id(), first, listener, POLL_INTERVAL, Clock.systemUTC(),
                sleeper(Objects.requireNonNull(backend, "backend"), workspace, first.id()), !jobTellsListener);
        this.backend = backend;
        this.workspace = workspace;
    }

    /**
     * Waits up to the poll interval, less when a job of this provider trains the run and ends meanwhile. The job is
     * looked up at each wait: once it ended it is gone, and the record on disk is polled.
     */
    private static Sleeper sleeper(LocalBackend backend, String workspace, String id) {
        Sleeper system = Sleeper.system();
        return duration -> {
            Optional<RunJob> job = backend.job(workspace, id);
            if (job.isPresent()) {
                job.get().await(duration);
            } else {
                system.sleep(duration);
            }
        };
    }

    @Override
    protected Run pollRun() {
        return backend.currentRun(workspace, id());
    }

    /** Asks the run to stop before its next batch; the best checkpoint so far is kept (see the provider). */
    @Override
    protected void requestCancel() {
        backend.cancel(workspace, id());
    }

    /** Copies bestModel.onnx, bestModelMap.json and MLModel.zip into the folder. */
    @Override
    protected TrainedModel download(Run completed, Path directory) {
        return backend.copyArtifacts(workspace, id(), directory);
    }

    /** A cancelled run may have kept its best checkpoint, which {@code LocalProvider.exportCheckpoint} exports. */
    @Override
    protected String noModelReason(Run run) {
        if (run.status().equals(RunStatus.CANCELED)) {
            return "its status is " + run.status() + " (a cancelled run's best checkpoint, when it has one, is"
                    + " exported with LocalProvider.exportCheckpoint)";
        }
        return super.noModelReason(run);
    }
}
