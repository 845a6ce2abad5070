package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.local.implementation.Records.ErrorRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle of one run executing in this process: queued, then running its {@link TrainingSteps} on a provider
 * thread, then ended. It owns the run's status, its listeners, cancellation and its record, which it writes at every
 * status change and after every epoch. A cancellation request (in process, or a {@code cancel-requested} marker from
 * another process) is seen by the steps before their next batch; the run then ends as Canceled.
 *
 * <p>The steps report through {@link #events()}, and what the record needs is taken from those events: each epoch's
 * metrics (the {@code MetricLogged} events of one step, recorded at the next event), and the step a failure belongs
 * to (the last one started). Thread-safe.
 */
final class RunJob implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);

    private final LocalStore store;
    private final Clock clock;
    private final TrainingSteps steps;
    private final Consumer<RunJob> onEnded;
    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Object lock = new Object();
    private final Path cancelMarker;
    private volatile RunRecord record;
    private volatile boolean cancelRequested;
    private volatile String cancelReason = "cancelled by the user";
    // derived from the steps' events; guarded by lock
    private WorkStep currentStep = WorkStep.TRAIN;
    private final Map<String, Double> epochMetrics = new LinkedHashMap<>();
    private int metricsStep = -1;

    /**
     * @param store where the record lives
     * @param clock wall-clock time for the record
     * @param record the queued record (already written)
     * @param steps what the run does
     * @param onEnded told once when the run reached a terminal status
     */
    RunJob(LocalStore store, Clock clock, RunRecord record, TrainingSteps steps, Consumer<RunJob> onEnded) {
        this.store = store;
        this.clock = clock;
        this.record = record;
        this.steps = steps;
        this.onEnded = onEnded;
        this.cancelMarker = store.cancelMarker(record.workspace(), record.id());
    }

    /** @return the run id */
    String id() {
        return record.id();
    }

    /** @return the run's record now */
    RunRecord record() {
        return record;
    }

    /** @return the run now */
    Run snapshot() {
        return toRun(record);
    }

    /**
     * Adds a listener and tells it the current status.
     *
     * @param listener the listener
     */
    void addListener(ProgressListener listener) {
        if (listener == null) {
            return;
        }
        synchronized (lock) {
            if (!record.runStatus().isTerminal()) {
                listeners.add(listener);
            }
            ProgressListener.emit(listener, new ProgressEvent.RunStatusChanged(id(), null, record.runStatus()));
        }
    }

    /**
     * Waits for the run to end.
     *
     * @param timeout the longest wait
     * @return whether it ended
     * @throws InterruptedException when interrupted
     */
    boolean await(Duration timeout) throws InterruptedException {
        return ended.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * Asks the run to stop: a queued run ends as Canceled at once, a training run stops before its next batch.
     *
     * @param reason why, for the log
     */
    void cancel(String reason) {
        synchronized (lock) {
            RunStatus s = record.runStatus();
            if (s.isTerminal() || cancelRequested) {
                return;
            }
            cancelRequested = true;
            cancelReason = reason;
            if (s.equals(RunStatus.QUEUED) || s.equals(RunStatus.NOT_STARTED)) {
                end(RunStatus.CANCELED, null, false, WorkStep.QUEUE);
                return;
            }
            if (s.equals(RunStatus.RUNNING)) {
                transition(RunStatus.CANCEL_REQUESTED);
            }
        }
        log("cancellation requested: " + reason);
    }

    /** @return whether the run was asked to stop, here or by another process */
    boolean shouldStop() {
        return cancelRequested || Files.exists(cancelMarker);
    }

    @Override
    public void run() {
        synchronized (lock) {
            if (record.runStatus().isTerminal()) {
                return;
            }
            emit(new ProgressEvent.StepCompleted(WorkStep.QUEUE, Duration.between(Instant.parse(record.createdAt()),
                    clock.instant())));
            record = record.withStartedAt(clock.instant().toString());
            transition(RunStatus.RUNNING);
        }
        try {
            TrainingSteps.Ending ending = steps.run(this);
            synchronized (lock) {
                end(ending.status(), null, ending.checkpoint(), currentStep);
            }
        } catch (TrainingData.UnreadableImagesException e) {
            fail("UnreadableImages", e.getMessage());
        } catch (ArtifactStager.ArtifactWriteException e) {
            fail("ArtifactWriteFailed", e.getMessage());
        } catch (CancellationException e) {
            synchronized (lock) {
                end(RunStatus.CANCELED, null, false, currentStep);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lock) {
                end(RunStatus.CANCELED, null, false, currentStep);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("local run {} failed in step {}", id(), currentStep().displayName(), e);
            fail("TrainingFailed", String.valueOf(e.getMessage() == null ? e : e.getMessage()));
        }
    }

    // ---- what the steps use

    /**
     * @return where the steps report: each event is told to the listeners (a failing listener is logged, not
     *     thrown), and recorded as the run needs it; a failure to write the record propagates to the step
     */
    ProgressListener events() {
        return this::onStepEvent;
    }

    /** @return the run's {@code outputs/} folder */
    Path outputs() {
        return store.outputsDir(record.workspace(), id());
    }

    /** @return each recorded epoch's metrics, in order */
    List<Map<String, Double>> history() {
        synchronized (lock) {
            recordEpoch();
            return record.history();
        }
    }

    /**
     * Records a setting the run chose while running, e.g. its backbone.
     *
     * @param key the settings entry
     * @param value its value (JSON-serializable)
     */
    void recordSetting(String key, Object value) {
        synchronized (lock) {
            recordEpoch();
            record = record.withSetting(key, value);
            store.writeRun(record);
        }
    }

    /**
     * Records the run's result metrics (a run trained in epochs: its best epoch's), without adding an epoch.
     *
     * @param metrics the metrics
     */
    void recordResult(Map<String, Double> metrics) {
        synchronized (lock) {
            recordEpoch();
            record = record.withMetrics(metrics, null);
            store.writeRun(record);
        }
    }

    /** Training is over and the model is being packaged: status Finalizing. */
    void finalizing() {
        synchronized (lock) {
            recordEpoch();
            transition(RunStatus.FINALIZING);
        }
    }

    // ---- internals

    private void onStepEvent(ProgressEvent event) {
        synchronized (lock) {
            if (event instanceof ProgressEvent.MetricLogged m && m.runId().equals(id())) {
                if (m.step() != metricsStep) {
                    recordEpoch();
                    metricsStep = m.step();
                }
                epochMetrics.put(m.name(), m.value());
            } else {
                // an epoch's metrics come together, so the first other event closes the epoch
                recordEpoch();
                if (event instanceof ProgressEvent.StepStarted s) {
                    currentStep = s.step();
                }
            }
        }
        if (event instanceof ProgressEvent.LogLine line) {
            LOG.info("{}: {}", id(), line.line());
        }
        emit(event);
    }

    /** Caller holds the lock. Writes the epoch whose metrics came in, if any. */
    private void recordEpoch() {
        if (epochMetrics.isEmpty()) {
            return;
        }
        Map<String, Double> epoch = new LinkedHashMap<>(epochMetrics);
        epochMetrics.clear();
        record = record.withMetrics(epoch, epoch);
        store.writeRun(record);
    }

    private WorkStep currentStep() {
        synchronized (lock) {
            return currentStep;
        }
    }

    private void fail(String code, String message) {
        synchronized (lock) {
            end(RunStatus.FAILED, new ErrorRecord(code, message, currentStep.name()), false, currentStep);
        }
    }

    /** Caller holds the lock. */
    private void transition(RunStatus next) {
        RunStatus previous = record.runStatus();
        record = record.withStatus(next);
        store.writeRun(record);
        emit(new ProgressEvent.RunStatusChanged(id(), previous, next));
    }

    /** Caller holds the lock. */
    private void end(RunStatus status, ErrorRecord error, boolean checkpoint, WorkStep step) {
        if (record.runStatus().isTerminal()) {
            return;
        }
        try {
            recordEpoch();
        } catch (RuntimeException e) {
            LOG.warn("could not record the last epoch of local run {}", id(), e);
        }
        RunStatus previous = record.runStatus();
        RunRecord last = record.ended(status, clock.instant().toString(), error, checkpoint);
        try {
            store.writeRun(last);
        } catch (RuntimeException e) {
            LOG.error("could not record the end of local run {}", id(), e);
        }
        // shown only once written: whoever sees the run ended (a handle polls the job) finds it ended on disk too,
        // with its checkpoint, e.g. exportCheckpoint and copyArtifacts, which read the record
        record = last;
        try {
            Files.deleteIfExists(cancelMarker);
        } catch (IOException e) {
            LOG.debug("could not delete {}", cancelMarker, e);
        }
        if (error != null) {
            emit(new ProgressEvent.StepFailed(step, error.code() + ": " + error.message()));
        } else if (status.equals(RunStatus.CANCELED)) {
            emit(new ProgressEvent.LogLine(id(), "run canceled: " + cancelReason));
        }
        emit(new ProgressEvent.RunStatusChanged(id(), previous, status));
        listeners.clear();
        ended.countDown();
        onEnded.accept(this);
    }

    private void emit(ProgressEvent event) {
        for (ProgressListener l : listeners) {
            ProgressListener.emit(l, event);
        }
    }

    /** A line of the job's own (not of a step's: it may come from another thread, amid an epoch's metrics). */
    private void log(String line) {
        LOG.info("{}: {}", id(), line);
        emit(new ProgressEvent.LogLine(id(), line));
    }

    /**
     * @param r a record
     * @return the core view of it
     */
    static Run toRun(RunRecord r) {
        Objects.requireNonNull(r, "r");
        return new Run(r.id(), r.experiment(), r.workspace(), r.runStatus(), instant(r.createdAt()),
                instant(r.startedAt()), instant(r.endedAt()), null, r.metrics(),
                r.error() == null ? null : r.error().toRunError());
    }

    private static Instant instant(String s) {
        return s == null ? null : Instant.parse(s);
    }
}
