package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.scoring.ModelVerifier;
import dev.modelbuilder.scoring.implementation.OrtRuntime;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.local.implementation.Records.ErrorRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import dev.modelbuilder.local.transfer.BackboneCache;
import dev.modelbuilder.local.transfer.Backbones;
import dev.modelbuilder.local.transfer.TransferRun;
import dev.modelbuilder.local.transfer.TransferSettings;
import dev.modelbuilder.local.transfer.TransferTrainer;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One training run executing in this process: queued, then (on a provider thread) decode the images, train,
 * export and package, persisting the run record at every status change and after every epoch, and telling the
 * listeners. A cancellation request (in process, or a {@code cancel-requested} marker from another process) stops
 * training before the next batch; the best checkpoint so far, if any, is still exported into the run's
 * {@code outputs/} folder and the run ends as Canceled. Thread-safe.
 */
final class RunJob implements Runnable {
    private static final Logger LOG = LoggerFactory.getLogger(RunJob.class);
    /** DJL's predictions on the validation images, written beside the artifacts in the run's outputs folder. */
    public static final String VALIDATION_FILE = "validation.json";
    /** The evaluation report of the validation split with the training curves, beside the artifacts. */
    public static final String REPORT_FILE = "report.html";

    private final LocalStore store;
    private final AtomicFiles artifactFiles;
    private final Clock clock;
    private final ImageClassificationTraining training;
    private final ImageFolderDataset dataset;
    private final TrainingSettings settings;
    private final Consumer<RunJob> onEnded;
    private final List<ProgressListener> listeners = new CopyOnWriteArrayList<>();
    private final CountDownLatch ended = new CountDownLatch(1);
    private final Object lock = new Object();
    private final Path cancelMarker;
    private volatile RunRecord record;
    private volatile boolean cancelRequested;
    private volatile String cancelReason = "cancelled by the user";

    /**
     * @param store where the record lives
     * @param artifactFiles how artifacts are written
     * @param clock wall-clock time for the record
     * @param record the queued record (already written)
     * @param training the spec
     * @param dataset the validated dataset
     * @param settings the resolved settings
     * @param onEnded told once when the run reached a terminal status
     */
    public RunJob(LocalStore store, AtomicFiles artifactFiles, Clock clock, RunRecord record,
            ImageClassificationTraining training, ImageFolderDataset dataset, TrainingSettings settings,
            Consumer<RunJob> onEnded) {
        this.store = store;
        this.artifactFiles = artifactFiles;
        this.clock = clock;
        this.record = record;
        this.training = training;
        this.dataset = dataset;
        this.settings = settings;
        this.onEnded = onEnded;
        this.cancelMarker = store.cancelMarker(record.workspace(), record.id());
    }

    /** @return the run id */
    public String id() {
        return record.id();
    }

    /** @return the run's record now */
    public RunRecord record() {
        return record;
    }

    /** @return the run now */
    public Run snapshot() {
        return toRun(record);
    }

