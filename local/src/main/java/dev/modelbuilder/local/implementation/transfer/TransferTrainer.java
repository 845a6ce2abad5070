package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.pipeline.LabelMap;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Transfer learning on a frozen backbone: cut it ({@link BackboneGraph}), compute every image's features once with
 * ONNX Runtime ({@link FeatureExtractor}, cached per run by {@link FeatureCache}; the {@code EXTRACT_FEATURES} step),
 * train a linear head on them ({@link LogisticHead}; the {@code TRAIN} step), and append the head to the backbone
 * graph as one ONNX model. Stateless.
 */
final class TransferTrainer {

    /**
     * @param views views per training image (1-4: the image, mirrored, centre 90 %, both)
     * @param threads threads for preprocessing, ONNX Runtime and the head
     * @param batchSize images per ONNX Runtime call
     * @param head the head's settings
     */
    record Parameters(int views, int threads, int batchSize, LogisticHead.Parameters head) {
        /**
         * @param threads threads to use
         * @return 2 views, batches of 32, the head's defaults
         */
        static Parameters defaults(int threads) {
            return new Parameters(2, threads, 32, LogisticHead.Parameters.defaults(threads));
        }
    }

    /**
     * @param onnx the merged model: backbone + head, input {@code input1}, output {@code output1} logits
     * @param labels class index to label
     * @param head the trained head
     * @param featureDimension features per image
     * @param validationFiles the validation images' relative paths
     * @param validationLabels their classes (single-label)
     * @param validationTargets their true labels' class indexes (multi-label; null for single-label)
     * @param validationLogits the head's logits for them
     * @param featureTime time spent computing features (zero when they came from the cache)
     * @param headTime time spent training the head
     * @param metrics the run's metrics
     */
    record Outcome(byte[] onnx, List<String> labels, LogisticHead.Result head, int featureDimension,
            List<String> validationFiles, int[] validationLabels, int[][] validationTargets,
            float[][] validationLogits, Duration featureTime,
            Duration headTime, Map<String, Double> metrics) {
    }

    private TransferTrainer() {
    }

    /**
     * @param split the training and validation images
     * @param backbone the backbone
     * @param options views, threads, batch size, head settings
     * @param featureDir where the run keeps its features, or {@code null} not to keep them
     * @param metadata metadata for the merged model (e.g. the run id), besides the labels, backbone and preprocessing
     * @param events told of the {@code EXTRACT_FEATURES} and {@code TRAIN} steps (the head) and given log lines
     * @param source the log lines' source (the run id)
     * @param cancelled polled during feature extraction and head training
     * @return the trained model
     * @throws java.util.concurrent.CancellationException when {@code cancelled} says so
     * @throws dev.modelbuilder.core.exception.ValidationException if the backbone cannot be cut
     */
    static Outcome train(DatasetSplit split, Backbone backbone, Parameters options, Path featureDir,
            Map<String, String> metadata, ProgressListener events, String source, BooleanSupplier cancelled) {
        return train(split, false, backbone, options, featureDir, metadata, events, source, cancelled);
    }

