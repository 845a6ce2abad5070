package dev.modelbuilder.local;

import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.core.support.Setting;
import dev.modelbuilder.core.exception.OperationNotSupportedException;
import dev.modelbuilder.core.spi.EndpointOperations;
import dev.modelbuilder.local.implementation.LocalBackend;
import dev.modelbuilder.local.implementation.endpoints.LocalEndpoints;
import dev.modelbuilder.local.implementation.LocalSettings;
import dev.modelbuilder.local.implementation.transfer.TransferLearning;
import java.nio.file.Path;
import java.util.Objects;
import java.util.Optional;

/**
 * The local training backend: the whole job on this machine, no Azure subscription needed. Workspaces are folders
 * under a root folder ({@code ~/.modelbuilder/local} by default, see {@link #ROOT_SETTING}); experiments and runs are
 * JSON files in them; runs train on this machine's CPU and deliver bestModel.onnx, bestModelMap.json and MLModel.zip
 * exactly as the Azure backend does, with an evaluation report of the validation split ({@link #evaluationReport}).
 *
 * <pre>{@code
 * try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().build())) {
 *     mb.workspaces().define("local-ws").create();
 *     TrainingSpec spec = TrainingSpec.fromData(SampleDatasets.shapes(Path.of("shapes"), 150, 42))
 *             .withTimeBudget(Duration.ofMinutes(5))
 *             .withOptions(LocalTrainingOptions.builder().withImageSize(64).build())
 *             .build();
 *     TrainingRun run = mb.workspace("local-ws").runs().define(spec).inExperiment("shapes")
 *             .withListener(event -> System.out.println(event)).beginCreate();
 *     TrainedModel model = run.waitForModel(Duration.ofMinutes(10), Path.of("model"));
 * }
 * }</pre>
 *
 * <p><b>Training</b> ({@link LocalTrainingOptions}) starts from a pretrained backbone when one is available: the
 * default, {@code mobilenetv2}, is downloaded once (14 MB, checked against its SHA-256) into the backbone cache
 * ({@link #BACKBONE_CACHE_SETTING}), and only a new linear head is trained on its features, in seconds to minutes.
 * Without a network or a cached backbone, with {@code withoutBackbone()}, or when the options name an architecture or
 * an image size, a small ResNet trains from scratch with DJL and PyTorch, fully offline: {@code resnet14} by
 * default at 64 pixels, with augmentation, early stopping, an epoch limit (default 30) and the spec's time budget
 * (default 10 minutes, counted from the start of the train step, image decoding included, and checked before every
 * batch; at least one epoch always completes, so that there is a validated model). The best epoch by validation
 * accuracy is the model delivered. Metrics per epoch: {@code loss}, {@code train_accuracy},
 * {@code validation_loss}, {@code accuracy} (validation) and {@code accuracy/<label>}; a finished run's metrics are
 * its best epoch's, plus {@code epochs} and {@code best_epoch}.
 *
 * <p><b>Computes.</b> One size exists: {@value #CPU_COMPUTE}, this machine's CPU ({@link #cpuSize()}). Creating a
 * compute of that size (any valid name) is create-or-get; any other size, GPU or retired, is refused with a
 * {@code ValidationException}. A run with no compute, or with compute {@value #CPU_COMPUTE} (created on first use),
 * trains on the CPU; a run naming another compute needs that compute to exist.
 *
 * <p><b>Runs.</b> At most {@code maxConcurrentRuns} train at once (default 1: a run uses all cores), others wait as
 * Queued. Runs training at once in one JVM, of this provider or another, take turns for each forward and backward
 * pass, since DJL records the gradients of one at a time per process. {@code cancel} stops a run before its next
 * batch: it ends as Canceled, and when at least one epoch was validated its best checkpoint is kept;
 * {@code downloadModel} refuses a cancelled run, {@link #exportCheckpoint} writes the checkpoint. A run left Queued
 * or Running by a process that ended (crash, kill) shows as Failed with error code {@code Interrupted} from the next
 * look at it on. Another process may attach to, follow and cancel a run (through a marker file the owner checks
 * before every batch). Deleting a run, an experiment or a workspace cancels its running runs first.
 *
 * <p>Closing the provider cancels its runs (they keep their checkpoints) and stops its threads. Thread-safe.
 */
