package dev.modelbuilder.local;

import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.local.implementation.LocalBackend;
import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;

/**
 * The local training backend: the whole job on this machine, no Azure subscription needed. Workspaces are folders
 * under a root folder ({@value #DEFAULT_ROOT_DESCRIPTION} by default); experiments and runs are JSON files in them,
 * written crash-safely; runs train a small ResNet from scratch on this machine's CPU with DJL and PyTorch (fully
 * offline: nothing is downloaded) and deliver bestModel.onnx, bestModelMap.json and MLModel.zip exactly as the
 * Azure backend does.
 *
 * <pre>{@code
 * try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().build())) {
 *     mb.workspaces().define("local-ws").create();
 *     TrainingRun run = mb.workspace("local-ws").experiments().getOrCreate("shapes").submit(
 *             ImageClassificationTraining.fromFolder(SampleDatasets.shapes(Path.of("shapes"), 150, 42))
 *                     .withImageSize(64).withTimeBudget(Duration.ofMinutes(5)).build(),
 *             event -> System.out.println(event));
 *     TrainedModel model = run.waitForModel(Duration.ofMinutes(10), Path.of("model"));
 * }
 * }</pre>
 *
 * <p><b>Computes.</b> One size exists: {@value #CPU_COMPUTE}, this machine's CPU ({@link #cpuSize()}). Creating a
 * compute of that size (any valid name) is create-or-get; any other size, GPU or retired, is refused with a
 * {@code ValidationException}. A run with no compute, or with compute {@value #CPU_COMPUTE} (created on first use),
 * trains on the CPU; a run naming another compute needs that compute to exist.
 *
 * <p><b>Training.</b> {@code resnet14} by default ({@code resnet8} and {@code resnet20} on request), at the spec's
 * image size (use 64 for minutes-long CPU runs; the spec's default is Azure's 224), validation split and seed,
 * with augmentation (random resized crop, horizontal flip), early stopping, the spec's epoch limit (default 30) and
 * time budget (default 10 minutes, counted from the start of the train step, image decoding included, and checked
 * before every batch; at least one epoch always completes, so that there is a validated model). Options: {@code width}, {@code batchSize}, {@code learningRate}, {@code weightDecay},
 * {@code patience}. The best epoch by validation accuracy is the model delivered. Metrics per epoch:
 * {@code loss}, {@code train_accuracy}, {@code validation_loss}, {@code accuracy} (validation) and
 * {@code accuracy/<label>}; a finished run's metrics are its best epoch's, plus {@code epochs} and
 * {@code best_epoch}.
 *
 * <p><b>Runs.</b> At most {@code maxConcurrentRuns} train at once (default 1: a run uses all cores), others wait as
 * Queued. Runs training at once in one JVM, of this provider or another, take turns for each forward and backward
 * pass, since DJL records the gradients of one at a time per process. {@code cancel} stops a run before its next
 * batch: it ends as Canceled, and when at least one epoch was validated its best checkpoint is kept;
 * {@code downloadModel} refuses a cancelled run, {@link #exportCheckpoint} writes the checkpoint. A run left Queued
 * or Running by a process that ended (crash, kill) shows as Failed with error code {@code Interrupted} from the next
 * look at it on. Another process may attach to, follow and cancel a run (through a marker file the owner checks
 * before every batch).
 *
 * <p>Closing the provider cancels its runs (they keep their checkpoints) and stops its threads. Thread-safe.
 */
public final class LocalProvider implements ModelBuilderProvider {
    /** The CPU compute's and size's name. */
    public static final String CPU_COMPUTE = LocalBackend.CPU;
    /**
     * System property: {@code true} lets libtorch print its C++ warnings to standard error. By default the local
     * backend sets libtorch's native log level to ERROR when it loads the engine, so that a deprecation notice that
     * DJL's JNI triggers is not shown to users.
     */
    public static final String TORCH_WARNINGS_PROPERTY = "modelbuilder.torch.warnings";
    /** Where the default root folder is, in words. */
    public static final String DEFAULT_ROOT_DESCRIPTION = "~/.modelbuilder/local";

    private final LocalBackend backend;

    private LocalProvider(LocalBackend backend) {
        this.backend = backend;
    }

    /** @return a builder with the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the default root folder, {@code ~/.modelbuilder/local} */
    public static Path defaultRoot() {
        return Path.of(System.getProperty("user.home"), ".modelbuilder", "local");
    }

    /** @return the root folder that holds the workspaces */
    public Path root() {
        return backend.root();
    }