    /**
     * The same, single-label (softmax head) or multi-label (a logistic output per label, binary cross-entropy).
     *
     * @param split the training and validation images
     * @param multiLabel whether each label is its own yes/no decision
     * @param backbone the backbone
     * @param options views, threads, batch size, head settings
     * @param featureDir where the run keeps its features, or {@code null} not to keep them
     * @param metadata metadata for the merged model
     * @param events told of the steps and given log lines
     * @param source the log lines' source
     * @param cancelled polled during feature extraction and head training
     * @return the trained model
     */
    static Outcome train(DatasetSplit split, boolean multiLabel, Backbone backbone, Parameters options, Path featureDir,
            Map<String, String> metadata, ProgressListener events, String source, BooleanSupplier cancelled) {
        Consumer<String> log = line -> events.onEvent(new ProgressEvent.LogLine(source, line));
        events.onEvent(new ProgressEvent.StepStarted(WorkStep.EXTRACT_FEATURES));
        BackboneGraph graph = BackboneGraph.read(backbone.file(), backbone.cutNode());
        List<String> labels = split.labels();
        Map<String, Integer> perLabel = new LinkedHashMap<>();
        split.training().forEach(i -> i.labels().forEach(l -> perLabel.merge(l, 1, Integer::sum)));
        split.validation().forEach(i -> i.labels().forEach(l -> perLabel.merge(l, 1, Integer::sum)));
        perLabel.forEach((label, n) -> {
            if (n < 2) {
                log.accept("label '" + label + "' has a single image: it is used for training only, and the"
                        + " validation accuracy says nothing about it; add more images of it");
            }
        });
        int views = options.views();
        List<Path> trainFiles = split.training().stream().map(LabeledImage::path).toList();
        List<Path> validationFiles = split.validation().stream().map(LabeledImage::path).toList();
        List<Path> files = new ArrayList<>(trainFiles);
        files.addAll(validationFiles);
        log.accept(String.format(Locale.ROOT, "backbone %s (SHA-256 %s) cut before %s, %s; features of %d training"
                + " images x %d views and %d validation images", backbone.name(), backbone.sha256(), graph.cutNode(),
                backbone.preprocessing(), split.training().size(), views, split.validation().size()));

        long start = System.nanoTime();
        float[][] train;
        float[][] validation;
        int trainRows = split.training().size() * views;
        int total = trainRows + split.validation().size();
        FeatureCache cache = featureDir == null ? null : FeatureCache.in(featureDir, backbone.sha256(),
                graph.featureValue(), backbone.preprocessing().toString(), views, files);
        Optional<float[][]> cached = cache == null ? Optional.empty() : cache.load(total);
        Duration featureTime = Duration.ZERO;
        if (cached.isPresent()) {
            log.accept("features read from " + cache.file());
            train = Arrays.copyOfRange(cached.get(), 0, trainRows);
            validation = Arrays.copyOfRange(cached.get(), trainRows, total);
        } else {
            // one pass over the training views and the validation images, so that the batches never drain between
            List<FeatureExtractor.Item> items = new ArrayList<>(FeatureExtractor.views(trainFiles, views));
            items.addAll(FeatureExtractor.views(validationFiles, 1));
            float[][] all;
            try (FeatureExtractor fx = new FeatureExtractor(graph.featureModel(), backbone.preprocessing(),
                    options.threads(), options.batchSize())) {
                all = fx.extract(items, events, cancelled);
            }
            train = Arrays.copyOfRange(all, 0, trainRows);
            validation = Arrays.copyOfRange(all, trainRows, total);
            featureTime = Duration.ofNanos(System.nanoTime() - start);
            log.accept(String.format(Locale.ROOT, "%d features per image, %d images in %.1f s (%.1f images/s)",
                    train.length == 0 ? 0 : train[0].length, total, featureTime.toNanos() / 1e9,
                    total / Math.max(1e-9, featureTime.toNanos() / 1e9)));
            if (cache != null) {
                try {
                    cache.save(all);
                } catch (IOException e) {
                    log.accept("could not keep the features in " + cache.file() + ": " + e.getMessage());
                }
            }
        }

        int[] y = new int[trainRows];
        float[][] t = multiLabel ? new float[trainRows][] : null;
        for (int i = 0; i < split.training().size(); i++) {
            for (int v = 0; v < views; v++) {
                if (multiLabel) {
                    t[i * views + v] = split.targets(split.training().get(i));
                } else {
                    y[i * views + v] = split.classIndex(split.training().get(i));
                }
            }
        }
        int[] vy = multiLabel ? new int[split.validation().size()]
                : split.validation().stream().mapToInt(split::classIndex).toArray();
        float[][] vt = multiLabel ? split.validation().stream().map(split::targets).toArray(float[][]::new) : null;
        events.onEvent(new ProgressEvent.StepCompleted(WorkStep.EXTRACT_FEATURES,
                Duration.ofNanos(System.nanoTime() - start)));
        events.onEvent(new ProgressEvent.StepStarted(WorkStep.TRAIN));
        long headStart = System.nanoTime();
        LogisticHead.Result head = multiLabel
                ? LogisticHead.trainMultiLabel(train, t, validation, vt, labels.size(), options.head(), cancelled)
                : LogisticHead.train(train, y, validation, vy, labels.size(), options.head(), cancelled);
        Duration headTime = Duration.ofNanos(System.nanoTime() - headStart);
        events.onEvent(new ProgressEvent.StepCompleted(WorkStep.TRAIN, headTime));
        String measure = multiLabel ? "mean IoU" : "accuracy";
        log.accept(String.format(Locale.ROOT, "head trained in %.2f s (%d iterations, L2 %.0e): training " + measure
                + " %.4f, validation " + measure + " %.4f, validation loss %.4f", headTime.toNanos() / 1e9,
                head.iterations(), head.lambda(), head.trainAccuracy(), head.validationAccuracy(),
                head.validationLoss()));
        float[][] logits = new float[validation.length][];
        for (int i = 0; i < validation.length; i++) {
            logits[i] = head.logits(validation[i]);
        }
        Map<String, String> meta = new LinkedHashMap<>();
        meta.put("modelbuilder.labels", LabelMap.of(labels).toJson());
        meta.put("modelbuilder.backbone", backbone.name());
        meta.put("modelbuilder.backbone.sha256", backbone.sha256());
        meta.put("modelbuilder.preprocessing", backbone.preprocessing().toString());
        meta.putAll(metadata);
        byte[] onnx = graph.withHead(head.weights(), head.bias(), meta);
        Map<String, Double> metrics = new LinkedHashMap<>();
        if (validation.length > 0) {
            if (multiLabel) {
                metrics.put("iou", head.validationAccuracy());
            }
            metrics.put("accuracy", head.validationAccuracy());
            metrics.put("validation_loss", head.validationLoss());
        }
        metrics.put("train_accuracy", head.trainAccuracy());
        metrics.put("head_iterations", (double) head.iterations());
        metrics.put("feature_dimension", (double) head.weights()[0].length);
        return new Outcome(onnx, labels, head, head.weights()[0].length,
                split.validation().stream().map(LabeledImage::relativePath).toList(), vy,
                multiLabel ? split.validation().stream().map(i -> indexes(split, i)).toArray(int[][]::new) : null,
                logits, featureTime,
                headTime, metrics);
    }

    private static int[] indexes(DatasetSplit split, LabeledImage image) {
        float[] t = split.targets(image);
        return java.util.stream.IntStream.range(0, t.length).filter(c -> t[c] > 0.5f).toArray();
    }
}
