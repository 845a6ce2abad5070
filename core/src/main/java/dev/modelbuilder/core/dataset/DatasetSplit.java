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
     * @param image an image of this dataset with one label
     * @return its class index
     * @throws dev.modelbuilder.core.exception.InvalidStateException when the image has no label or several
     */
    public int classIndex(LabeledImage image) {
        return indexOf(image.label());
    }

    /**
     * @param image an image of this dataset
     * @return one 0/1 target per label in class-index order: 1 for each label the image has (the targets of a
     *     multi-label model)
     */
    public float[] targets(LabeledImage image) {
        float[] t = new float[labels.size()];
        for (String label : image.labels()) {
            t[indexOf(label)] = 1f;
        }
        return t;
    }

    private int indexOf(String label) {
        int i = labels.indexOf(label);
        if (i < 0) {
            throw new IllegalArgumentException("label '" + label + "' is not one of " + labels);
        }
        return i;
    }
}
