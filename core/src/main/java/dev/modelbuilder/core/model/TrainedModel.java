package dev.modelbuilder.core.model;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of training: the three artifacts every backend delivers, their labels and the run's metrics.
 *
 * @param directory the folder holding the artifacts
 * @param onnxModel {@code bestModel.onnx}: input {@code input1} [N,3,H,W], output {@code output1} logits [N,C]
 * @param labelMap {@code bestModelMap.json}: a JSON array of labels in class-index order
 * @param pipeline {@code MLModel.zip}: the self-contained prediction pipeline
 * @param labels the labels in class-index order
 * @param runId the run that produced it
 * @param metrics the run's final metrics
 */
public record TrainedModel(Path directory, Path onnxModel, Path labelMap, Path pipeline, List<String> labels,
        String runId, Map<String, Double> metrics) {

    /** The ONNX model's file name. */
    public static final String ONNX_FILE = "bestModel.onnx";
    /** The label map's file name. */
    public static final String LABEL_MAP_FILE = "bestModelMap.json";
    /** The prediction pipeline's file name. */
    public static final String PIPELINE_FILE = "MLModel.zip";

    /** Copies the collections and checks the required fields. */
    public TrainedModel {
        Objects.requireNonNull(directory, "directory");
        Objects.requireNonNull(onnxModel, "onnxModel");
        Objects.requireNonNull(labelMap, "labelMap");
        Objects.requireNonNull(pipeline, "pipeline");
        labels = List.copyOf(labels);
        metrics = Map.copyOf(Objects.requireNonNullElse(metrics, Map.of()));
    }

    /**
     * The standard artifact paths in a folder.
     *
     * @param directory the folder
     * @param labels labels in class-index order
     * @param runId the run that produced the model
     * @param metrics the run's final metrics
     * @return the model
     */
    public static TrainedModel inDirectory(Path directory, List<String> labels, String runId,
            Map<String, Double> metrics) {
        return new TrainedModel(directory, directory.resolve(ONNX_FILE), directory.resolve(LABEL_MAP_FILE),
                directory.resolve(PIPELINE_FILE), labels, runId, metrics);
    }
}
