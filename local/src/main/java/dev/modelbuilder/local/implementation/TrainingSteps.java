package dev.modelbuilder.local.implementation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.local.implementation.transfer.Backbone;
import dev.modelbuilder.local.implementation.transfer.TransferLearning;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.TensorModel;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What a local run does once it runs: choose a backbone ({@code DOWNLOAD_BACKBONE}); from it, extract features and
 * train a head, or without one, train a ResNet from scratch ({@code TRAIN}); then package the model
 * ({@code PACKAGE_MODEL}) through the {@link ArtifactStager}. The steps report to the {@link RunJob}, which keeps the
 * run's status and record; a cancellation request stops them (a run from scratch keeps its best checkpoint).
 */
final class TrainingSteps {
    /** Which backbone a model was made from: name, SHA-256, cut, preprocessing; beside the artifacts. */
    static final String BACKBONE_FILE = "backbone.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /**
     * How the steps ended, when they did not fail.
     *
     * @param status {@code COMPLETED} or {@code CANCELED}
     * @param checkpoint whether {@code outputs/} holds a model
     */
    record Ending(RunStatus status, boolean checkpoint) {
    }

    private final TrainingSpec spec;
    private final ImageDataset dataset;
    private final TrainingParameters settings;
    private final ArtifactStager stager;
    private final Path backboneCache;

