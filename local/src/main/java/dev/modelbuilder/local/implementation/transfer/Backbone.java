package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A backbone ready to use: a verified catalog download or a user's ONNX file, with the preprocessing it expects.
 *
 * @param name the catalog name, or the file name of a user's model
 * @param file the ONNX file
 * @param sha256 the file's SHA-256
 * @param preprocessing what the backbone expects
 * @param cutNode the node to cut before, or {@code null} for the last Gemm/MatMul
 */
public record Backbone(String name, Path file, String sha256, PreprocessingSpec preprocessing, String cutNode) {
    /** Checks the fields a model cannot do without. */
    public Backbone {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(file, "file");
        Objects.requireNonNull(sha256, "sha256");
        Objects.requireNonNull(preprocessing, "preprocessing");
    }

    /** @return what a run records about it (in its record, and as backbone.json): name, SHA-256, cut, preprocessing */
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", name);
        m.put("sha256", sha256);
        if (cutNode != null) {
            m.put("cutNode", cutNode);
        }
        m.put("preprocessing", preprocessing.toString());
        return m;
    }
}
