package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.FileAccessException;

import dev.modelbuilder.core.exception.ModelBuilderException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.dataset.LabelNames;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.implementation.Json;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * The class labels of a model in class-index order: the content of {@code bestModelMap.json} and of
 * {@code labels.json} inside MLModel.zip.
 *
 * <pre>{@code
 * LabelMap labels = LabelMap.read(Path.of("bestModelMap.json"));   // ["daisy","dandelion","roses"]
 * String second = labels.label(1);                                 // "dandelion"
 * labels.requireSize(3, "bestModel.onnx");
 * }</pre>
 *
 * <p>The written form is a JSON array of strings (Model Builder's format). Readers also accept an object whose keys
 * are the indices {@code "0"} to {@code "n-1"}, each exactly once: {@code {"0":"daisy","1":"dandelion"}}. Labels
 * must be non-blank and distinct, without control characters (a label is printed to terminals) or bidirectional
 * formatting characters (which make a label read as another text).
 *
 * @param labels the labels, index 0 first; copied into an unmodifiable list
 */
public record LabelMap(List<String> labels) {
    private static final long MAX_FILE_BYTES = 16L << 20;

    /**
     * @throws ValidationException if the list is empty, or a label is null, blank, repeated or holds a control
     *     character
     * @throws NullPointerException if {@code labels} is null
     */
    public LabelMap {
        Objects.requireNonNull(labels, "labels");
        if (labels.isEmpty()) {
            throw new ValidationException("labels", "[]", "a model needs at least one label");
        }
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < labels.size(); i++) {
            String label = labels.get(i);
            if (label == null || label.isBlank()) {
                throw new ValidationException("label " + i, label, "labels must not be blank");
            }
            String bad = LabelNames.problem(label);
            if (bad != null) {
                throw new ValidationException("label " + i, LabelNames.escape(label), "labels must not hold control "
                        + "or bidirectional formatting characters; it " + bad);
            }
            if (!seen.add(label)) {
                throw new ValidationException("label " + i, label,
                        "labels must be distinct; it repeats label " + labels.indexOf(label));
            }
        }
        labels = List.copyOf(labels);
    }

    /**
     * @param labels the labels in class-index order
     * @return the label map
     * @throws ValidationException if there are none, or one is blank or repeated
     */
    public static LabelMap of(String... labels) {
        return new LabelMap(Arrays.asList(labels));
    }

    /**
     * @param labels the labels in class-index order
     * @return the label map
     * @throws ValidationException if there are none, or one is blank or repeated
     */
    public static LabelMap of(List<String> labels) {
        return new LabelMap(labels);
    }

    /**
     * Reads {@code bestModelMap.json} (or any file in one of the two accepted forms).
     *
     * @param file the JSON file
     * @return the label map
     * @throws ModelLoadException if the file is missing, unreadable, not valid JSON, in neither form, or has blank,
     *     repeated or missing labels; the message names the file
     */
    public static LabelMap read(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            if (Files.size(file) > MAX_FILE_BYTES) {
                throw new ModelLoadException("label map " + file + " is larger than " + MAX_FILE_BYTES + " bytes");
            }
            return parse(Files.readString(file, StandardCharsets.UTF_8), file.toString());
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("label map not found: " + file, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read label map " + file + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param json {@code ["a","b"]} or {@code {"0":"a","1":"b"}}
     * @return the label map
     * @throws ModelLoadException if the text is not valid JSON, in neither form, or has blank, repeated or missing
     *     labels
     */
    public static LabelMap parse(String json) {
        return parse(json, "label map JSON");
    }

    static LabelMap parse(String json, String source) {
        Objects.requireNonNull(json, "json");
        String text = json.startsWith("\uFEFF") ? json.substring(1) : json;
        JsonNode root;
        try {
            root = Json.readTree(text);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || root.isMissingNode()) {
            throw new ModelLoadException(source + " is empty; expected a JSON array of labels");
        }
        List<String> labels;
        if (root.isArray()) {
            labels = new ArrayList<>(root.size());
            for (int i = 0; i < root.size(); i++) {
                labels.add(text(root.get(i), source, "element " + i));
            }
        } else if (root.isObject()) {
            labels = fromObject(root, source);
        } else {
            throw new ModelLoadException(source + " must be a JSON array of labels (or an object {\"0\": label, ...}),"
                    + " found " + root.getNodeType().toString().toLowerCase(java.util.Locale.ROOT));
        }
        try {
            return new LabelMap(labels);
        } catch (ValidationException e) {
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static List<String> fromObject(JsonNode root, String source) {
        int n = root.size();
        String[] byIndex = new String[n];
        for (Map.Entry<String, JsonNode> e : root.properties()) {
            int index;
            try {
                index = Integer.parseInt(e.getKey().trim());
            } catch (NumberFormatException ex) {
                throw new ModelLoadException(source + ": key '" + e.getKey() + "' is not a class index; expected keys "
                        + "\"0\" to \"" + (n - 1) + "\"");
            }
            if (index < 0 || index >= n) {
                throw new ModelLoadException(source + ": class index " + index + " is out of range; " + n
                        + " labels need the indices 0 to " + (n - 1) + ", each once");
            }
            if (byIndex[index] != null) {
                throw new ModelLoadException(source + ": class index " + index + " appears twice");
            }
            byIndex[index] = text(e.getValue(), source, "key '" + e.getKey() + "'");
        }
        for (int i = 0; i < n; i++) {
            if (byIndex[i] == null) {
                throw new ModelLoadException(source + ": class index " + i + " is missing; indices must run from 0 to "
                        + (n - 1));
            }
        }
        return Arrays.asList(byIndex);
    }

    private static String text(JsonNode node, String source, String where) {
        if (node == null || !node.isTextual()) {
            throw new ModelLoadException(source + ": " + where + " must be a string label, found "
                    + (node == null ? "nothing" : node.toString()));
        }
        return node.asText();
    }

    /** @return the labels as a compact JSON array, e.g. {@code ["daisy","dandelion"]} */
    public String toJson() {
        try {
            return Json.writeCompact(labels);
        } catch (JsonProcessingException e) {
            throw new ModelBuilderException("cannot serialize labels: " + e.getMessage(), e);
        }
    }

    /**
     * Writes {@link #toJson()} as UTF-8 (the {@code bestModelMap.json} format).
     *
     * @param file the file to create or replace
     * @throws FileAccessException if the file cannot be written
     */
    public void write(Path file) {
        Objects.requireNonNull(file, "file");
        try {
            Files.writeString(file, toJson(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot write label map " + file + ": " + e.getMessage(), e);
        }
    }

    /** @return the number of labels (classes) */
    public int size() {
        return labels.size();
    }

    /**
     * @param index a class index
     * @return its label
     * @throws IndexOutOfBoundsException if the index is not between 0 and {@code size() - 1}
     */
    public String label(int index) {
        Objects.checkIndex(index, labels.size());
        return labels.get(index);
    }

    /**
     * @param label a label
     * @return its class index, or -1 when it is not in the map
     */
    public int indexOf(String label) {
        return labels.indexOf(label);
    }

    /**
     * Checks that the model and the label map agree on the number of classes.
     *
     * @param modelClasses the number of classes the model outputs
     * @param source the model, in words (e.g. its file name), for the message
     * @return this label map
     * @throws ModelLoadException naming both sizes when they differ
     */
    public LabelMap requireSize(int modelClasses, String source) {
        if (modelClasses != labels.size()) {
            throw new ModelLoadException("label map has " + labels.size() + " labels but " + source + " outputs "
                    + modelClasses + " classes; use the bestModelMap.json that was produced with this model");
        }
        return this;
    }
}
