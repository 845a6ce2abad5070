package dev.modelbuilder.spark;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The batch job run exactly as the README writes it, {@code java -cp "spark/target/modelbuilder-spark.jar:
 * spark/target/lib/*" dev.modelbuilder.spark.BatchScoring --master local[2] ...}, with no JVM option: it must start
 * itself again with the options Spark needs on Java 17. Needs the packaged module (a failsafe test: Maven packages
 * the module before it runs).
 */
@Tag("packaged")
class BatchScoringCommandIT {
    private static final Duration TIMEOUT = Duration.ofMinutes(3);

    @TempDir
    static Path dir;

    static Path zip;
    static Path images;
    static Map<String, Prediction> expected;

    @BeforeAll
    static void setUp() throws Exception {
        zip = SparkTestSupport.fixturePackage(dir.resolve("model"));
        images = SparkTestSupport.fixtureImages(dir);
        // a folder read recursively: one image one level down, and two files that are not images
        Path nested = Files.createDirectories(images.resolve("more"));
        Files.move(images.resolve("rocket.jpg"), nested.resolve("rocket.jpg"));
        Files.writeString(images.resolve("notes.txt"), "not an image", StandardCharsets.UTF_8);
        Files.write(nested.resolve("cut.jpg"), Arrays.copyOf(
                Files.readAllBytes(ImageClassificationFixtures.image("rocket.jpg")), 700));
        expected = SparkTestSupport.inProcess(zip, ImageClassificationFixtures.imageFiles());
    }

    static List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(Processes.java(), "-cp",
                Processes.moduleJar() + java.io.File.pathSeparator + Processes.moduleLib().resolve("*"),
                "dev.modelbuilder.spark.BatchScoring"));
        cmd.addAll(List.of(args));
        return cmd;
    }

    @Test
    void asWrittenItScoresAFolderIntoJsonAsTheInProcessEngine() throws Exception {
        Path out = dir.resolve("json-out");
        Processes.Result r = Processes.run(command("--master", "local[2]", "--model", zip.toString(), "--input",
                images.toString(), "--output", out.toString(), "--format", "json"), Map.of(), dir.resolve("run1"),
                TIMEOUT);

        assertThat(r.exitCode()).as(r.all()).isZero();
        assertThat(r.stdout()).as(r.all()).contains("scored 10 file(s)").contains("8 predicted, 2 error(s)");
        Map<String, JsonNode> rows = JsonOutput.rows(out);
        assertThat(rows.keySet()).as(rows.toString()).hasSize(10);
        for (Map.Entry<String, Prediction> e : expected.entrySet()) {
            JsonOutput.assertSame(rows.get(e.getKey()), e.getValue(), e.getKey());
        }
        JsonOutput.assertError(rows.get("notes.txt"), "notes.txt");
        JsonOutput.assertError(rows.get("cut.jpg"), "cut.jpg");
        assertThat(rows.get("rocket.jpg").get("path").asText()).startsWith("file:").endsWith("/more/rocket.jpg");
    }

    @Test
    void failOnErrorExitsWithOneNamingTheFile() throws Exception {
        // the client compiler alone: a short run, and the command as written is the test above
        Processes.Result r = Processes.run(command("--master", "local[2]", "--model", zip.toString(), "--input",
                images.resolve("more").toString(), "--output", dir.resolve("failed-out").toString(),
                "--fail-on-error"), Map.of("JAVA_TOOL_OPTIONS", "-XX:TieredStopAtLevel=1"), dir.resolve("run2"),
                TIMEOUT);

        assertThat(r.exitCode()).as(r.all()).isEqualTo(1);
        assertThat(r.stderr()).as(r.all()).contains("error: the job failed: cannot score file:")
                .contains("/more/cut.jpg");
    }

    @Test
    void badOptionsExitWithTwoAndSayWhyBeforeSparkStarts() throws Exception {
        Processes.Result usage = Processes.run(command("--model", zip.toString(), "--format", "xml",
                "--batch-size", "0", "--color"), Map.of(), dir.resolve("run3"), TIMEOUT);
        assertThat(usage.exitCode()).as(usage.all()).isEqualTo(2);
        assertThat(usage.stderr()).contains("--input is missing").contains("--output is missing")
                .contains("--format 'xml' is invalid: use parquet, json or csv")
                .contains("--batch-size '0' is invalid").contains("option '--color' is invalid")
                .contains("usage: BatchScoring");
        assertThat(usage.stderr()).as("no JVM relaunched for Spark").doesNotContain("jdk.incubator.vector");
    }
}
