package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.core.support.DaemonThreadFactory;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Local runs: a JSON record each, trained by {@link RunJob}s on a bounded pool of provider threads. A run whose
 * owning process is gone before it ended is recorded as failed (interrupted). Cancelling a run of another live
 * process writes a marker file that its job checks before every batch.
 */
final class LocalRuns implements RunOperations, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(LocalRuns.class);
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final LocalBackend backend;
    private final LocalStore store;
    private final AtomicFiles artifactFiles;
    private final int threads;
    private final ThreadPoolExecutor executor;
    private final Map<String, RunJob> jobs = new ConcurrentHashMap<>();
    private volatile boolean closed;

    LocalRuns(LocalBackend backend, AtomicFiles artifactFiles, int threads, int maxConcurrentRuns,
            int maxQueuedRuns) {
        this.backend = backend;
        this.store = backend.store();
        this.artifactFiles = artifactFiles;
        this.threads = threads;
        this.executor = new ThreadPoolExecutor(maxConcurrentRuns, maxConcurrentRuns, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxQueuedRuns), new DaemonThreadFactory("modelbuilder-local-run"));
        executor.allowCoreThreadTimeOut(true);
    }

    @Override
    public TrainingRun submit(String workspace, String experiment, ImageClassificationTraining training,
            ImageFolderDataset dataset, ProgressListener listener) {
        if (closed) {
            throw new IllegalStateException("the local provider is closed");
        }
        store.requireWorkspace(workspace);
        if (training.computeName() != null) {
            if (training.computeName().equals(LocalBackend.CPU)) {
                backend.computeOperations().createOrGet(workspace,
                        new ComputeSpec(LocalBackend.CPU, backend.cpuSize(), 0, 1, null, null));
            } else {
                backend.computes().get(workspace, training.computeName());
            }
        }
        TrainingSettings settings = TrainingSettings.from(training, threads);
        backend.experiments().getOrCreate(workspace, experiment);
        Instant now = backend.clock().instant();
        String id = "run-" + RUN_TIME.format(now) + "-"
                + String.format("%08x", ThreadLocalRandom.current().nextInt());
        RunRecord record = new RunRecord(id, experiment, workspace, RunStatus.QUEUED.value(), now.toString(), null,
                null, Map.of(), List.of(), null, OwnerRecord.current(backend.providerId()), dataset.labels(),
                dataset.root().toString(), summary(settings, training), false);
        RunJob job = new RunJob(store, artifactFiles, backend.clock(), record, training, dataset, settings,
                ended -> jobs.remove(key(workspace, ended.id())));
        synchronized (backend.lock()) {
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

    private static Map<String, Object> summary(TrainingSettings settings, ImageClassificationTraining training) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("architecture", settings.architecture());
        summary.put("imageSize", settings.imageSize());
        summary.put("width", settings.width());
        summary.put("batchSize", settings.batchSize());
        summary.put("learningRate", settings.learningRate());
        summary.put("weightDecay", settings.weightDecay());
        summary.put("maxEpochs", settings.maxEpochs());
        summary.put("timeBudget", settings.timeBudget().toString());
        summary.put("patience", settings.patience());
        summary.put("validationSplit", training.validationSplit());
        summary.put("seed", settings.seed());
        summary.put("threads", settings.threads());
        summary.put("compute", training.computeName() == null ? LocalBackend.CPU : training.computeName());
        return summary;
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
        store.requireWorkspace(workspace);
        return LocalBackend.paged(() -> store.listRuns(workspace).stream()
                .filter(r -> experiment.equals(r.experiment()))
                .map(this::reconcile).map(RunJob::toRun)
                .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed()).toList());
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
            try {
                Files.writeString(store.cancelMarker(workspace, runId), backend.clock().instant().toString());
            } catch (IOException e) {
                throw new ModelBuilderException("cannot ask local run " + runId + " to stop: " + e.getMessage(), e);
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
     * Cancels the runs of a workspace that train in this provider and waits for each to end.
     *
     * @param workspace the workspace
     */
    void cancelAndAwaitWorkspace(String workspace) {
        for (RunJob job : List.copyOf(jobs.values())) {
            if (job.record().workspace().equals(workspace)) {
                job.cancel("its workspace is being deleted");
                awaitQuietly(job);
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
            throw new IllegalStateException("local run " + runId + " has no saved model (status " + r.status() + ")");
        }
        TrainedModel target = TrainedModel.inDirectory(directory.toAbsolutePath(), r.labels(), runId, r.metrics());
        try {
            Files.createDirectories(target.directory());
            artifactFiles.copyAll(List.of(source.onnxModel(), source.labelMap(), source.pipeline()),
                    List.of(target.onnxModel(), target.labelMap(), target.pipeline()));
        } catch (IOException e) {
            throw new ModelBuilderException("could not write the model of local run " + runId + " into " + directory
                    + ": " + e.getMessage() + " (files already there were left as they were)", e);
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
