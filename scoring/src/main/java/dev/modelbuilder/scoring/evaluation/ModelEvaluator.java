package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * Evaluates a model on a labelled dataset: the layouts of training, a folder with one sub-folder per label or a
 * labels file (JSONL, CSV), whose labels must be labels of the model. A single-label model is measured with
 * {@link #evaluate}, a multi-label one with {@link #evaluateMultiLabel} (the package says which it is:
 * {@link PredictionEngine#isMultiLabel()}).
 *
 * <pre>{@code
 * ModelEvaluator evaluator = ModelEvaluator.builder().withTopK(3).withListener(System.out::println).build();
 * EvaluationResult result = evaluator.evaluate(Path.of("MLModel.zip"), Path.of("held-out"));
 * try (PredictionEngine engine = PredictionEngine.fromPackage(Path.of("MLModel.zip"))) {
 *     EvaluationResult again = evaluator.evaluate(engine, Path.of("held-out"));
 * }
 * new EvaluationReport(result).write(Path.of("report.html"));
 * }</pre>
 *
 * <p>The folder is scanned and checked by core's dataset scan; files that cannot be read or decoded are skipped and
 * named in the result, not fatal. Images are scored {@link ModelEvaluatorBuilder#withBatchSize(int) a batch at a time} through
 * {@link PredictionEngine#predictBatch(List)} and folded into counts at once, so memory does not grow with the
 * number of images (only with the misclassified and skipped ones, a few short strings each). Progress is reported
 * as {@link ProgressEvent.StepStarted}, {@link ProgressEvent.StepProgress} (unit {@code images}) and
 * {@link ProgressEvent.StepCompleted} events of step {@link WorkStep#EVALUATE_MODEL}. Immutable and
 * thread-safe.
 */
public final class ModelEvaluator {
    private final int topK;
    private final int batchSize;
    private final ProgressListener listener;

    ModelEvaluator(int topK, int batchSize, ProgressListener listener) {
        this.topK = topK;
        this.batchSize = batchSize;
        this.listener = listener;
    }

    /** @return a builder: top-5 accuracy, batches of 64 images, no progress listener */
    public static ModelEvaluatorBuilder builder() {
        return new ModelEvaluatorBuilder();
    }

    /**
     * Loads an MLModel.zip on the CPU, evaluates it and frees it.
     *
     * @param modelPackage the MLModel.zip
     * @param folder the labelled image folder
     * @return the figures
     * @throws ModelLoadException if the package cannot be loaded
     * @throws ValidationException if the folder is missing, holds no label folder or no usable image, or has
     *     labels the model does not know (all of them named)
     * @throws ScoringException if inference fails
     */
    public EvaluationResult evaluate(Path modelPackage, Path folder) {
        Objects.requireNonNull(modelPackage, "modelPackage");
        try (PredictionEngine engine = PredictionEngine.fromPackage(modelPackage)) {
            return evaluate(engine, folder, modelPackage.toString());
        }
    }

    /**
     * Evaluates an open engine (left open).
     *
     * @param engine the model
     * @param folder the labelled image folder
     * @return the figures
     * @throws ValidationException if the folder is missing, holds no label folder or no usable image, or has
     *     labels the model does not know (all of them named)
     * @throws ScoringException if inference fails
     */
    public EvaluationResult evaluate(PredictionEngine engine, Path folder) {
        return evaluate(engine, folder, engine.toString());
    }

    /**
     * Loads a multi-label MLModel.zip on the CPU, evaluates it and frees it.
     *
     * @param modelPackage the MLModel.zip of a multi-label model
     * @param data a folder with one sub-folder per label, or a labels file
     * @return the figures
     * @throws ModelLoadException if the package cannot be loaded
     * @throws ValidationException if the model is single-label, or the data is missing, has no usable image, or has
     *     labels the model does not know (all of them named)
     * @throws ScoringException if inference fails
     */
    public MultiLabelEvaluationResult evaluateMultiLabel(Path modelPackage, Path data) {
        Objects.requireNonNull(modelPackage, "modelPackage");
        try (PredictionEngine engine = PredictionEngine.fromPackage(modelPackage)) {
            return evaluateMultiLabel(engine, data, modelPackage.toString());
        }
    }

    /**
     * Evaluates an open multi-label engine (left open).
     *
     * @param engine the model
     * @param data a folder with one sub-folder per label, or a labels file
     * @return the figures
     * @throws ValidationException if the model is single-label, or the data is missing, has no usable image, or has
     *     labels the model does not know (all of them named)
     * @throws ScoringException if inference fails
     */
    public MultiLabelEvaluationResult evaluateMultiLabel(PredictionEngine engine, Path data) {
        return evaluateMultiLabel(engine, data, engine.toString());
    }

    private MultiLabelEvaluationResult evaluateMultiLabel(PredictionEngine engine, Path source, String modelName) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(source, "source");
        if (!engine.isMultiLabel()) {
            throw new ValidationException("model", modelName, "it is a single-label model: measure it with "
                    + "evaluate(..), which reports accuracy and a confusion matrix");
        }
        long start = System.nanoTime();
        emit(new ProgressEvent.StepStarted(WorkStep.EVALUATE_MODEL));
        try {
            EvaluationFolder data = EvaluationFolder.scan(source, ClassificationTask.MULTI_LABEL);
            LabelMap labels = engine.labels();
            checkLabels(data, labels);
            double[] thresholds = new double[labels.size()];
            for (int i = 0; i < thresholds.length; i++) {
                thresholds[i] = engine.threshold(labels.label(i));
            }
            MultiLabelEvaluationAccumulator acc = new MultiLabelEvaluationAccumulator(labels.labels(), thresholds);
            data.skipped().forEach(s -> acc.skip(s.image(), s.reason()));
            scoreAll(engine, data, (image, p) -> acc.add(image.relativePath(), indexes(labels, image),
                    probabilities(p.scores().values())), acc::skip);
            if (acc.images() == 0) {
                throw noneScored(data);
            }
            MultiLabelEvaluationResult result = acc.result(data.source().toString(), modelName);
            emit(new ProgressEvent.StepCompleted(WorkStep.EVALUATE_MODEL,
                    Duration.ofNanos(System.nanoTime() - start)));
            return result;
        } catch (RuntimeException e) {
            emit(new ProgressEvent.StepFailed(WorkStep.EVALUATE_MODEL, String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private static int[] indexes(LabelMap labels, EvaluationFolder.Image image) {
        return image.labels().stream().mapToInt(labels::indexOf).sorted().toArray();
    }

    private static ValidationException noneScored(EvaluationFolder data) {
        return new ValidationException("evaluation data", data.source(), "none of its " + data.images().size()
                + " images could be scored (see the skipped images): give readable JPEG, PNG, BMP or GIF images");
    }

    /** Scores every image a batch at a time, handing each prediction or skip on at once. */
    private void scoreAll(PredictionEngine engine, EvaluationFolder data,
            java.util.function.BiConsumer<EvaluationFolder.Image, Prediction> add,
            java.util.function.BiConsumer<String, String> skip) {
        List<EvaluationFolder.Image> images = data.images();
        int total = images.size();
        emit(new ProgressEvent.StepProgress(WorkStep.EVALUATE_MODEL, 0, total, "images"));
        for (int from = 0; from < total; from += batchSize) {
            List<EvaluationFolder.Image> batch = images.subList(from, Math.min(total, from + batchSize));
            score(engine, batch, add, skip);
            emit(new ProgressEvent.StepProgress(WorkStep.EVALUATE_MODEL, from + batch.size(), total, "images"));
        }
    }

    private EvaluationResult evaluate(PredictionEngine engine, Path folder, String modelName) {
        Objects.requireNonNull(engine, "engine");
        Objects.requireNonNull(folder, "folder");
        if (engine.isMultiLabel()) {
            throw new ValidationException("model", modelName, "it is a multi-label model: measure it with "
                    + "evaluateMultiLabel(..), which reports IoU, subset accuracy and per-label figures");
        }
        long start = System.nanoTime();
        emit(new ProgressEvent.StepStarted(WorkStep.EVALUATE_MODEL));
        try {
            EvaluationFolder data = EvaluationFolder.scan(folder, ClassificationTask.SINGLE_LABEL);
            LabelMap labels = engine.labels();
            checkLabels(data, labels);
            EvaluationAccumulator acc = new EvaluationAccumulator(labels.labels(), topK);
            data.skipped().forEach(s -> acc.skip(s.image(), s.reason()));
            scoreAll(engine, data, (image, p) -> acc.add(image.relativePath(), labels.indexOf(image.labels().get(0)),
                    probabilities(p.scores().values())), acc::skip);
            if (acc.images() == 0) {
                throw noneScored(data);
            }
            EvaluationResult result = acc.result(data.source().toString(), modelName);
            emit(new ProgressEvent.StepCompleted(WorkStep.EVALUATE_MODEL,
                    Duration.ofNanos(System.nanoTime() - start)));
            return result;
        } catch (RuntimeException e) {
            emit(new ProgressEvent.StepFailed(WorkStep.EVALUATE_MODEL, String.valueOf(e.getMessage())));
            throw e;
        }
    }

    private static void checkLabels(EvaluationFolder data, LabelMap labels) {
        List<String> unknown = data.labels().stream().filter(l -> !labels.labels().contains(l)).toList();
        if (!unknown.isEmpty()) {
            throw new ValidationException("evaluation folder labels", String.join(", ", unknown),
                    (unknown.size() == 1 ? "this label is" : "these labels are") + " unknown to the model, whose "
                            + "labels are " + labels.labels() + ": rename or remove those folders of "
                            + data.source());
        }
    }

    /** Scores a batch; when the batch fails on an image, scores its images one by one to skip only the bad ones. */
    private static void score(PredictionEngine engine, List<EvaluationFolder.Image> batch,
            java.util.function.BiConsumer<EvaluationFolder.Image, Prediction> add,
            java.util.function.BiConsumer<String, String> skip) {
        List<Path> files = new ArrayList<>(batch.size());
        batch.forEach(i -> files.add(i.file()));
        List<Prediction> predictions;
        try {
            predictions = engine.predictBatch(ImageSource.ofFiles(files));
        } catch (ScoringException batchFailure) {
            for (EvaluationFolder.Image image : batch) {
                Prediction p;
                try {
                    p = engine.predict(image.file());
                } catch (ScoringException e) {
                    skip.accept(image.relativePath(), e.getMessage());
                    continue;
                }
                add.accept(image, p);
            }
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            add.accept(batch.get(i), predictions.get(i));
        }
    }

    private static double[] probabilities(Collection<Double> scores) {
        double[] out = new double[scores.size()];
        int i = 0;
        for (double s : scores) {
            out[i++] = s;
        }
        return out;
    }

    private void emit(ProgressEvent event) {
        ProgressListener.emit(listener, event);
    }

    @Override
    public String toString() {
        return "ModelEvaluator[topK=" + topK + ", batchSize=" + batchSize + "]";
    }
}
