package dev.modelbuilder.scoring.evaluation;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modelbuilder.core.exception.ModelBuilderException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How well a multi-label model labelled a dataset: each image's predicted label set (every label at or above its
 * threshold) against its true set.
 *
 * <pre>{@code
 * MultiLabelEvaluationResult r = ModelEvaluator.builder().build()
 *         .evaluateMultiLabel(Path.of("MLModel.zip"), Path.of("test/labels.jsonl"));
 * r.meanIou();            // 0.71: the mean over images of |true ∩ predicted| / |true ∪ predicted|
 * r.subsetAccuracy();     // 0.48: images whose predicted set is exactly the true one
 * r.bestThreshold();      // 0.35: the one threshold that would have maximized macro F1 here (not applied)
 * }</pre>
 *
 * <p>An image with no true label and no predicted label counts as an IoU of 1 (the model said, rightly, that none of
 * its labels is there). Macro averages are over the labels that some image has or was given.
 *
 * @param dataFolder the evaluated dataset (folder or labels file), absolute
 * @param model what was evaluated, for the reader
 * @param labels the model's labels in class-index order
 * @param images how many images were scored (skipped ones not included)
 * @param meanIou the mean Jaccard index of the true and predicted label sets
 * @param subsetAccuracy the share of images whose predicted set equals the true set
 * @param hammingLoss the share of (image, label) decisions that were wrong
 * @param micro precision, recall and F1 over every (image, label) decision pooled
 * @param macro precision, recall and F1 averaged over labels
 * @param perLabel each label's decision figures at its threshold, in class-index order
 * @param bestThreshold the single threshold, on a grid of 0.01 steps, that maximizes macro F1 on this data
 *     (reported, not applied: choose it with {@code package --threshold})
 * @param bestThresholdMacroF1 the macro F1 at that threshold
 * @param worst the images with the lowest IoU (most wrong labels first), at most {@value
 *     MultiLabelEvaluationAccumulator#MAX_WORST_IMAGES}
 * @param skippedCount how many files could not be scored
 * @param skipped those files and why
 */
public record MultiLabelEvaluationResult(String dataFolder, String model, List<String> labels, long images,
        double meanIou, double subsetAccuracy, double hammingLoss, Averages micro, Averages macro,
        List<LabelDecisionMetrics> perLabel, double bestThreshold, double bestThresholdMacroF1,
        List<MultiLabelMistake> worst, long skippedCount, List<SkippedImage> skipped) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the lists. */
    public MultiLabelEvaluationResult {
        Objects.requireNonNull(dataFolder, "dataFolder");
        Objects.requireNonNull(model, "model");
        labels = List.copyOf(labels);
        Objects.requireNonNull(micro, "micro");
        Objects.requireNonNull(macro, "macro");
        perLabel = List.copyOf(perLabel);
        worst = List.copyOf(worst);
        skipped = List.copyOf(skipped);
        if (skippedCount != skipped.size()) {
            throw new IllegalArgumentException("skippedCount " + skippedCount + " but " + skipped.size()
                    + " skipped images listed");
        }
    }

    /**
     * @param label a label of the model
     * @return its figures
     * @throws IllegalArgumentException if the model has no such label
     */
    public LabelDecisionMetrics label(String label) {
        return perLabel.stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no label '" + label + "'; labels are " + labels));
    }

    /**
     * @return the same result with the data folder as its own name and an absolute model path as its file name, and
     *     the folder's path removed from the skip reasons, for sharing
     */
    public MultiLabelEvaluationResult withRelativePaths() {
        Path folder = Path.of(dataFolder);
        String name = folder.getFileName() == null ? dataFolder : folder.getFileName().toString();
        String prefix = folder.toString() + folder.getFileSystem().getSeparator();
        List<SkippedImage> relative = skipped.stream().map(s -> new SkippedImage(s.image(),
                s.reason().replace(prefix, "").replace(folder.toString(), name))).toList();
        Path m = Path.of(model);
        String modelName = m.isAbsolute() && m.getFileName() != null ? m.getFileName().toString() : model;
        return new MultiLabelEvaluationResult(name, modelName, labels, images, meanIou, subsetAccuracy, hammingLoss,
                micro, macro, perLabel, bestThreshold, bestThresholdMacroF1, worst, skippedCount, relative);
    }

    /** @return the whole result as one indented JSON document */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new ModelBuilderException("cannot write the evaluation result as JSON: " + e.getMessage(), e);
        }
    }
}