public final class LocalProvider implements ModelBuilderProvider {
    /** The CPU compute's and size's name. */
    public static final String CPU_COMPUTE = LocalBackend.CPU;
    /**
     * The root folder that holds the workspaces when the builder names none ({@code modelbuilder.local.root} or
     * {@code MODELBUILDER_LOCAL_ROOT}; default {@code ~/.modelbuilder/local}).
     */
    public static final Setting ROOT_SETTING = LocalSettings.ROOT;
    /**
     * The folder of downloaded backbones ({@code modelbuilder.backbones.dir} or {@code MODELBUILDER_BACKBONES};
     * default {@code ~/.modelbuilder/backbones}). Put a catalog backbone's file there by hand on a machine without a
     * network.
     */
    public static final Setting BACKBONE_CACHE_SETTING = TransferLearning.BACKBONE_CACHE;
    /**
     * {@code true} lets libtorch print its C++ warnings to standard error ({@code modelbuilder.torch.warnings} or
     * {@code MODELBUILDER_TORCH_WARNINGS}; default {@code false}). By default the local backend sets libtorch's
     * native log level to ERROR when it loads the engine, so that a deprecation notice that DJL's JNI triggers is not
     * shown to users. Read once, when the engine first loads in the process.
     */
    public static final Setting TORCH_WARNINGS_SETTING = LocalSettings.TORCH_WARNINGS;

    /** The starter's server, which local endpoints run; an optional dependency of this module. */
    static final String SERVER_CLASS = "dev.modelbuilder.serving.ModelServer";
    /** The artifact that brings it. */
    static final String SERVER_ARTIFACT = "dev.modelbuilder:modelbuilder-spring-boot-starter";

    private final LocalBackend backend;
    private LocalEndpoints endpoints;

    LocalProvider(LocalBackend backend) {
        this.backend = backend;
    }

    /** @return a builder with the defaults */
    public static LocalProviderBuilder builder() {
        return new LocalProviderBuilder();
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
     * @throws dev.modelbuilder.core.exception.InvalidStateException when the run is still going or has no saved
     *     model
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     * @throws dev.modelbuilder.core.exception.FileAccessException when the files cannot be written (files already
     *     there are left as they were)
     */
    public TrainedModel exportCheckpoint(String workspace, String runId, Path directory) {
        return backend.exportCheckpoint(Objects.requireNonNull(workspace, "workspace"),
                Objects.requireNonNull(runId, "runId"), Objects.requireNonNull(directory, "directory"));
    }

    /**
     * The evaluation report ({@code report.html}: the validation split's figures, and for a run trained from scratch
     * its training curves) that a run wrote beside its artifacts when it completed.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @return the report's path, or empty when the run has none (not completed, no validation images, or trained
     *     before reports existed)
     */
    public Optional<Path> evaluationReport(String workspace, String runId) {
        return backend.evaluationReport(Objects.requireNonNull(workspace, "workspace"),
                Objects.requireNonNull(runId, "runId"));
    }

    /** @return {@code local} */
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

    /**
     * Local endpoints: the {@code serve} server (the Spring Boot starter's {@code ModelServer}) started in this process
     * on a free port of 127.0.0.1 for each endpoint; deleting an endpoint, or closing the provider that created it,
     * stops it. Every local provider of the process on the same root sees them; another process sees none.
     *
     * @return endpoint operations
     * @throws OperationNotSupportedException when the starter ({@value #SERVER_ARTIFACT}, an optional dependency of
     *     this module, so that training alone never brings Spring Boot) is not on the class path
     */
    @Override
    public EndpointOperations endpoints() {
        return localEndpoints();
    }

    private synchronized LocalEndpoints localEndpoints() {
        if (endpoints == null) {
            try {
                Class.forName(SERVER_CLASS, false, LocalProvider.class.getClassLoader());
            } catch (ClassNotFoundException | LinkageError e) {
                throw new OperationNotSupportedException("local endpoints run the SDK's server, which is not on the "
                        + "class path: add " + SERVER_ARTIFACT + " to the application's dependencies (the local "
                        + "provider declares it optional, so that training alone does not bring Spring Boot)");
            }
            endpoints = new LocalEndpoints(backend.root());
        }
        return endpoints;
    }

    /**
     * Waits until a local endpoint stops: deleted from another thread, its provider closed, or the JVM's shutdown
     * (Ctrl-C, SIGTERM), which lets the requests in flight finish. {@code modelbuilder deploy --backend local} waits
     * here.
     *
     * @param workspace the workspace
     * @param name the endpoint
     * @throws dev.modelbuilder.core.exception.InvalidStateException if the waiting thread is interrupted (its
     *     interrupt flag stays set); the endpoint goes on serving until it is deleted or its provider closed
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when no such endpoint runs in this process
     */
    public void awaitEndpointStopped(String workspace, String name) {
        localEndpoints().awaitStopped(Objects.requireNonNull(workspace, "workspace"),
                Objects.requireNonNull(name, "name"));
    }

    /**
     * Stops the endpoints this provider created, cancels its runs (keeping their checkpoints), waits up to a minute
     * for them, stops the threads.
     */
    @Override
    public void close() {
        LocalEndpoints started;
        synchronized (this) {
            started = endpoints;
        }
        if (started != null) {
            started.close();
        }
        backend.close();
    }

    @Override
    public String toString() {
        return "LocalProvider[" + root() + "]";
    }
}
