package dev.modelbuilder.pipeline.labels;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.dataset.LabelsFileReader;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.pipeline.implementation.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads a JSONL labels file in Azure ML's form (what its data-labeling projects export and AutoML's MLTable reads):
 * one JSON object per line with {@code image_url}, the image's path relative to the file, and {@code label}, a string
 * or, for a multi-label dataset, a list of strings ({@code []} for an image without labels). Other fields, such as
 * {@code image_details}, are ignored; blank lines are skipped; a byte-order mark is allowed. UTF-8.
 *
 * <pre>{@code
 * {"image_url": "images/1.jpg", "image_details": {"format": "jpg"}, "label": "can"}
 * {"image_url": "images/2.jpg", "label": ["can", "milk_bottle"]}
 * }</pre>
 */
public final class JsonLinesLabelsReader implements LabelsFileReader {
    /** A line longer than this is reported, not parsed (a JSONL row of a labels file is a few hundred bytes). */
    static final int MAX_LINE_CHARS = 1 << 20;

    /** Creates the reader (stateless). */
    public JsonLinesLabelsReader() {
    }

    @Override
    public String format() {
        return "JSONL";
    }

    @Override
    public List<String> extensions() {
        return List.of(".jsonl");
    }

    @Override
    public Rows read(Path file) {
        try {
            return readRows(file);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    private Rows readRows(Path file) throws IOException {
        List<Row> rows = new ArrayList<>();
        List<Problem> problems = new ArrayList<>();
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            String text;
            long line = 0;
            while ((text = in.readLine()) != null) {
                line++;
                if (line == 1 && text.startsWith("\uFEFF")) {
                    text = text.substring(1);
                }
                if (text.isBlank()) {
                    continue;
                }
                if (text.length() > MAX_LINE_CHARS) {
                    problems.add(new Problem(line, "is longer than " + MAX_LINE_CHARS + " characters: one JSON object"
                            + " per line, with image_url and label"));
                    continue;
                }
                row(line, text, rows, problems);
            }
        }
        return new Rows(rows, problems);
    }

    private static void row(long line, String text, List<Row> rows, List<Problem> problems) {
        JsonNode node;
        try {
            node = Json.readTree(text);
        } catch (JsonProcessingException e) {
            problems.add(new Problem(line, "is not valid JSON (" + e.getOriginalMessage() + "): give one JSON object "
                    + "per line, e.g. {\"image_url\": \"images/1.jpg\", \"label\": \"cat\"}"));
            return;
        }
        if (node == null || !node.isObject()) {
            problems.add(new Problem(line, "is not a JSON object: give one object per line with image_url and label"));
            return;
        }
        JsonNode url = node.get("image_url");
        List<String> missing = new ArrayList<>();
        if (url == null || !url.isTextual()) {
            missing.add("'image_url' is " + (url == null ? "missing" : "not a string")
                    + ": give the image's path relative to the labels file");
        }
        JsonNode label = node.get("label");
        List<String> labels = new ArrayList<>();
        if (label == null || label.isNull()) {
            missing.add("'label' is missing: give a string, or a list of strings for a multi-label dataset");
        } else if (label.isTextual()) {
            labels.add(label.asText());
        } else if (label.isArray()) {
            for (JsonNode l : label) {
                if (!l.isTextual()) {
                    missing.add("'label' holds " + l.getNodeType().name().toLowerCase(java.util.Locale.ROOT) + " "
                            + shorten(l.toString()) + ": a label list holds strings only (object detection labels,"
                            + " with boxes, are not image classification)");
                    break;
                }
                labels.add(l.asText());
            }
        } else {
            missing.add("'label' is " + (label.isObject() ? "an object" : "a " + label.getNodeType().name()
                    .toLowerCase(java.util.Locale.ROOT)) + ": give a string, or a list of strings for a multi-label"
                    + " dataset");
        }
        if (!missing.isEmpty()) {
            problems.add(new Problem(line, String.join("; ", missing)));
            return;
        }
        rows.add(new Row(line, url.asText(), labels));
    }

    private static String shorten(String s) {
        return s.length() <= 40 ? s : s.substring(0, 37) + "...";
    }
}