    /**
     * @param spec what to train
     * @param dataset the validated dataset
     * @param settings how to train
     * @param stager writes the artifacts
     * @param backboneCache where catalog backbones are downloaded
     */
    TrainingSteps(TrainingSpec spec, ImageDataset dataset, TrainingParameters settings, ArtifactStager stager,
            Path backboneCache) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.dataset = Objects.requireNonNull(dataset, "dataset");
        this.settings = Objects.requireNonNull(settings, "settings");
        this.stager = Objects.requireNonNull(stager, "stager");
        this.backboneCache = Objects.requireNonNull(backboneCache, "backboneCache");
    }

    /**
     * @param job the run
     * @return how the run ended
     * @throws InterruptedException when interrupted while decoding images
     * @throws java.util.concurrent.CancellationException when cancelled before a model was validated
     */
    Ending run(RunJob job) throws InterruptedException {
        // ONNX Runtime verifies the packaged model at the end; loading it now fails fast on a platform where it cannot
        // load, and lets a run stopped by Ctrl-C still package (no native library loads during shutdown)
        TensorModel.requireRuntime();
        Optional<Backbone> backbone = TransferLearning.chooseBackbone(settings.transfer(), backboneCache, job.events(),
                job.id(), job::shouldStop);
        return backbone.isPresent() ? fromBackbone(job, backbone.get()) : fromScratch(job);
    }

    private Ending fromScratch(RunJob job) throws InterruptedException {
        ProgressListener events = job.events();
        long trainStart = System.nanoTime();
        events.onEvent(new ProgressEvent.StepStarted(WorkStep.TRAIN));
        PreprocessingSpec preprocessing = PreprocessingSpec.squash(settings.imageSize());
        DatasetSplit split = dataset.split(spec.validationSplit(), spec.seed());
        log(job, "decoding " + dataset.size() + " images (" + split.training().size() + " for training, "
                + split.validation().size() + " for validation) of " + split.labels().size() + " labels"
                + (spec.isMultiLabel() ? ", multi-label: a sigmoid per label, binary cross-entropy" : ""));
        TrainingData data = TrainingData.load(split, preprocessing, settings.threads(), spec.isMultiLabel());
        log(job, "training " + settings.architecture() + " (width " + settings.width() + ") on "
                + settings.imageSize() + "x" + settings.imageSize() + " inputs, batch " + settings.batchSize()
                + ", up to " + settings.maxEpochs() + " epochs or " + settings.timeBudget() + ", "
                + settings.threads() + " threads");
        ClassifierTrainer trainer = new ClassifierTrainer(settings, job::shouldStop, System::nanoTime);
        try (TrainedNetwork net = trainer.train(data, events, job.id(), trainStart)) {
            events.onEvent(new ProgressEvent.StepCompleted(WorkStep.TRAIN,
                    Duration.ofNanos(System.nanoTime() - trainStart)));
            net.best().ifPresent(best -> {
                Map<String, Double> metrics = new LinkedHashMap<>(best.metrics());
                metrics.put("epochs", (double) net.epochs());
                metrics.put("best_epoch", (double) best.epoch());
                job.recordResult(metrics);
            });
            // a request that came after the last batch still cancels: the run ends as the user asked
            boolean cancelled = net.stopReason() == ClassifierTrainer.StopReason.CANCELLED || job.shouldStop();
            if (cancelled) {
                if (net.best().isEmpty()) {
                    return new Ending(RunStatus.CANCELED, false);
                }
                packageModel(job, () -> scratchArtifacts(job, net, preprocessing, data));
                log(job, "the best checkpoint (epoch " + net.best().get().epoch() + ") was kept in " + job.outputs());
                return new Ending(RunStatus.CANCELED, true);
            }
            if (net.best().isEmpty()) {
                throw new IllegalStateException("training ended without a validated epoch");
            }
            job.finalizing();
            packageModel(job, () -> scratchArtifacts(job, net, preprocessing, data));
            return new Ending(RunStatus.COMPLETED, true);
        }
    }

    private static ArtifactStager.Artifacts scratchArtifacts(RunJob job, TrainedNetwork net,
            PreprocessingSpec preprocessing, TrainingData data) {
        byte[] onnx = net.exportOnnx(Map.of("modelbuilder.run", job.id(), "modelbuilder.labels",
                LabelMap.of(data.labels()).toJson(), "modelbuilder.preprocessing",
                "squash " + preprocessing.width() + "x" + preprocessing.height()));
        // DJL's own outputs on the validation images, for checking the exported model against
        float[][] logits = data.validationSize() == 0 ? new float[0][]
                : net.logits(data.validationTensors(), data.validationSize());
        ValidationOutputs validation = data.isMultiLabel()
                ? ValidationOutputs.multiLabel(data.labels(), data.validationFiles(), validationTargets(data), logits)
                : new ValidationOutputs(data.labels(), data.validationFiles(), data.validationLabels(), logits);
        return new ArtifactStager.Artifacts(onnx, preprocessing, validation, job.history(), Map.of());
    }

    private static int[][] validationTargets(TrainingData data) {
        int[][] out = new int[data.validationSize()][];
        for (int i = 0; i < out.length; i++) {
            float[] t = data.validationTargets(i);
            out[i] = java.util.stream.IntStream.range(0, t.length).filter(c -> t[c] > 0.5f).toArray();
        }
        return out;
    }

    private Ending fromBackbone(RunJob job, Backbone backbone) {
        job.recordSetting("backbone", backbone.describe());
        DatasetSplit split = dataset.split(spec.validationSplit(), spec.seed());
        TransferLearning.Result out = TransferLearning.train(split, spec.isMultiLabel(), backbone, settings.transfer(),
                settings.threads(), job.outputs().resolveSibling("features"), job.id(), job.events(),
                job::shouldStop);
        // the head's figures are the run's one "epoch"
        out.metrics().forEach((name, value) -> job.events().onEvent(new ProgressEvent.MetricLogged(job.id(), name,
                1, value)));
        job.finalizing();
        ValidationOutputs validation = spec.isMultiLabel()
                ? ValidationOutputs.multiLabel(out.labels(), out.validationFiles(), out.validationTargets(),
                out.validationLogits())
                : new ValidationOutputs(out.labels(), out.validationFiles(), out.validationLabels(),
                out.validationLogits());
        byte[] describe;
        try {
            describe = JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(backbone.describe());
        } catch (IOException e) {
            throw new UncheckedIOException(e); // a map of strings always serializes
        }
        // the head is not trained in epochs: no curves in the report
        packageModel(job, () -> new ArtifactStager.Artifacts(out.onnx(), backbone.preprocessing(), validation,
                List.of(), Map.of(BACKBONE_FILE, describe)));
        return new Ending(RunStatus.COMPLETED, true);
    }

    /** Makes the artifacts (exporting a network trained from scratch to ONNX) and stages them. */
    private void packageModel(RunJob job, Supplier<ArtifactStager.Artifacts> artifacts) {
        long start = System.nanoTime();
        job.events().onEvent(new ProgressEvent.StepStarted(WorkStep.PACKAGE_MODEL));
        stager.stage(job.outputs(), artifacts.get(), job.id(), dataset.source().toString())
                .ifPresent(warning -> log(job, "warning: " + warning));
        job.events().onEvent(new ProgressEvent.StepCompleted(WorkStep.PACKAGE_MODEL,
                Duration.ofNanos(System.nanoTime() - start)));
    }

    private static void log(RunJob job, String line) {
        job.events().onEvent(new ProgressEvent.LogLine(job.id(), line));
    }
}
