package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.LongRunningOperation;
import dev.modelbuilder.core.Page;
import dev.modelbuilder.core.PagedIterable;
import dev.modelbuilder.core.ProgressEvent;
import dev.modelbuilder.core.ProgressListener;
import dev.modelbuilder.core.TrainingRun;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ComputeState;
import dev.modelbuilder.core.model.ComputeTier;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingStep;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.Deletion;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.local.implementation.Records.ComputeRecord;
import dev.modelbuilder.local.implementation.Records.ErrorRecord;
import dev.modelbuilder.local.implementation.Records.ExperimentRecord;
import dev.modelbuilder.local.implementation.Records.OwnerRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import dev.modelbuilder.local.implementation.Records.WorkspaceRecord;
import dev.modelbuilder.pipeline.LabelMap;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local provider's machinery: workspaces, computes and experiments as JSON files under a root folder, runs
 * trained on a bounded pool of provider threads. {@code LocalProvider} is its public face. Thread-safe.
 */
public final class LocalBackend implements ModelBuilderProvider {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
    /** The CPU compute's (and size's) name. */
    public static final String CPU = "local-cpu";
    private static final int PAGE_SIZE = 50;
    private static final Duration CLOSE_WAIT = Duration.ofSeconds(60);
    private static final DateTimeFormatter RUN_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")
            .withZone(ZoneOffset.UTC);

    private final LocalStore store;
    private final AtomicFiles artifactFiles;
    private final int threads;
    private final Clock clock;
    private final String providerId = UUID.randomUUID().toString();
    private final ComputeSize cpuSize;
    private final ThreadPoolExecutor executor;
    private final Map<String, RunJob> jobs = new ConcurrentHashMap<>();
    private final Object runLock = new Object();
    private volatile boolean closed;

