package dev.modelbuilder.scoring.evaluation;

import java.util.List;
import java.util.Objects;

/**
 * An image whose predicted label set differs from its true one.
 *
 * @param image its path relative to the dataset's root folder, with {@code /} separators
 * @param trueLabels its labels, in class-index order
 * @param predictedLabels the labels the model gave it, in class-index order
 * @param iou {@code |true ∩ predicted| / |true ∪ predicted|} (below 1 for a mistake)
 * @param wrong how many labels were wrongly given or missed
 */
public record MultiLabelMistake(String image, List<String> trueLabels, List<String> predictedLabels, double iou,
        int wrong) {
    /** Copies the lists. */
    public MultiLabelMistake {
        Objects.requireNonNull(image, "image");
        trueLabels = List.copyOf(trueLabels);
        predictedLabels = List.copyOf(predictedLabels);
    }
}
