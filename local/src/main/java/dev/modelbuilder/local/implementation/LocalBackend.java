package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.Page;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.core.support.AtomicFiles;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The local provider's machinery: workspaces, computes and experiments as JSON files under a root folder
 * ({@link LocalWorkspaces}, {@link LocalComputes}, {@link LocalExperiments}), runs trained on a bounded pool of
 * provider threads ({@link LocalRuns}). {@code LocalProvider} is its public face: it also says how a training spec
 * becomes {@link TrainingParameters}, since the options type is public API. Thread-safe.
 */
public final class LocalBackend implements ModelBuilderProvider {
    private static final Logger LOG = LoggerFactory.getLogger(LocalBackend.class);
    /** The provider's name, which its training options name too. */
    public static final String NAME = "local";
    /** The CPU compute's (and size's) name. */
    public static final String CPU = "local-cpu";
    private static final int PAGE_SIZE = 50;

    private final LocalStore store;
    private final Path backboneCache;
    private final Function<TrainingSpec, TrainingParameters> settings;
    private final Clock clock;
    private final String providerId = UUID.randomUUID().toString();
    private final ComputeSize cpuSize;
    private final Object lock = new Object();
    private final LocalWorkspaces workspaces;
    private final LocalComputes computes;
    private final LocalExperiments experiments;
    private final LocalRuns runs;

    /**
     * @param root the root folder
     * @param backboneCache where catalog backbones are downloaded
     * @param maxConcurrentRuns runs that train at the same time; more wait in a queue
     * @param maxQueuedRuns runs that may wait
     * @param settings how a training spec becomes the settings of its run (with the threads each run uses); refuses
     *     options of another provider
     * @param artifactFiles how model artifacts are written (a seam for failure tests)
     * @param clock wall-clock time
     * @throws FileAccessException when the root folder cannot be created
     */
    public LocalBackend(Path root, Path backboneCache, int maxConcurrentRuns, int maxQueuedRuns,
            Function<TrainingSpec, TrainingParameters> settings, AtomicFiles artifactFiles, Clock clock) {
        this.store = new LocalStore(root, AtomicFiles.system());
        this.backboneCache = Objects.requireNonNull(backboneCache, "backboneCache");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.cpuSize = cpuSize(store.root());
        this.workspaces = new LocalWorkspaces(this);
        this.computes = new LocalComputes(this);
        this.experiments = new LocalExperiments(this);
        this.runs = new LocalRuns(this, Objects.requireNonNull(artifactFiles, "artifactFiles"), maxConcurrentRuns,
                maxQueuedRuns);
        try {
            Files.createDirectories(store.root());
        } catch (IOException e) {
            throw new FileAccessException(store.root(), "cannot create the local provider's folder " + store.root()
                    + ": " + e.getMessage(), e);
        }
        runs.recoverInterruptedRuns();
    }

    /** @return the root folder */
    public Path root() {
        return store.root();
    }

    /** @return the size describing this machine's CPU */
    public ComputeSize cpuSize() {
        return cpuSize;
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the evaluation report the run wrote when it completed, when it has one
     */
    public Optional<Path> evaluationReport(String workspace, String runId) {
        Path report = store.outputsDir(workspace, runId).resolve(ArtifactStager.REPORT_FILE);
        return Files.isRegularFile(report) ? Optional.of(report) : Optional.empty();
    }

    /** @return where the records live */
    LocalStore store() {
        return store;
    }

    /** @return where catalog backbones are downloaded */
    Path backboneCache() {
        return backboneCache;
    }

    /**
     * @param spec a training spec
     * @return how its run trains
     * @throws dev.modelbuilder.core.exception.ValidationException when it carries options of another provider
     */
    TrainingParameters settingsOf(TrainingSpec spec) {
        return settings.apply(spec);
    }

    /** @return wall-clock time for records */
    Clock clock() {
        return clock;
    }

    /** @return the lock that orders record writes between the operations */
    Object lock() {
        return lock;
    }

    /** @return this provider instance's id, recorded as the owner of the runs it trains */
    String providerId() {
        return providerId;
    }

    /** @return the compute operations, with their package-private helpers */
    LocalComputes computeOperations() {
        return computes;
    }

    /** @return the run operations, with their package-private helpers */
    LocalRuns runOperations() {
        return runs;
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
        return new ComputeSize(CPU, null, Runtime.getRuntime().availableProcessors(), memoryGiB, diskGiB, 0, 0, 0,
                0, null, null, List.of());
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public WorkspaceOperations workspaces() {
        return workspaces;
    }

    @Override
    public ComputeOperations computes() {
        return computes;
    }

    @Override
    public ExperimentOperations experiments() {
        return experiments;
    }

    @Override
    public RunOperations runs() {
        return runs;
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the job, when the run trains in this provider
     */
    Optional<RunJob> job(String workspace, String runId) {
        return runs.job(workspace, runId);
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the run now
     */
    Run currentRun(String workspace, String runId) {
        return runs.currentRun(workspace, runId);
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     */
    void cancel(String workspace, String runId) {
        runs.cancel(workspace, runId);
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @param directory the target folder
     * @return the model
     */
    TrainedModel copyArtifacts(String workspace, String runId, Path directory) {
        return runs.copyArtifacts(workspace, runId, directory);
    }

    /**
     * Exports the saved model of a completed run, or the best checkpoint of a cancelled one.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @param directory the target folder
     * @return the model
     * @throws InvalidStateException when the run is still going or has no saved model
     */
    public TrainedModel exportCheckpoint(String workspace, String runId, Path directory) {
        Run run = currentRun(workspace, runId);
        if (!run.isTerminal()) {
            throw new InvalidStateException("local run " + runId + " is still " + run.status()
                    + "; cancel it or wait for it first");
        }
        return copyArtifacts(workspace, runId, directory);
    }

    /**
     * One page after another of a list computed afresh for each page.
     *
     * @param all the whole list
     * @param <T> the item type
     * @return the pages
     */
    static <T> PagedIterable<T> paged(Supplier<List<T>> all) {
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
        runs.close();
    }
}