    /**
     * @param root the root folder
     * @param threads PyTorch threads per run
     * @param maxConcurrentRuns runs that train at the same time; more wait in a queue
     * @param maxQueuedRuns runs that may wait
     * @param artifactFiles how model artifacts are written (a seam for failure tests)
     * @param clock wall-clock time
     */
    public LocalBackend(Path root, int threads, int maxConcurrentRuns, int maxQueuedRuns, AtomicFiles artifactFiles,
            Clock clock) {
        this.store = new LocalStore(root, AtomicFiles.system());
        this.artifactFiles = Objects.requireNonNull(artifactFiles, "artifactFiles");
        this.threads = threads;
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cpuSize = cpuSize(store.root());
        AtomicInteger count = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(maxConcurrentRuns, maxConcurrentRuns, 30, TimeUnit.SECONDS,
                new LinkedBlockingQueue<>(maxQueuedRuns), r -> {
                    Thread t = new Thread(r, "modelbuilder-local-run-" + count.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
        executor.allowCoreThreadTimeOut(true);
        try {
            Files.createDirectories(store.root());
        } catch (IOException e) {
            throw new ModelBuilderException("cannot create the local provider's folder " + store.root() + ": "
                    + e.getMessage(), e);
        }
        recoverInterruptedRuns();
    }

    /** @return the root folder */
    public Path root() {
        return store.root();
    }

    /** @return the size describing this machine's CPU */
    public ComputeSize cpuSize() {
        return cpuSize;
    }

    /** @return the store, for tests and tools */
    public LocalStore store() {
        return store;
    }

    private static ComputeSize cpuSize(Path root) {
        double memoryGiB = 1;
        if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
            memoryGiB = Math.max(1, Math.round(os.getTotalMemorySize() / (1024.0 * 1024 * 1024) * 10) / 10.0);
        }
        int diskGiB = 0;
        try {
            Path existing = root.toAbsolutePath();
            while (existing != null && !Files.exists(existing)) {
                existing = existing.getParent();
            }
            if (existing != null) {
                diskGiB = (int) Math.min(Integer.MAX_VALUE, Files.getFileStore(existing).getUsableSpace()
                        / (1024L * 1024 * 1024));
            }
        } catch (IOException e) {
            LOG.debug("cannot measure free disk space at {}", root, e);
        }
        return new ComputeSize(CPU, "local", Runtime.getRuntime().availableProcessors(), memoryGiB, diskGiB, 0, 0, 0,
                0, null, null, List.of());
    }

    @Override
    public String name() {
        return "local";
    }

    // ------------------------------------------------------------------ workspaces

    @Override
    public WorkspaceOperations workspaces() {
        return new WorkspaceOperations() {
            @Override
            public LongRunningOperation<Workspace> beginCreateOrGet(WorkspaceSpec spec, ProgressListener listener) {
                Workspace ws;
                synchronized (runLock) {
                    WorkspaceRecord existing = store.findWorkspace(spec.name()).orElse(null);
                    if (existing == null) {
                        existing = new WorkspaceRecord(spec.name(), spec.region() == null ? "local" : spec.region(),
                                spec.resourceGroup(), spec.description(), spec.tags(), clock.instant().toString());
                        store.writeWorkspace(existing);
                    }
                    ws = toWorkspace(existing);
                }
                return PollingOperation.completed("create workspace " + spec.name(), ws, "workspace:" + spec.name());
            }

            @Override
            public LongRunningOperation<Workspace> resumeCreateOrGet(String resumeToken) {
                if (resumeToken == null || !resumeToken.startsWith("workspace:")) {
                    throw new ValidationException("resume token", resumeToken,
                            "use a token from a local create-workspace operation");
                }
                String name = resumeToken.substring("workspace:".length());
                return PollingOperation.completed("create workspace " + name, get(name), resumeToken);
            }

            @Override
            public Workspace get(String name) {
                return toWorkspace(store.requireWorkspace(name));
            }

            @Override
            public PagedIterable<Workspace> list() {
                return paged(() -> store.listWorkspaces().stream().map(LocalBackend.this::toWorkspace).toList());
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String name) {
                for (RunJob job : List.copyOf(jobs.values())) {
                    if (job.record().workspace().equals(name)) {
                        job.cancel("its workspace is being deleted");
                        awaitQuietly(job);
                    }
                }
                boolean existed;
                synchronized (runLock) {
                    existed = store.deleteWorkspace(name);
                }
                return PollingOperation.completed("delete workspace " + name,
                        new Deletion("workspace", name, existed), "delete-workspace:" + name);
            }
        };
    }

    private Workspace toWorkspace(WorkspaceRecord r) {
        return new Workspace(r.name(), r.region(), r.resourceGroup(), store.workspaceDir(r.name()).toString(),
                "Succeeded", null, r.tags());
    }

    // ------------------------------------------------------------------ computes

    @Override
    public ComputeOperations computes() {
        return new ComputeOperations() {
            @Override
            public LongRunningOperation<Compute> beginCreateOrGet(String workspace, ComputeSpec spec,
                    ProgressListener listener) {
                store.requireWorkspace(workspace);
                requireCpuSize(spec.size());
                Compute c = createOrGetCompute(workspace, spec);
                return PollingOperation.completed("create compute " + spec.name(), c,
                        "compute:" + workspace + "/" + spec.name());
            }

            @Override
            public LongRunningOperation<Compute> resumeCreateOrGet(String resumeToken) {
                if (resumeToken == null || !resumeToken.matches("compute:[^/]+/[^/]+")) {
                    throw new ValidationException("resume token", resumeToken,
                            "use a token from a local create-compute operation");
                }
                String[] parts = resumeToken.substring("compute:".length()).split("/");
                return PollingOperation.completed("create compute " + parts[1], get(parts[0], parts[1]),
                        resumeToken);
            }

            @Override
            public Compute get(String workspace, String name) {
                store.requireWorkspace(workspace);
                return store.findCompute(workspace, name).map(r -> toCompute(workspace, r))
                        .orElseThrow(() -> new ResourceNotFoundException("compute", name, "in local workspace "
                                + workspace + ": create it with computes().define(\"" + name
                                + "\").withSize(\"" + CPU + "\")"));
            }

            @Override
            public PagedIterable<Compute> list(String workspace) {
                store.requireWorkspace(workspace);
                return paged(() -> store.listComputes(workspace).stream().map(r -> toCompute(workspace, r)).toList());
            }

            @Override
            public LongRunningOperation<Compute> beginResize(String workspace, String name, int minNodes,
                    int maxNodes) {
                Compute c = get(workspace, name);
                ComputeRecord r = new ComputeRecord(c.name(), CPU, minNodes, maxNodes,
                        c.idleTimeBeforeScaleDown().getSeconds(), c.tier().name(),
                        store.findCompute(workspace, name).map(ComputeRecord::createdAt).orElse(null));
                store.writeCompute(workspace, r);
                return PollingOperation.completed("resize compute " + name, toCompute(workspace, r),
                        "compute:" + workspace + "/" + name);
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
                boolean existed = store.findWorkspace(workspace).isPresent() && store.deleteCompute(workspace, name);
                return PollingOperation.completed("delete compute " + name, new Deletion("compute", name, existed),
                        "delete-compute:" + workspace + "/" + name);
            }

            @Override
            public List<ComputeSize> availableSizes(String workspace) {
                return List.of(cpuSize);
            }
        };
    }

    private void requireCpuSize(ComputeSize size) {
        if (size != null && size.isNamed(CPU)) {
            return;
        }
        String name = size == null ? null : size.name();
        String why = size != null && size.isRetired() ? " (it was also retired on " + size.retiredOn() + ")" : "";
        throw new ValidationException("compute size", name, "the local backend trains on this machine's CPU: use"
                + " size '" + CPU + "' (" + cpuSize.vcpus() + " vCPUs, " + cpuSize.memoryGiB() + " GiB); GPU"
                + " sizes are for the Azure backend" + why);
    }

    private Compute createOrGetCompute(String workspace, ComputeSpec spec) {
        synchronized (runLock) {
            ComputeRecord r = store.findCompute(workspace, spec.name()).orElse(null);
            if (r == null) {
                r = new ComputeRecord(spec.name(), CPU, spec.minNodes(), spec.maxNodes(),
                        spec.idleTimeBeforeScaleDown().getSeconds(), spec.tier().name(), clock.instant().toString());
                store.writeCompute(workspace, r);
            }
            return toCompute(workspace, r);
        }
    }

    private Compute toCompute(String workspace, ComputeRecord r) {
        ComputeTier tier = r.tier() == null ? ComputeTier.DEDICATED : ComputeTier.valueOf(r.tier());
        return new Compute(r.name(), workspace, CPU, cpuSize, r.minNodes(), r.maxNodes(),
                Duration.ofSeconds(Math.max(1, r.idleSeconds())), tier, ComputeState.SUCCEEDED, 1,
                "local:" + workspace + "/computes/" + r.name());
    }

    // ------------------------------------------------------------------ experiments

    @Override
    public ExperimentOperations experiments() {
        return new ExperimentOperations() {
            @Override
            public Experiment getOrCreate(String workspace, String name) {
                store.requireWorkspace(workspace);
                synchronized (runLock) {
                    ExperimentRecord r = store.findExperiment(workspace, name).orElse(null);
                    if (r == null) {
                        r = new ExperimentRecord(name, clock.instant().toString());
                        store.writeExperiment(workspace, r);
                    }
                    return new Experiment(r.name(), workspace, Instant.parse(r.createdAt()));
                }
            }

            @Override
            public Experiment get(String workspace, String name) {
                store.requireWorkspace(workspace);
                return store.findExperiment(workspace, name)
                        .map(r -> new Experiment(r.name(), workspace, Instant.parse(r.createdAt())))
                        .orElseThrow(() -> new ResourceNotFoundException("experiment", name, "in local workspace "
                                + workspace + ": submit a run to create it"));
            }

            @Override
            public PagedIterable<Experiment> list(String workspace) {
                store.requireWorkspace(workspace);
                return paged(() -> store.listExperiments(workspace).stream()
                        .map(r -> new Experiment(r.name(), workspace, Instant.parse(r.createdAt()))).toList());
            }
        };
    }

    // ------------------------------------------------------------------ runs

    @Override
    public RunOperations runs() {
        return new RunOperations() {
            @Override
            public TrainingRun submit(String workspace, String experiment, ImageClassificationTraining training,
                    ImageFolderDataset dataset, ProgressListener listener) {
                return LocalBackend.this.submit(workspace, experiment, training, dataset, listener);
            }

            @Override
            public TrainingRun attach(String workspace, String runId, ProgressListener listener) {
                Run run = currentRun(workspace, runId);
                Optional<RunJob> job = job(workspace, runId);
                if (job.isPresent()) {
                    job.get().addListener(listener);
                } else {
                    ProgressListener.emit(listener, new ProgressEvent.RunStatusChanged(runId, null, run.status()));
                }
                return new LocalTrainingRun(LocalBackend.this, workspace, runId, listener, run);
            }

            @Override
            public Run get(String workspace, String runId) {
                return currentRun(workspace, runId);
            }

            @Override
            public PagedIterable<Run> list(String workspace, String experiment) {
                store.requireWorkspace(workspace);
                return paged(() -> store.listRuns(workspace).stream().filter(r -> experiment.equals(r.experiment()))
                        .map(LocalBackend.this::reconcile).map(RunJob::toRun)
                        .sorted(Comparator.comparing(Run::createdAt).thenComparing(Run::id).reversed()).toList());
            }

            @Override
            public void cancel(String workspace, String runId) {
                LocalBackend.this.cancel(workspace, runId);
            }
        };
    }

    private TrainingRun submit(String workspace, String experiment, ImageClassificationTraining training,
            ImageFolderDataset dataset, ProgressListener listener) {
        if (closed) {
            throw new IllegalStateException("the local provider is closed");
        }
        store.requireWorkspace(workspace);
        if (training.computeName() != null) {
            if (training.computeName().equals(CPU)) {
                createOrGetCompute(workspace, new ComputeSpec(CPU, cpuSize, 0, 1, null, null));
            } else {
                computes().get(workspace, training.computeName());
            }
        }
        TrainingSettings settings = TrainingSettings.from(training, threads);
        experiments().getOrCreate(workspace, experiment);
        Instant now = clock.instant();
        String id = "run-" + RUN_TIME.format(now) + "-"
                + String.format("%08x", ThreadLocalRandom.current().nextInt());
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
        summary.put("compute", training.computeName() == null ? CPU : training.computeName());
        RunRecord record = new RunRecord(id, experiment, workspace, RunStatus.QUEUED.value(), now.toString(), null,
                null, Map.of(), List.of(), null, OwnerRecord.current(providerId), dataset.labels(),
                dataset.root().toString(), summary, false);
        RunJob job = new RunJob(store, artifactFiles, clock, record, training, dataset, settings,
                ended -> jobs.remove(key(workspace, ended.id())));
        synchronized (runLock) {
            store.writeRun(record);
            jobs.put(key(workspace, id), job);
        }
        job.addListener(listener);
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(TrainingStep.QUEUE));
        try {
            executor.execute(job);
        } catch (RejectedExecutionException e) {
            job.cancel("the local provider is closed or its queue is full");
            throw new ModelBuilderException("local run " + id + " could not be queued: "
                    + (closed ? "the provider is closed" : "too many runs are waiting; wait for some to finish"), e);
        }
        return new LocalTrainingRun(this, workspace, id, listener, job.snapshot());
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
        synchronized (runLock) {
            RunRecord again = store.findRun(r.workspace(), r.id()).orElse(r);
            if (again.runStatus().isTerminal() || jobs.containsKey(key(r.workspace(), r.id()))) {
                return again;
            }
            RunRecord failed = again.ended(RunStatus.FAILED, clock.instant().toString(),
                    new ErrorRecord("Interrupted", "the run was interrupted: the process that trained it"
                            + (again.owner() == null ? "" : " (pid " + again.owner().pid() + ")")
                            + " ended before the run finished (a crash, a kill or a shutdown); submit it again",
                            TrainingStep.TRAIN.name()), false);
            try {
                store.writeRun(failed);
            } catch (RuntimeException e) {
                LOG.warn("could not record that local run {} was interrupted", r.id(), e);
            }
            return failed;
        }
    }

    private void recoverInterruptedRuns() {
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
     * Asks a run to stop: in this provider directly, in another live process through a marker file it checks
     * before every batch.
     *
     * @param workspace the workspace
     * @param runId the run id
     */
    void cancel(String workspace, String runId) {
        Optional<RunJob> job = job(workspace, runId);
        if (job.isPresent()) {
            job.get().cancel("cancelled by the user");
            return;
        }
        RunRecord r = reconcile(findRun(workspace, runId));
        if (!r.runStatus().isTerminal()) {
            try {
                Files.writeString(store.cancelMarker(workspace, runId), clock.instant().toString());
            } catch (IOException e) {
                throw new ModelBuilderException("cannot ask local run " + runId + " to stop: " + e.getMessage(), e);
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

    /**
     * Exports the saved model of a completed run, or the best checkpoint of a cancelled one.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @param directory the target folder
     * @return the model
     * @throws IllegalStateException when the run has no saved model
     */
    public TrainedModel exportCheckpoint(String workspace, String runId, Path directory) {
        Run run = currentRun(workspace, runId);
        if (!run.isTerminal()) {
            throw new IllegalStateException("local run " + runId + " is still " + run.status()
                    + "; cancel it or wait for it first");
        }
        return copyArtifacts(workspace, runId, directory);
    }

    // ------------------------------------------------------------------ plumbing

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

    private static <T> PagedIterable<T> paged(java.util.function.Supplier<List<T>> all) {
        return new PagedIterable<>(token -> {
            List<T> items = all.get();
            int from = token == null ? 0 : Integer.parseInt(token);
            int to = Math.min(items.size(), from + PAGE_SIZE);
            return new Page<>(new ArrayList<>(items.subList(Math.min(from, to), to)),
                    to < items.size() ? String.valueOf(to) : null);
        });
    }

    /**
     * Stops every run of this provider (each stops before its next batch and ends as Canceled, keeping its best
     * checkpoint) and releases the threads. Idempotent.
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
