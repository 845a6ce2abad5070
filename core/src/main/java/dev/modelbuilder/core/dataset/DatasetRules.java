package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.exception.ValidationException;

/**
 * The checks an image-folder dataset must pass before anything is uploaded or trained.
 *
 * @param minLabels the fewest label folders (at least 2: one label is not a classification)
 * @param minImagesPerLabel the fewest images each label needs (at least 1)
 */
public record DatasetRules(int minLabels, int minImagesPerLabel) {
    /** The default minimum number of labels. */
    public static final int DEFAULT_MIN_LABELS = 2;
    /**
     * The default minimum images per label: 5, so that a 20 % validation split keeps at least one image of every
     * label. Azure AutoML recommends 10-15 per label.
     */
    public static final int DEFAULT_MIN_IMAGES_PER_LABEL = 5;

    /** @throws ValidationException when a minimum is out of range */
    public DatasetRules {
        if (minLabels < 2) {
            throw new ValidationException("minimum label count", minLabels, "use 2 or more");
        }
        if (minImagesPerLabel < 1) {
            throw new ValidationException("minimum images per label", minImagesPerLabel, "use 1 or more");
        }
    }

    /** @return 2 labels, 5 images per label */
    public static DatasetRules defaults() {
        return new DatasetRules(DEFAULT_MIN_LABELS, DEFAULT_MIN_IMAGES_PER_LABEL);
    }

    /**
     * @param min the fewest images each label needs
     * @return a copy with that minimum
     */
    public DatasetRules withMinImagesPerLabel(int min) {
        return new DatasetRules(minLabels, min);
    }
}
