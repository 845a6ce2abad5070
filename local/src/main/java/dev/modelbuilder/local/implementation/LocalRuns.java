package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.core.support.DaemonThreadFactory;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.local.implementation.Records.ErrorRecord;
import dev.modelbuilder.local.implementation.Records.OwnerRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import dev.modelbuilder.local.implementation.Records.WorkspaceRecord;
import dev.modelbuilder.pipeline.LabelMap;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local runs: a JSON record each, trained by {@link RunJob}s on a bounded pool of provider threads. A run whose
 * owning process is gone before it ended is recorded as failed (interrupted). Cancelling a run of another live
 * process writes a marker file that its job checks before every batch. Deleting runs (one, an experiment's, a
 * workspace's) stops those still going first.
 */
final class LocalRuns implements RunOperations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRuns.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private static final Duration STOP_POLL = Duration.ofMillis(200);

    private final LocalBackend backend;
    private final LocalStore store;
    private final AtomicFiles artifactFiles;
    private final ArtifactStager stager;
    private final ThreadPoolExecutor executor;
    private final Map<String, RunJob> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LocalRuns(LocalBackend backend, AtomicFiles artifactFiles, int maxConcurrentRuns, int maxQueuedRuns) {
        this.backend = backend;
        this.store = backend.store();
        this.artifactFiles = artifactFiles;
        this.stager = new ArtifactStager(artifactFiles);
        this.executor = new ThreadPoolExecutor(maxConcurrentRuns, maxConcurrentRuns, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxQueuedRuns), new DaemonThreadFactory("modelbuilder-local-run"));
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public TrainingRun submit(String workspace, String experiment, TrainingSpec training,
            ImageDataset dataset, ProgressListener listener) {
        if (closed) {
            throw new InvalidStateException("the local provider is closed; build a new one to submit runs");
        }
        // first, so that options made for another provider are refused before anything is created
        TrainingParameters settings = backend.settingsOf(training);
        store.requireWorkspace(workspace);
        String compute = training.computeIfSet().orElse(LocalBackend.CPU);
        if (training.computeIfSet().isPresent()) {
            if (compute.equals(LocalBackend.CPU)) {
                backend.computeOperations().createOrGet(workspace,
                        new ComputeSpec(LocalBackend.CPU, backend.cpuSize(), 0, 1, null, null));
            } else {
                backend.computes().get(workspace, compute);
            }
        }
        Instant now = backend.clock().instant();
        String id = "run-" + RUN_TIME.format(now) + "-"
                + String.format("%08x", ThreadLocalRandom.current().nextInt());
        RunRecord record = new RunRecord(id, experiment, workspace, RunStatus.QUEUED.value(), now.toString(), null,
                null, Map.of(), List.of(), null, OwnerRecord.current(backend.providerId()), dataset.labels(),
                dataset.source().toString(), settings.summary(training.validationSplit(), compute), false);
        RunJob job = new RunJob(store, backend.clock(), record, new TrainingSteps(training, dataset, settings, stager,
                backend.backboneCache()), ended -> jobs.remove(key(workspace, ended.id())));
        // the experiment and the run's record under one lock: an experiment being deleted sees the run, or the run
        // creates the experiment again
        synchronized (backend.lock()) {
            backend.experiments().getOrCreate(workspace, experiment);
            store.writeRun(record);
            jobs.put(key(workspace, id), job);
        }
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.QUEUE));
        job.addListener(listener);
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            job.cancel("the local provider is closed or its queue is full");
            throw new ModelBuilderException("local run " + id + " could not be queued: "
                    + (closed ? "the provider is closed" : "too many runs are waiting; wait for some to finish"), e);
        }
        return new LocalTrainingRun(backend, workspace, job.snapshot(), listener, true);
    }

    @Override
    public TrainingRun attach(String workspace, String runId, ProgressListener listener) {
        Run run = currentRun(workspace, runId);
        Optional<RunJob> job = job(workspace, runId);
        // a job of this provider tells the listener of the status now and of every change; else the handle does
        job.ifPresent(j -> j.addListener(listener));
        return new LocalTrainingRun(backend, workspace, run, listener, job.isPresent());
    }

    @Override
    public Run get(String workspace, String runId) {
        return currentRun(workspace, runId);
    }

    @Override
    public PagedIterable<Run> list(String workspace, String experiment) {
        return listWhere(workspace, r -> experiment.equals(r.experiment()));
    }

    @Override
    public PagedIterable<Run> list(String workspace) {
        return listWhere(workspace, r -> true);
    }

    private PagedIterable<Run> listWhere(String workspace, Predicate<RunRecord> which) {
        store.requireWorkspace(workspace);
        return LocalBackend.paged(() -> store.listRuns(workspace).stream().filter(which)
                .map(this::reconcile).map(RunJob::toRun)
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed()).toList());
    }

    /** Stops the run when it is still going, then deletes it with its files. */
    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String runId) {
        boolean existed = store.findWorkspace(workspace).isPresent() && LocalStore.RUN_ID.matcher(runId).matches()
                && deleteRuns(workspace, r -> r.id().equals(runId), () -> { }) > 0;
        return PollingOperation.completed("delete run " + runId, new Deletion("run", runId, existed),
                "delete-run:" + workspace + "/" + runId);
    }

    /**
     * Asks a run to stop: in this provider directly, in another live process through a marker file it checks
     * before every batch. A run that has already ended is left as it is.
     */
    @Override
    public void cancel(String workspace, String runId) {
        Optional<RunJob> job = job(workspace, runId);
        if (job.isPresent()) {
            job.get().cancel("cancelled by the user");
            return;
        }
        RunRecord r = reconcile(findRun(workspace, runId));
        if (!r.runStatus().isTerminal()) {
            Path marker = store.cancelMarker(workspace, runId);
            try {
                Files.writeString(marker, backend.clock().instant().toString());
            } catch (IOException e) {
                throw new FileAccessException(marker, "cannot ask local run " + runId + " to stop: " + e, e);
            }
        }
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the job, when the run trains in this provider
     */
    Optional<RunJob> job(String workspace, String runId) {
        return Optional.ofNullable(jobs.get(key(workspace, runId)));
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the run now
     * @throws ResourceNotFoundException when there is no such run
     */
    Run currentRun(String workspace, String runId) {
        Optional<RunJob> job = job(workspace, runId);
        if (job.isPresent()) {
            return job.get().snapshot();
        }
        return RunJob.toRun(reconcile(findRun(workspace, runId)));
    }

    private RunRecord findRun(String workspace, String runId) {
        store.requireWorkspace(workspace);
        return store.findRun(workspace, runId).orElseThrow(() -> new ResourceNotFoundException("run", runId,
                "in local workspace " + workspace));
    }

    /**
     * A run that is not terminal, is not trained by this provider and whose owning process is gone was interrupted
     * (the process crashed or was killed): it is recorded as failed.
     */
    private RunRecord reconcile(RunRecord r) {
        if (r.runStatus().isTerminal()) {
            return r;
        }
        RunJob job = jobs.get(key(r.workspace(), r.id()));
        if (job != null) {
            return job.record();
        }
        if (r.owner() != null && r.owner().isAlive()) {
            return r;
        }
        synchronized (backend.lock()) {
            RunRecord again = store.findRun(r.workspace(), r.id()).orElse(r);
            if (again.runStatus().isTerminal() || jobs.containsKey(key(r.workspace(), r.id()))) {
                return again;
            }
            RunRecord failed = again.ended(RunStatus.FAILED, backend.clock().instant().toString(),
                    new ErrorRecord("Interrupted", "the run was interrupted: the process that trained it"
                            + (again.owner() == null ? "" : " (pid " + again.owner().pid() + ")")
                            + " ended before the run finished (a crash, a kill or a shutdown); submit it again",
                            WorkStep.TRAIN.name()), false);
            try {
                store.writeRun(failed);
            } catch (RuntimeException e) {
                LOG.warn("could not record that local run {} was interrupted", r.id(), e);
            }
            return failed;
        }
    }

    /** Records every run whose process ended before it did as failed (interrupted). */
    void recoverInterruptedRuns() {
        for (WorkspaceRecord ws : store.listWorkspaces()) {
            for (RunRecord r : store.listRuns(ws.name())) {
                RunRecord now = reconcile(r);
                if (!now.status().equals(r.status())) {
                    LOG.warn("local run {} in workspace {} was {} when its process ended; recorded as {}", r.id(),
                            ws.name(), r.status(), now.status());
                }
            }
        }
    }

    /**
     * Deletes the runs of a workspace that {@code which} selects with their files, stopping those still going first
     * (see {@link #stop}). The last check and the deletion happen under the provider's lock, with {@code alsoThen}
     * (e.g. deleting their experiment's record), so that no run joins in between; a run that was submitted meanwhile
     * is stopped too.
     *
     * @param workspace an existing workspace
     * @param which the runs to delete
     * @param alsoThen what else to delete under the same lock
     * @return how many runs were deleted
     * @throws InvalidStateException when a run does not stop
     */
    int deleteRuns(String workspace, Predicate<RunRecord> which, Runnable alsoThen) {
        for (int attempt = 0; attempt < 3; attempt++) {
            for (RunRecord r : store.listRuns(workspace)) {
                if (which.test(r) && !reconcile(r).runStatus().isTerminal()) {
                    stop(workspace, r);
                }
            }
            synchronized (backend.lock()) {
                List<RunRecord> selected = store.listRuns(workspace).stream().filter(which).map(this::reconcile)
                        .toList();
                if (selected.stream().allMatch(r -> r.runStatus().isTerminal())) {
                    // a job that has just ended may not have left the map yet: a deleted run must not be found there
                    selected.forEach(r -> {
                        jobs.remove(key(workspace, r.id()));
                        store.deleteRun(workspace, r.id());
                    });
                    alsoThen.run();
                    return selected.size();
                }
            }
        }
        throw new InvalidStateException("runs kept being submitted to local workspace " + workspace
                + " while their runs were being deleted; try again");
    }

    /**
     * Stops a run that is still going and waits for it to end: a run of this provider is cancelled; a run of another
     * live process is asked through the marker file that process checks before every batch.
     *
     * @throws InvalidStateException when it has not ended within a minute
     */
    private void stop(String workspace, RunRecord run) {
        String reason = "it is being deleted";
        Optional<RunJob> job = job(workspace, run.id());
        if (job.isPresent()) {
            job.get().cancel(reason);
            awaitQuietly(job.get());
            if (!job.get().record().runStatus().isTerminal()) {
                throw new InvalidStateException("local run " + run.id() + " did not stop within " + CLOSE_WAIT
                        + "; try again once it ended");
            }
            return;
        }
        cancel(workspace, run.id());
        long deadline = System.nanoTime() + CLOSE_WAIT.toNanos();
        // gone counts as ended: the other process may have deleted it
        while (!store.findRun(workspace, run.id()).map(r -> reconcile(r).runStatus().isTerminal()).orElse(true)) {
            if (System.nanoTime() > deadline) {
                throw new InvalidStateException("local run " + run.id() + " is trained by another process"
                        + (run.owner() == null ? "" : " (pid " + run.owner().pid() + ")") + " that did not stop it"
                        + " within " + CLOSE_WAIT + "; try again once it ended");
            }
            try {
                Thread.sleep(STOP_POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelBuilderException("interrupted while waiting for local run " + run.id() + " to stop", e);
            }
        }
    }

    /**
     * Copies a run's artifacts into a folder (all written before any file there is replaced).
     *
     * @param workspace the workspace
     * @param runId the run id
     * @param directory the target folder
     * @return the model
     */
    TrainedModel copyArtifacts(String workspace, String runId, Path directory) {
        RunRecord r = findRun(workspace, runId);
        Path outputs = store.outputsDir(workspace, runId);
        TrainedModel source = TrainedModel.inDirectory(outputs, r.labels(), runId, r.metrics());
        if (!r.checkpoint() || !Files.isRegularFile(source.onnxModel())) {
            throw new InvalidStateException("local run " + runId + " has no saved model (status " + r.status() + ")");
        }
        TrainedModel target = TrainedModel.inDirectory(directory.toAbsolutePath(), r.labels(), runId, r.metrics());
        try {
            Files.createDirectories(target.directory());
            artifactFiles.copyAll(List.of(source.onnxModel(), source.labelMap(), source.pipeline()),
                    List.of(target.onnxModel(), target.labelMap(), target.pipeline()));
        } catch (IOException e) {
            throw new FileAccessException(directory, "could not write the model of local run " + runId + " into "
                    + directory + ": " + e.getMessage() + " (files already there were left as they were)", e);
        }
        LabelMap.read(target.labelMap()).requireSize(r.labels().size(), target.labelMap().toString());
        return target;
    }

    private static String key(String workspace, String runId) {
        return workspace + "/" + runId;
    }

    private static void awaitQuietly(RunJob job) {
        try {
            job.await(CLOSE_WAIT);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops every run (each stops before its next batch and ends as Canceled, keeping its best checkpoint) and
     * releases the threads. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        for (RunJob job : List.copyOf(jobs.values())) {
            job.cancel("the local provider was closed");
        }
        executor.shutdown();
        try {
            if (!executor.awaitTermination(CLOSE_WAIT.toSeconds(), TimeUnit.SECONDS)) {
                LOG.warn("local runs did not stop within {}; interrupting them", CLOSE_WAIT);
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
