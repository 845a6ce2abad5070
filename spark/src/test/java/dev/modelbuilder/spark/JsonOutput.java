package dev.modelbuilder.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.scoring.Prediction;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The batch job's JSON output: Spark's part files, one object per line. */
final class JsonOutput {
    private static final ObjectMapper JSON = new ObjectMapper();

    private JsonOutput() {
    }

    /**
     * @param dir the job's --output folder
     * @return every row, by file name
     * @throws IOException if a part file cannot be read
     */
    static Map<String, JsonNode> rows(Path dir) throws IOException {
        assertThat(dir.resolve("_SUCCESS")).as("Spark's success marker").exists();
        Map<String, JsonNode> out = new TreeMap<>();
        try (Stream<Path> files = Files.list(dir)) {
            for (Path part : files.filter(p -> p.getFileName().toString().startsWith("part-")).sorted().toList()) {
                for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                    if (!line.isBlank()) {
                        JsonNode row = JSON.readTree(line);
                        List<String> keys = new ArrayList<>();
                        row.fieldNames().forEachRemaining(keys::add);
                        assertThat(keys).as("the columns of " + line)
                                .containsExactly("path", "label", "score", "scores", "error");
                        out.put(SparkTestSupport.fileName(row.get("path").asText()), row);
                    }
                }
            }
        }
        return out;
    }

    /**
     * @param dir the job's --output folder
     * @return how many part files hold rows (one per non-empty partition of the scoring stage)
     * @throws IOException if the folder cannot be listed
     */
    static long partFiles(Path dir) throws IOException {
        try (Stream<Path> files = Files.list(dir)) {
            return files.filter(p -> p.getFileName().toString().startsWith("part-")).filter(p -> {
                try {
                    return Files.size(p) > 0;
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }).count();
        }
    }

    /**
     * Asserts that a row holds the in-process engine's prediction (label equal, scores within 1e-6, error null).
     *
     * @param row the row
     * @param expected the prediction
     * @param what the image
     */
    static void assertSame(JsonNode row, Prediction expected, String what) {
        assertThat(row.get("error").isNull()).as("error of " + what + ": " + row).isTrue();
        assertThat(row.get("label").asText()).as("label of " + what).isEqualTo(expected.label());
        assertThat(row.get("score").asDouble()).as("score of " + what).isCloseTo(expected.score(),
                within(SparkTestSupport.SCORE_TOLERANCE));
        JsonNode scores = row.get("scores");
        List<String> labels = new ArrayList<>();
        for (Iterator<String> it = scores.fieldNames(); it.hasNext(); ) {
            labels.add(it.next());
        }
        // JSON keeps the map's order: class-index order
        assertThat(labels).as("labels of " + what).containsExactlyElementsOf(expected.scores().keySet());
        expected.scores().forEach((label, score) -> assertThat(scores.get(label).asDouble())
                .as(label + " of " + what).isCloseTo(score, within(SparkTestSupport.SCORE_TOLERANCE)));
    }

    /**
     * Asserts that a row holds an error and no prediction.
     *
     * @param row the row
     * @param what the file
     */
    static void assertError(JsonNode row, String what) {
        assertThat(row.get("error").asText()).as("error of " + what).isNotBlank();
        assertThat(row.get("label").isNull()).as("label of " + what).isTrue();
        assertThat(row.get("score").isNull()).as("score of " + what).isTrue();
        assertThat(row.get("scores").isNull()).as("scores of " + what).isTrue();
    }
}
