package dev.modelbuilder.scoring;

import dev.modelbuilder.scoring.implementation.ExternalDataCheck;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.scoring.implementation.ModelSession;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Checks with ONNX Runtime that a model fits its labels and pipeline, before it is packaged: the named input and
 * output exist, the input's fixed sizes agree with the preprocessing, and the class count equals the number of
 * labels.
 *
 * <pre>{@code
 * ModelVerifier.writeVerifiedPackage(Path.of("MLModel.zip"), Path.of("bestModel.onnx"), labels, pipeline);
 * }</pre>
 */
public final class ModelVerifier {
    private ModelVerifier() {
    }

    /**
     * Opens the model once on the CPU and checks it.
     *
     * @param onnxFile the ONNX model
     * @param labels the labels in class-index order
     * @param pipeline the pipeline definition
     * @throws ModelLoadException if the model cannot be loaded, lacks the named input or output, has input sizes that
     *     contradict the preprocessing, or its class count differs from the number of labels
     */
    public static void verify(Path onnxFile, LabelMap labels, PipelineSpec pipeline) {
        Objects.requireNonNull(onnxFile, "onnxFile");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(pipeline, "pipeline");
        if (!Files.isRegularFile(onnxFile)) {
            throw new ModelLoadException("ONNX model not found: " + onnxFile);
        }
        String what = "ONNX model " + onnxFile.getFileName();
        try (ModelSession session = ModelSession.open(new ModelSession.Request(onnxFile, null, what, -1, false, 0, null))) {
            session.check(labels, pipeline.preprocessing(), pipeline.inputName(), pipeline.outputName(), false);
        }
    }

    /**
     * Checks, without ONNX Runtime, that a model holds all its weights: a tensor kept in an external data file makes
     * ONNX Runtime open whatever file the entry names (an absolute path, or {@code ../../etc/passwd} resolved against
     * the working folder), so such a model is refused before any runtime sees it. Models over 2 GiB, which need
     * external data, are refused too.
     *
     * @param onnxFile the ONNX model (mapped, not read whole)
     * @param name the model in words, for the error, e.g. {@code the backbone bb.onnx}
     * @throws ModelLoadException naming the tensor and the file it points at, or when the model cannot be read
     */
    public static void requireSelfContained(Path onnxFile, String name) {
        ExternalDataCheck.check(Objects.requireNonNull(onnxFile, "onnxFile"), Objects.requireNonNull(name, "name"));
    }

    /**
     * {@linkplain #verify Verifies} the model, then {@linkplain ModelPackage#write writes} MLModel.zip.
     *
     * @param zip the archive to create or replace
     * @param onnxFile the ONNX model (bestModel.onnx)
     * @param labels the labels in class-index order
     * @param pipeline the pipeline definition
     * @throws ModelLoadException if the model does not fit its labels and pipeline, or cannot be read
     * @throws dev.modelbuilder.core.exception.FileAccessException if the archive cannot be written
     */
    public static void writeVerifiedPackage(Path zip, Path onnxFile, LabelMap labels, PipelineSpec pipeline) {
        Objects.requireNonNull(zip, "zip");
        verify(onnxFile, labels, pipeline);
        ModelPackage.write(zip, onnxFile, labels, pipeline);
    }
}
