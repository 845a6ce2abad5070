package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.support.Setting;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * What the rest of the local backend uses of transfer learning, for one run: choose the backbone (downloading it
 * when needed), then train a head on its features. Everything else of this package is package-private. Progress goes
 * to the run's {@link ProgressListener} as the steps {@code DOWNLOAD_BACKBONE}, {@code EXTRACT_FEATURES} and
 * {@code TRAIN}; the listener is the run's own, which persists what it must, so exceptions it throws propagate.
 * Stateless.
 */
public final class TransferLearning {
    /** The folder of downloaded backbones. */
    public static final Setting BACKBONE_CACHE = Setting.of("modelbuilder.backbones.dir", "MODELBUILDER_BACKBONES",
            "the folder of downloaded backbones");
    /** The most views per training image: plain, mirrored, centre 90 %, centre 90 % mirrored. */
    public static final int MAX_VIEWS = FeatureExtractor.MAX_VIEWS;
    /** How long to wait for the catalog's server to connect and answer. */
    private static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(30);

    /**
     * The trained model and what the run writes beside it.
     *
     * @param onnx the merged model: backbone + head, input {@code input1}, output {@code output1} logits
     * @param labels class index to label
     * @param validationFiles the validation images' paths relative to the dataset folder
     * @param validationLabels their classes (single-label)
     * @param validationTargets their true labels' class indexes (multi-label; null for single-label)
     * @param validationLogits the model's logits for them
     * @param metrics the run's metrics: {@code accuracy} and {@code validation_loss} (when there are validation
     *     images), {@code train_accuracy}, {@code head_iterations}, {@code feature_dimension}
     */
    public record Result(byte[] onnx, List<String> labels, List<String> validationFiles, int[] validationLabels,
            int[][] validationTargets, float[][] validationLogits, Map<String, Double> metrics) {
    }

    private TransferLearning() {
    }

    /** @return the catalog's backbone names, the default first */
    public static List<String> catalog() {
        return BackboneCatalog.entries().stream().map(BackboneCatalog.Entry::name).toList();
    }

    /**
     * @param name a name, in any case
     * @return the catalog's spelling of it, when it names a catalog backbone
     */
    public static Optional<String> catalogName(String name) {
        return BackboneCatalog.find(name).map(BackboneCatalog.Entry::name);
    }

    /**
     * Chooses the run's backbone ({@code DOWNLOAD_BACKBONE}, unless the settings ask for training from scratch): the
     * named one, downloaded into the cache when it is a catalog backbone not there yet; or the catalog's default when
     * it is cached or can be downloaded, else none, saying why in a log line.
     *
     * @param settings the run's transfer settings
     * @param cacheDir where catalog backbones are downloaded
     * @param events told of the step, the download's bytes and log lines
     * @param source the log lines' source (the run id)
     * @param cancelled polled while downloading
     * @return the backbone, or empty to train from scratch
     * @throws dev.modelbuilder.core.exception.ModelLoadException if a named catalog backbone cannot be downloaded
     * @throws dev.modelbuilder.core.exception.ValidationException for a backbone file that went missing
     * @throws java.util.concurrent.CancellationException when {@code cancelled} says so
     */
    public static Optional<Backbone> chooseBackbone(TransferParameters settings, Path cacheDir, ProgressListener events,
            String source, BooleanSupplier cancelled) {
        if (settings.mode() == TransferParameters.Mode.SCRATCH) {
            return Optional.empty();
        }
        long start = System.nanoTime();
        events.onEvent(new ProgressEvent.StepStarted(WorkStep.DOWNLOAD_BACKBONE));
        Backbones backbones = new Backbones(new BackboneCache(cacheDir, CONNECT_TIMEOUT),
                BackboneCatalog.defaultEntry());
        Optional<Backbone> chosen = settings.mode() == TransferParameters.Mode.EXPLICIT
                ? Optional.of(backbones.resolve(settings.backbone(), settings.choices(), events, cancelled))
                : backbones.resolveDefault(events, source, cancelled);
        // a default that cannot be had ends the step too: the run goes on from scratch, as the log line says
        events.onEvent(new ProgressEvent.StepCompleted(WorkStep.DOWNLOAD_BACKBONE,
                Duration.ofNanos(System.nanoTime() - start)));
        return chosen;
    }

    /**
     * Trains a head on the backbone's features (kept in {@code featureDir}, so that training again on the same
     * images does not compute them again).
     *
     * @param split the images
     * @param backbone the backbone
     * @param settings the run's transfer settings
     * @param threads threads to use
     * @param featureDir where the run keeps its features
     * @param runId the run id: recorded in the model's metadata, and the source of log lines
     * @param events told of the {@code EXTRACT_FEATURES} and {@code TRAIN} steps and given log lines
     * @param cancelled polled during feature extraction and head training
     * @return the model and its validation outputs
     * @throws java.util.concurrent.CancellationException when {@code cancelled} says so
     * @throws dev.modelbuilder.core.exception.ValidationException if the backbone cannot be cut
     */
    public static Result train(DatasetSplit split, Backbone backbone, TransferParameters settings, int threads,
            Path featureDir, String runId, ProgressListener events, BooleanSupplier cancelled) {
        return train(split, false, backbone, settings, threads, featureDir, runId, events, cancelled);
    }

    /**
     * Trains a head, single-label (softmax) or multi-label (a logistic output per label), on the backbone's features.
     *
     * @param split the images
     * @param multiLabel whether each label is its own yes/no decision
     * @param backbone the backbone
     * @param settings the run's transfer settings
     * @param threads threads to use
     * @param featureDir where the run keeps its features
     * @param runId the run id
     * @param events told of the steps and given log lines
     * @param cancelled polled during feature extraction and head training
     * @return the model and its validation outputs
     */
    public static Result train(DatasetSplit split, boolean multiLabel, Backbone backbone, TransferParameters settings,
            int threads, Path featureDir, String runId, ProgressListener events, BooleanSupplier cancelled) {
        TransferTrainer.Parameters options = new TransferTrainer.Parameters(settings.views(), threads, 32,
                LogisticHead.Parameters.defaults(threads));
        TransferTrainer.Outcome out = TransferTrainer.train(split, multiLabel, backbone, options, featureDir,
                Map.of("modelbuilder.run", runId), events, runId, cancelled);
        return new Result(out.onnx(), out.labels(), out.validationFiles(), out.validationLabels(),
                out.validationTargets(), out.validationLogits(), out.metrics());
    }
}
