package dev.modelbuilder.core.dataset;

/**
 * Whether a classifier gives each image one label or any number of them. Every provider understands both: the local
 * backend trains a softmax or one sigmoid per label, Azure AutoML runs {@code ImageClassification} or
 * {@code ImageClassificationMultilabel}.
 *
 * <pre>{@code
 * TrainingSpec spec = TrainingSpec.fromData(Path.of("photos/labels.jsonl")).withMultiLabel().build();
 * spec.task();   // MULTI_LABEL
 * }</pre>
 */
public enum ClassificationTask {
    /** One label per image (a softmax over the labels); the default. */
    SINGLE_LABEL,
    /**
     * Any number of labels per image, none included (one logistic output per label, trained with binary
     * cross-entropy; a label is predicted when its probability reaches the package's threshold).
     */
    MULTI_LABEL;

    /** @return whether images may have several labels */
    public boolean isMultiLabel() {
        return this == MULTI_LABEL;
    }
}