    /**
     * Adds a listener and tells it the current status.
     *
     * @param listener the listener
     */
    public void addListener(ProgressListener listener) {
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
    public boolean await(Duration timeout) throws InterruptedException {
        return ended.await(Math.max(0, timeout.toNanos()), TimeUnit.NANOSECONDS);
    }

    /**
     * Asks the run to stop: a queued run ends as Canceled at once, a training run stops before its next batch.
     *
     * @param reason why, for the log
     */
    public void cancel(String reason) {
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

    private boolean shouldStop() {
        return cancelRequested || Files.exists(cancelMarker);
    }

    @Override
    public void run() {
        synchronized (lock) {
            if (record.runStatus().isTerminal()) {
                return;
            }
            emit(new ProgressEvent.StepCompleted(WorkStep.QUEUE, Duration.between(
                    java.time.Instant.parse(record.createdAt()), clock.instant())));
            record = record.withStartedAt(clock.instant().toString());
            transition(RunStatus.RUNNING);
        }
        WorkStep step = WorkStep.TRAIN;
        long trainStart = System.nanoTime();
        try {
            emit(new ProgressEvent.StepStarted(WorkStep.TRAIN));
            // ONNX Runtime verifies the exported model at the end; loading it now fails fast on a platform where it
            // cannot load, and lets a run stopped by Ctrl-C still export (no native library loads during shutdown)
            OrtRuntime.environment();
            if (trainedFromBackbone(trainStart)) {
                return;
            }
            PreprocessingSpec spec = PreprocessingSpec.squash(settings.imageSize());
            DatasetSplit split = dataset.split(training.validationSplit(), training.seed());
            log("decoding " + dataset.size() + " images (" + split.training().size() + " for training, "
                    + split.validation().size() + " for validation) of " + split.labels().size() + " labels");
            TrainingData data = TrainingData.load(split, spec, settings.threads());
            log("training " + settings.architecture() + " (width " + settings.width() + ") on " + settings.imageSize()
                    + "x" + settings.imageSize() + " inputs, batch " + settings.batchSize() + ", up to "
                    + settings.maxEpochs() + " epochs or " + settings.timeBudget() + ", " + settings.threads()
                    + " threads");
            ClassifierTrainer trainer = new ClassifierTrainer(settings, this::shouldStop, System::nanoTime);
            try (TrainedNetwork net = trainer.train(data, new Progress(), trainStart)) {
                emit(new ProgressEvent.StepCompleted(WorkStep.TRAIN, Duration.ofNanos(System.nanoTime()
                        - trainStart)));
                net.best().ifPresent(best -> {
                    Map<String, Double> metrics = new LinkedHashMap<>(best.metrics());
                    metrics.put("epochs", (double) net.epochs());
                    metrics.put("best_epoch", (double) best.epoch());
                    record = record.withMetrics(metrics, null);
                });
                boolean cancelled = net.stopReason() == ClassifierTrainer.StopReason.CANCELLED || shouldStop();
                if (cancelled) {
                    boolean saved = false;
                    if (net.best().isPresent()) {
                        step = WorkStep.PACKAGE_MODEL;
                        writeArtifacts(net, spec, data);
                        saved = true;
                        log("the best checkpoint (epoch " + net.best().get().epoch() + ") was kept in "
                                + store.outputsDir(record.workspace(), id()));
                    }
                    synchronized (lock) {
                        end(RunStatus.CANCELED, null, saved, step);
                    }
                    return;
                }
                if (net.best().isEmpty()) {
                    throw new IllegalStateException("training ended without a validated epoch");
                }
                synchronized (lock) {
                    transition(RunStatus.FINALIZING);
                }
                step = WorkStep.PACKAGE_MODEL;
                long packStart = System.nanoTime();
                emit(new ProgressEvent.StepStarted(WorkStep.PACKAGE_MODEL));
                writeArtifacts(net, spec, data);
                emit(new ProgressEvent.StepCompleted(WorkStep.PACKAGE_MODEL,
                        Duration.ofNanos(System.nanoTime() - packStart)));
                synchronized (lock) {
                    end(RunStatus.COMPLETED, null, true, step);
                }
            }
        } catch (TrainingData.UnreadableImagesException e) {
            fail(new ErrorRecord("UnreadableImages", e.getMessage(), step.name()), step);
        } catch (ArtifactWriteException e) {
            fail(new ErrorRecord("ArtifactWriteFailed", e.getMessage(), step.name()), step);
        } catch (java.util.concurrent.CancellationException e) {
            synchronized (lock) {
                end(RunStatus.CANCELED, null, false, step);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            synchronized (lock) {
                end(RunStatus.CANCELED, null, false, step);
            }
        } catch (RuntimeException | Error e) {
            LOG.warn("local run {} failed in step {}", id(), step.displayName(), e);
            fail(new ErrorRecord("TrainingFailed", String.valueOf(e.getMessage() == null ? e : e.getMessage()),
                    step.name()), step);
        }
    }

    /**
     * Trains from a pretrained backbone when the spec asks for one (or for the default, and it is available).
     *
     * @return false to train from scratch instead
     */
    private boolean trainedFromBackbone(long trainStart) {
        TransferSettings transfer = TransferSettings.from(training);
        TransferRun.Events events = new TransferRun.Events() {
            @Override
            public void log(String line) {
                RunJob.this.log(line);
            }

            @Override
            public void progress(long done, long total, String unit) {
                emit(new ProgressEvent.StepProgress(WorkStep.TRAIN, done, total, unit));
            }
        };
        BackboneCache cache = new BackboneCache(BackboneCache.defaultDir(System.getenv()), Duration.ofSeconds(30));
        Optional<Backbones.Resolved> backbone = TransferRun.chooseBackbone(transfer, cache, events, this::shouldStop);
        if (backbone.isEmpty()) {
            return false;
        }
        synchronized (lock) {
            record = record.withSetting("backbone", TransferRun.record(backbone.get()));
            store.writeRun(record);
        }
        DatasetSplit split = dataset.split(training.validationSplit(), training.seed());
        Path outputs = store.outputsDir(record.workspace(), id());
        TransferTrainer.Outcome out = TransferRun.train(split, backbone.get(), transfer, settings.threads(), outputs,
                events, this::shouldStop);
        emit(new ProgressEvent.StepCompleted(WorkStep.TRAIN, Duration.ofNanos(System.nanoTime() - trainStart)));
        out.metrics().forEach((k, v) -> emit(new ProgressEvent.MetricLogged(id(), k, 1, v)));
        synchronized (lock) {
            record = record.withMetrics(out.metrics(), out.metrics());
            transition(RunStatus.FINALIZING);
        }
        long packStart = System.nanoTime();
        emit(new ProgressEvent.StepStarted(WorkStep.PACKAGE_MODEL));
        try {
            TransferRun.writeArtifacts(out, backbone.get(), outputs, artifactFiles, id());
        } catch (IOException | RuntimeException e) {
            throw new ArtifactWriteException("could not write the model artifacts into " + outputs + ": "
                    + e.getMessage(), e);
        }
        emit(new ProgressEvent.StepCompleted(WorkStep.PACKAGE_MODEL, Duration.ofNanos(System.nanoTime()
                - packStart)));
        synchronized (lock) {
            end(RunStatus.COMPLETED, null, true, WorkStep.PACKAGE_MODEL);
        }
        return true;
    }

    private void fail(ErrorRecord error, WorkStep step) {
        synchronized (lock) {
            end(RunStatus.FAILED, error, false, step);
        }
    }

    /**
     * Writes the three artifacts, {@value #VALIDATION_FILE} (DJL's own predictions on the validation images, for
     * checking the exported model against) and {@value #REPORT_FILE}, into a staging folder, then renames it to
     * {@code outputs/} atomically.
     */
    private void writeArtifacts(TrainedNetwork net, PreprocessingSpec spec, TrainingData data) {
        List<String> labels = data.labels();
        Path outputs = store.outputsDir(record.workspace(), id());
        Path staging = outputs.resolveSibling("outputs.staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            LabelMap labelMap = LabelMap.of(labels);
            byte[] onnx = net.exportOnnx(Map.of("modelbuilder.run", id(), "modelbuilder.labels", labelMap.toJson(),
                    "modelbuilder.preprocessing", "squash " + spec.width() + "x" + spec.height()));
            Path onnxFile = staging.resolve(TrainedModel.ONNX_FILE);
            artifactFiles.write(onnxFile, onnx);
            artifactFiles.write(staging.resolve(TrainedModel.LABEL_MAP_FILE),
                    labelMap.toJson().getBytes(StandardCharsets.UTF_8));
            Path scratch = staging.resolve(".MLModel.zip.scratch");
            ModelVerifier.writeVerifiedPackage(scratch, onnxFile, labelMap, PipelineSpec.of(spec));
            artifactFiles.copy(scratch, staging.resolve(TrainedModel.PIPELINE_FILE));
            Files.delete(scratch);
            float[][] logits = data.validationSize() == 0 ? new float[0][]
                    : net.logits(data.validationTensors(), data.validationSize());
            artifactFiles.write(staging.resolve(VALIDATION_FILE), ValidationOutputs.predictionsJson(logits, data));
            if (logits.length > 0) {
                artifactFiles.write(staging.resolve(REPORT_FILE), ValidationOutputs.reportHtml(logits, data, dataset.root().toString(), id(), record.history()));
            }
            AtomicFiles.deleteTree(outputs);
            AtomicFiles.moveFolder(staging, outputs);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteTree(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ArtifactWriteException("could not write the model artifacts into " + outputs + ": "
                    + e.getMessage(), e);
        }
    }

    /** Writing the artifacts failed. */
    static final class ArtifactWriteException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ArtifactWriteException(String message, Throwable cause) {
            super(message, cause);
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

    private void log(String line) {
        LOG.info("{}: {}", id(), line);
        emit(new ProgressEvent.LogLine(id(), line));
    }

    private final class Progress implements ClassifierTrainer.Progress {
        @Override
        public void epochEnded(ClassifierTrainer.EpochResult result, int maxEpochs) {
            Map<String, Double> metrics = result.metrics();
            synchronized (lock) {
                record = record.withMetrics(metrics, metrics);
                store.writeRun(record);
            }
            emit(new ProgressEvent.StepProgress(WorkStep.TRAIN, result.epoch(), maxEpochs, "epochs"));
            metrics.forEach((k, v) -> emit(new ProgressEvent.MetricLogged(id(), k, result.epoch(), v)));
            log(String.format(Locale.ROOT, "epoch %d/%d: loss %.4f, validation accuracy %.4f, validation loss %.4f,"
                    + " %.1f images/s%s", result.epoch(), maxEpochs, result.trainLoss(), result.validationAccuracy(),
                    result.validationLoss(), result.images() / Math.max(1e-9, result.took().toNanos() / 1e9),
                    result.improved() ? " (best so far)" : ""));
        }

        @Override
        public void log(String line) {
            RunJob.this.log(line);
        }
    }

    /**
     * @param r a record
     * @return the core view of it
     */
    public static Run toRun(RunRecord r) {
        Objects.requireNonNull(r, "r");
        return new Run(r.id(), r.experiment(), r.workspace(), r.runStatus(), instant(r.createdAt()),
                instant(r.startedAt()), instant(r.endedAt()), null, r.metrics(),
                r.error() == null ? null : r.error().toRunError());
    }

    private static java.time.Instant instant(String s) {
        return s == null ? null : java.time.Instant.parse(s);
    }
}
