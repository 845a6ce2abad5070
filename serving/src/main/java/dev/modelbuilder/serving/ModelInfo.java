package dev.modelbuilder.serving;

import java.util.List;

/**
 * The answer of {@code GET /model}.
 *
 * @param name the model's name ({@code modelbuilder.name})
 * @param labels its labels in class-index order
 * @param inputSize its input size
 * @param modelSha256 the SHA-256 of the MLModel.zip served, in hex
 * @param sdkVersion the Model Builder for Java version that serves it
 * @param multiLabel whether the model predicts any number of labels per image
 * @param thresholds for a multi-label model, each label's decision threshold; empty otherwise
 */
public record ModelInfo(String name, List<String> labels, ModelInfo.InputSize inputSize, String modelSha256,
        String sdkVersion, boolean multiLabel, java.util.Map<String, Double> thresholds) {
    /** Copies the labels and thresholds. */
    public ModelInfo {
        labels = List.copyOf(labels);
        thresholds = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(thresholds));
    }

    /**
     * The image size the model takes, after preprocessing.
     *
     * @param width in pixels
     * @param height in pixels
     */
    public record InputSize(int width, int height) {
    }
}