    /** @return the size describing this machine's CPU (vCPUs, memory, free disk under the root, no GPU) */
    public ComputeSize cpuSize() {
        return backend.cpuSize();
    }

    /**
     * Writes a run's saved model into a folder: a completed run's model, or the best checkpoint of a cancelled run
     * that validated at least one epoch (which {@code TrainingRun.downloadModel} refuses, as on Azure). The files
     * are written beside the targets and renamed over them only once all three are complete.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @param directory the folder to write to (created when missing)
     * @return the model
     * @throws IllegalStateException when the run is still going or has no saved model
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     * @throws dev.modelbuilder.core.exception.ModelBuilderException when the files cannot be written
     */
    public TrainedModel exportCheckpoint(String workspace, String runId, Path directory) {
        return backend.exportCheckpoint(workspace, runId, Objects.requireNonNull(directory, "directory"));
    }

    /**
     * The evaluation report ({@code report.html}: the validation split's figures and the training curves) that a
     * run wrote beside its artifacts when it completed.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @return the report's path, or empty when the run has none (not completed, no validation split, or trained
     *     before reports existed)
     */
    public java.util.Optional<Path> evaluationReport(String workspace, String runId) {
        return backend.evaluationReport(Objects.requireNonNull(workspace, "workspace"),
                Objects.requireNonNull(runId, "runId"));
    }

    @Override
    public String name() {
        return backend.name();
    }

    @Override
    public WorkspaceOperations workspaces() {
        return backend.workspaces();
    }

    @Override
    public ComputeOperations computes() {
        return backend.computes();
    }

    @Override
    public ExperimentOperations experiments() {
        return backend.experiments();
    }

    @Override
    public RunOperations runs() {
        return backend.runs();
    }

    /** Cancels this provider's runs (keeping their checkpoints), waits up to a minute for them, stops the threads. */
    @Override
    public void close() {
        backend.close();
    }

    @Override
    public String toString() {
        return "LocalProvider[" + root() + "]";
    }

    /** Builds a {@link LocalProvider}. Not thread-safe. */
    public static final class Builder {
        private Path root;
        private int threads = Runtime.getRuntime().availableProcessors();
        private int maxConcurrentRuns = 1;
        private int maxQueuedRuns = 64;
        private AtomicFiles artifactFiles = AtomicFiles.system();
        private Clock clock = Clock.systemUTC();

        private Builder() {
        }

        /**
         * @param rootFolder the folder that holds the workspaces (created when missing)
         * @return this builder
         */
        public Builder root(Path rootFolder) {
            this.root = Objects.requireNonNull(rootFolder, "rootFolder");
            return this;
        }

        /**
         * @param count PyTorch intra-op threads each run uses (default: this machine's processor count). PyTorch
         *     keeps one thread pool per process: when runs of providers with different counts train at the same
         *     time, the one that started last sets it
         * @return this builder
         */
        public Builder threads(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("threads must be at least 1, got " + count);
            }
            this.threads = count;
            return this;
        }

        /**
         * @param count runs that train at the same time (default 1); further runs wait as Queued
         * @return this builder
         */
        public Builder maxConcurrentRuns(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxConcurrentRuns must be at least 1, got " + count);
            }
            this.maxConcurrentRuns = count;
            return this;
        }

        /**
         * @param count runs that may wait for a thread (default 64); submitting more fails
         * @return this builder
         */
        public Builder maxQueuedRuns(int count) {
            if (count < 1) {
                throw new IllegalArgumentException("maxQueuedRuns must be at least 1, got " + count);
            }
            this.maxQueuedRuns = count;
            return this;
        }

        /** Test seam: how model artifacts are written (e.g. a writer that fails like a full disk). */
        Builder artifactFiles(AtomicFiles files) {
            this.artifactFiles = Objects.requireNonNull(files, "files");
            return this;
        }

        /** Test seam: the wall clock recorded in run times. */
        Builder clock(Clock wallClock) {
            this.clock = Objects.requireNonNull(wallClock, "wallClock");
            return this;
        }

        /**
         * Opens the root folder; runs that an ended process left Queued or Running are recorded as failed
         * (interrupted).
         *
         * @return the provider
         * @throws dev.modelbuilder.core.exception.ModelBuilderException when the root folder cannot be created
         */
        public LocalProvider build() {
            return new LocalProvider(new LocalBackend(root == null ? defaultRoot() : root, threads,
                    maxConcurrentRuns, maxQueuedRuns, artifactFiles, clock));
        }
    }
}
