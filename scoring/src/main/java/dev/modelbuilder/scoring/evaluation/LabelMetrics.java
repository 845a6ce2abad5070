package dev.modelbuilder.scoring.evaluation;

import java.util.Objects;

/**
 * The figures of one label.
 *
 * @param label the label
 * @param precision of the images predicted as this label, the share that truly are; 0 when none was predicted
 * @param recall of the images of this label, the share predicted as it; 0 when the label has no images
 * @param f1 the harmonic mean of precision and recall; 0 when both are 0
 * @param support how many evaluated images truly have this label
 * @param predicted how many evaluated images were predicted as this label
 */
public record LabelMetrics(String label, double precision, double recall, double f1, long support, long predicted) {
    /** Checks the label. */
    public LabelMetrics {
        Objects.requireNonNull(label, "label");
    }
}
