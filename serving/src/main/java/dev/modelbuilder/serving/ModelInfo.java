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
 */
public record ModelInfo(String name, List<String> labels, ModelInfo.InputSize inputSize, String modelSha256,
        String sdkVersion) {
    /** Copies the labels. */
    public ModelInfo {
        labels = List.copyOf(labels);
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
