package dev.modelbuilder.scoring.evaluation;

import java.util.Objects;

/**
 * An image the model got wrong.
 *
 * @param image its path relative to the evaluated folder, with {@code /} separators (e.g. {@code roses/12.jpg})
 * @param trueLabel the label of the folder it lies in
 * @param predictedLabel the label the model gave it
 * @param score the model's probability for the predicted label
 * @param trueLabelScore the model's probability for the true label
 */
public record Misclassified(String image, String trueLabel, String predictedLabel, double score,
        double trueLabelScore) {
    /** Checks the fields. */
    public Misclassified {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(trueLabel, "trueLabel");
        Objects.requireNonNull(predictedLabel, "predictedLabel");
    }
}
