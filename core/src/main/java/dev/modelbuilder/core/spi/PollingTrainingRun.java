package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.exception.InvalidStateException;

import dev.modelbuilder.core.support.Sleeper;

import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Objects;

/**
 * What every provider's {@link TrainingRun} shares: the id, the snapshot of the last poll, refresh, the resume token
 * (the run id), cancel-then-poll, the waiting loop of {@link PollingOperation}, and the rule that a run which ended
 * as failed or cancelled is a result, not an error. A provider says how to look at its run once, how to ask it to
 * stop, and how to fetch a completed run's model.
 *
 * <p>The listener hears the run's status as {@link ProgressEvent.RunStatusChanged}: the first status when the handle
 * is made, then each change a poll sees, after whatever step or metric events the provider emitted during that poll.
 * A provider whose job runs in this process and already tells the listener of every change turns this off.
 */
public abstract class PollingTrainingRun extends PollingOperation<Run> implements TrainingRun {
    private final String id;
    private volatile Run snapshot;

    /**
     * @param id the run id
     * @param first the run as known at submission or attachment
     * @param listener told of status changes (the provider reports steps, metrics and logs itself)
     * @param interval the time between polls while waiting
     * @param clock the clock for timeouts
     * @param sleeper how to wait between polls; a provider that trains in this process may return early when the
     *     run changes
     */
    protected PollingTrainingRun(String id, Run first, ProgressListener listener, Duration interval, Clock clock,
            Sleeper sleeper) {
        this(id, first, listener, interval, clock, sleeper, true);
    }

    /**
     * @param id the run id
     * @param first the run as known at submission or attachment
     * @param listener told of status changes when {@code reportStatus} (the provider reports steps, metrics and
     *     logs itself)
     * @param interval the time between polls while waiting
     * @param clock the clock for timeouts
     * @param sleeper how to wait between polls; a provider that trains in this process may return early when the
     *     run changes
     * @param reportStatus whether this handle tells the listener of the first status and of each change a poll
     *     sees; {@code false} when a job of the provider, in this process, already tells it of every change (the
     *     listener would otherwise hear each change twice)
     */
    protected PollingTrainingRun(String id, Run first, ProgressListener listener, Duration interval, Clock clock,
            Sleeper sleeper, boolean reportStatus) {
        super("run " + id, response(first), listener, interval, clock, sleeper, reportStatus);
        this.id = Objects.requireNonNull(id, "id");
        this.snapshot = first;
    }

    /**
     * Looks at the run once.
     *
     * @return the run now
     */
    protected abstract Run pollRun();

    /** Asks the provider to stop the run; the next poll shows how it ended. */
    protected abstract void requestCancel();

    /**
     * Writes a completed run's artifacts into a folder.
     *
     * @param completed the run, known to have completed successfully
     * @param directory the folder
     * @return the model
     */
    protected abstract TrainedModel download(Run completed, Path directory);

    /**
     * Says why a run that did not complete has no model; providers may add how to get its checkpoint.
     *
     * @param run the run, in a status other than completed
     * @return the explanation, starting with the run's status
     */
    protected String noModelReason(Run run) {
        return "its status is " + run.status() + run.failure().map(e -> " (" + e.describe() + ")").orElse("");
    }

    /**
     * Replaces the snapshot with a fuller view of the same state, e.g. metrics a provider read after construction.
     *
     * @param run the run, in the status of the current snapshot
     * @throws IllegalArgumentException when the status differs (a new status comes only from a poll)
     */
    protected final void updateSnapshot(Run run) {
        if (!run.status().equals(snapshot.status())) {
            throw new IllegalArgumentException("run " + id + ": a snapshot update cannot change the status from "
                    + snapshot.status() + " to " + run.status());
        }
        snapshot = run;
    }

    @Override
    protected final PollResponse<Run> pollOnce() {
        Run run = pollRun();
        snapshot = run;
        return response(run);
    }

    /** Reports the run's own status ({@link ProgressEvent.RunStatusChanged}) rather than the operation's. */
    @Override
    protected final ProgressEvent statusEvent(PollResponse<Run> previous, PollResponse<Run> current) {
        RunStatus before = previous == null ? null : previous.value().status();
        RunStatus now = current.value().status();
        return now.equals(before) ? null : new ProgressEvent.RunStatusChanged(current.value().id(), before, now);
    }

    private static PollResponse<Run> response(Run run) {
        ServiceErrorDetails error = run.error() == null ? null
                : new ServiceErrorDetails(0, run.error().code(), run.error().message(), null);
        return new PollResponse<>(OperationStatus.ofRun(run.status()), run, null, error);
    }

    @Override
    public final String id() {
        return id;
    }

    @Override
    public final Run snapshot() {
        return snapshot;
    }

    @Override
    public final Run refresh() {
        poll();
        return snapshot;
    }

    @Override
    public final String resumeToken() {
        return id;
    }

    /** A run is resumed by attaching to it with its id (the resume token). */
    @Override
    protected final String resumeHint() {
        return "attach to it again with its id";
    }

    /** A run that ended as failed or cancelled is returned, not thrown (see {@link TrainingRun}). */
    @Override
    public final Run finalResult() {
        if (!status().isTerminal()) {
            throw new InvalidStateException("run " + id + " has not finished (status " + snapshot.status() + ")");
        }
        return snapshot;
    }

    @Override
    public final void cancel() {
        requestCancel();
        poll();
    }

    /**
     * {@inheritDoc}
     *
     * <p>The run is looked at once more first unless it had already ended.
     *
     * @throws dev.modelbuilder.core.exception.InvalidStateException when the run has not completed successfully; the message says its status
     */
    @Override
    public final TrainedModel downloadModel(Path directory) {
        Objects.requireNonNull(directory, "directory");
        Run run = snapshot.isTerminal() ? snapshot : refresh();
        if (!run.status().equals(RunStatus.COMPLETED)) {
            throw new InvalidStateException("run " + id + " has no model to download: " + noModelReason(run));
        }
        return download(run, directory);
    }
}
