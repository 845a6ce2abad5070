package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.OperationTimeoutException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A handle on a local run. When the run trains in this provider, waiting blocks on the run itself and the
 * listener hears everything as it happens; when another process trains it (or it already ended), the handle reads
 * the run's record from disk, every 200 ms while waiting, and tells the listener of status changes it sees.
 */
public final class LocalTrainingRun implements TrainingRun {
    private static final Duration POLL_INTERVAL = Duration.ofMillis(200);

    private final LocalBackend backend;
    private final String workspace;
    private final String id;
    private final ProgressListener listener;
    /** Whether a job of this process tells the listener of every status change (else polling does). */
    private final boolean jobTellsListener;
    private volatile Run last;

    LocalTrainingRun(LocalBackend backend, String workspace, String id, ProgressListener listener, Run first,
            boolean jobTellsListener) {
        this.backend = Objects.requireNonNull(backend, "backend");
        this.workspace = workspace;
        this.id = id;
        this.listener = listener == null ? ProgressListener.none() : listener;
        this.last = first;
        this.jobTellsListener = jobTellsListener;
    }

    @Override
    public String id() {
        return id;
    }

    @Override
    public Run snapshot() {
        return last;
    }

    @Override
    public Run refresh() {
        poll();
        return last;
    }

    @Override
    public OperationStatus poll() {
        Run previous = last;
        last = backend.currentRun(workspace, id);
        if (!jobTellsListener && !previous.status().equals(last.status())) {
            ProgressListener.emit(listener, new ProgressEvent.RunStatusChanged(id, previous.status(), last.status()));
        }
        return OperationStatus.ofRun(last.status());
    }

    @Override
    public OperationStatus status() {
        return OperationStatus.ofRun(last.status());
    }

    @Override
    public Run waitForCompletion(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                poll();
                if (last.isTerminal()) {
                    return last;
                }
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    throw new OperationTimeoutException("local run " + id, timeout);
                }
                var job = backend.job(workspace, id);
                if (job.isPresent()) {
                    job.get().await(Duration.ofNanos(left));
                } else {
                    Thread.sleep(Math.max(1, Math.min(POLL_INTERVAL.toMillis(), left / 1_000_000)));
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelBuilderException("interrupted while waiting for local run " + id
                    + "; it goes on: attach to it again with its id", e);
        }
    }

    @Override
    public Run finalResult() {
        if (!last.isTerminal()) {
            poll();
        }
        if (!last.isTerminal()) {
            throw new IllegalStateException("local run " + id + " has not finished (status " + last.status() + ")");
        }
        return last;
    }

    /** Asks the run to stop before its next batch; the best checkpoint so far is kept (see the provider). */
    @Override
    public void cancel() {
        backend.cancel(workspace, id);
        poll();
    }

    @Override
    public String resumeToken() {
        return id;
    }

    /**
     * Copies bestModel.onnx, bestModelMap.json and MLModel.zip into a folder. Only a completed run has a model to
     * download; a cancelled run's checkpoint is exported with {@code LocalProvider.exportCheckpoint}.
     *
     * @throws IllegalStateException when the run has not completed
     */
    @Override
    public TrainedModel downloadModel(Path directory) {
        Run run = refresh();
        if (!run.status().equals(RunStatus.COMPLETED)) {
            throw new IllegalStateException("local run " + id + " has no model to download: its status is "
                    + run.status() + (run.status().equals(RunStatus.CANCELED)
                            ? " (a cancelled run's best checkpoint, when it has one, is exported with"
                                    + " LocalProvider.exportCheckpoint)"
                            : run.failure().map(e -> " (" + e.describe() + ")").orElse("")));
        }
        return backend.copyArtifacts(workspace, id, directory);
    }
}
