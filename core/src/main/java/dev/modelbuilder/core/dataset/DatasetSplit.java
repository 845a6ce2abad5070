package dev.modelbuilder.core.dataset;

import java.util.List;

/**
 * A dataset split into training and validation images.
 *
 * @param labels the labels in class-index order
 * @param training the training images
 * @param validation the validation images
 */
public record DatasetSplit(List<String> labels, List<LabeledImage> training, List<LabeledImage> validation) {
    /** Copies the lists. */
    public DatasetSplit {
        labels = List.copyOf(labels);
        training = List.copyOf(training);
        validation = List.copyOf(validation);
    }

    /**
     * @param image an image of this dataset
     * @return its class index
     */
    public int classIndex(LabeledImage image) {
        int i = labels.indexOf(image.label());
        if (i < 0) {
            throw new IllegalArgumentException("label '" + image.label() + "' is not one of " + labels);
        }
        return i;
    }
}
