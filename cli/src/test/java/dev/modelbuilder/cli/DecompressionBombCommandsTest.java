package dev.modelbuilder.cli;

import dev.modelbuilder.testdata.Bombs;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.testdata.DecodingFixtures;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code predict} and {@code evaluate} in a JVM of their own with {@code -Xmx1g}, given the hostile-input sweep's
 * 480 KB PNG of 13000 x 13000 pixels, alone and six at once: each image gets a correct answer or a typed error
 * (never an out-of-memory, never "corrupt"), the other images are scored, and the exit code is 1 exactly when an
 * image failed. The bomb is written by the test, never committed.
 */
class DecompressionBombCommandsTest {
    @TempDir
    static Path tmp;
    private static Path model;
    private static Path bomb;
    private static Path black;

    @BeforeAll
    static void setUp() throws Exception {
        model = tmp.resolve("MLModel.zip");
        CliHarness.Result r = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString(), "--labels",
                ImageClassificationFixtures.labelMap().toString(), "--preprocess", "resize-crop", "--output", model.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        bomb = Bombs.writePng(tmp.resolve("big.png"), 13_000, 13_000);
        // a small black image: after resize and crop, its tensor is the bomb's
        black = tmp.resolve("black.png");
        ImageIO.write(new BufferedImage(300, 300, BufferedImage.TYPE_3BYTE_BGR), "png", black.toFile());
    }

    @Test
    void predictScoresTheBombLikeAnyBlackImage() throws Exception {
        Forked run = forked("predict", "--json", "--model", model.toString(), bomb.toString(), black.toString());

        List<JsonNode> rows = run.jsonLines();
        assertThat(run.output()).doesNotContain("OutOfMemoryError").doesNotContainIgnoringCase("corrupt");
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("image").asText()).isEqualTo(bomb.toString());
        assertThat(rows.get(0).has("error")).as(run.output()).isFalse();
        assertThat(rows.get(0).get("scores")).isEqualTo(rows.get(1).get("scores"));
        assertThat(run.exitCode()).isZero();
        System.out.println("predict, one 13000x13000 PNG, -Xmx1g: " + run.peakRss());
    }

    @Test
    void predictGoesThroughSixBombsAndTheOtherImages() throws Exception {
        List<String> args = new ArrayList<>(List.of("predict", "--json", "--model", model.toString()));
        for (int i = 0; i < 6; i++) {
            args.add(bomb.toString());
        }
        args.add(black.toString());

        Forked run = forked(args.toArray(String[]::new));

        assertThat(run.output()).doesNotContain("OutOfMemoryError").doesNotContainIgnoringCase("corrupt");
        List<JsonNode> rows = run.jsonLines();
        assertThat(rows).hasSize(7);
        int failed = 0;
        for (JsonNode row : rows) {
            if (row.has("error")) {
                failed++;
                assertThat(row.get("error").asText()).contains("needs").contains("decode budget");
            } else {
                assertThat(row.get("scores")).isEqualTo(rows.get(6).get("scores"));
            }
        }
        assertThat(rows.get(6).has("error")).isFalse();
        assertThat(run.exitCode()).isEqualTo(failed == 0 ? 0 : 1);
        System.out.println("predict, six 13000x13000 PNGs one after the other, -Xmx1g: " + run.peakRss() + ", "
                + failed + " refused");
    }

    @Test
    void evaluateDecodesSixBombsInParallelWithinTheBudget() throws Exception {
        Path data = tmp.resolve("held-out");
        List<String> labels = List.of("daisy", "dandelion", "roses", "sunflowers", "tulips");
        for (String label : labels) {
            Files.createDirectories(data.resolve(label));
            Files.copy(ImageClassificationFixtures.image("rocket.jpg"), data.resolve(label).resolve("rocket.jpg"));
        }
        for (int i = 0; i < 6; i++) {
            Files.copy(bomb, data.resolve(labels.get(i % labels.size())).resolve("big" + i + ".png"));
        }

        Forked run = forked("evaluate", "--json", "--model", model.toString(), "--data", data.toString());

        assertThat(run.output()).doesNotContain("OutOfMemoryError").doesNotContainIgnoringCase("corrupt");
        JsonNode result = new ObjectMapper().readTree(run.stdout());
        // the preprocessing threads decode the bombs of a batch at once; the budget lets one at a time in, and all
        // of them fit one after the other, so every image is scored
        assertThat(result.get("skipped")).as(run.output()).isEmpty();
        assertThat(result.get("images").asInt()).isEqualTo(11);
        assertThat(run.exitCode()).as(run.output()).isZero();
        System.out.println("evaluate, six 13000x13000 PNGs among 11 images, -Xmx1g: " + run.peakRss());
    }

    @Test
    void predictExitsWithOneWhenAnImageIsOverThePixelCapAndScoresTheOthers() throws Exception {
        Path large = tmp.resolve("large.png");
        ImageIO.write(new BufferedImage(400, 400, BufferedImage.TYPE_3BYTE_BGR), "png", large.toFile());
        List<String> capped = List.of("-D" + dev.modelbuilder.pipeline.implementation.DecodeBudget.MAX_PIXELS_PROPERTY
                + "=100000"); // 300 x 300 = 90,000 pixels pass; 400 x 400 = 160,000 do not

        Forked text = forked(capped, "predict", "--model", model.toString(), black.toString(), large.toString(),
                black.toString());

        assertThat(text.exitCode()).as(text.output()).isEqualTo(1);
        assertThat(text.stderr()).contains(large + ": error: ").contains("160000").contains("100000")
                .doesNotContainIgnoringCase("corrupt");
        assertThat(text.stdout().lines().filter(l -> l.startsWith(black + ": "))).hasSize(2);
        assertThat(text.stdout()).doesNotContain(large.toString());

        Forked json = forked(capped, "predict", "--json", "--model", model.toString(), large.toString(),
                black.toString());

        assertThat(json.exitCode()).as(json.output()).isEqualTo(1);
        List<JsonNode> rows = json.jsonLines();
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).get("error").asText()).contains("100000");
        assertThat(rows.get(1).has("error")).isFalse();
        assertThat(rows.get(1).get("label").asText()).isNotEmpty();
    }

    @Test
    void lossyWebPScoresExactlyAsPillowsDecode() {
        DecodingFixtures.Entry webp = DecodingFixtures.entry("webp_lossy.webp");

        CliHarness.Result r = CliHarness.run("predict", "--json", "--model", model.toString(),
                DecodingFixtures.file(webp).toString(), DecodingFixtures.pillowDecode(webp).toString());

        assertThat(r.exitCode()).as(r.err()).isZero();
        String[] lines = r.out().split("\n");
        assertThat(lines).hasSize(2);
        assertThat(lines[0].substring(lines[0].indexOf("\"label\""))).isEqualTo(
                lines[1].substring(lines[1].indexOf("\"label\"")));
    }

    /** What a forked CLI printed. */
    private record Forked(int exitCode, String stdout, String stderr) {
        String output() {
            return stdout + stderr;
        }

        List<JsonNode> jsonLines() throws IOException {
            List<JsonNode> out = new ArrayList<>();
            for (String line : stdout.split("\n")) {
                if (line.startsWith("{")) {
                    out.add(new ObjectMapper().readTree(line));
                }
            }
            return out;
        }

        String peakRss() {
            return Arrays.stream(stderr.split("\n")).filter(l -> l.startsWith("PEAK_RSS")).findFirst()
                    .orElse("PEAK_RSS unknown").substring("PEAK_RSS ".length()) + " peak RSS";
        }
    }

    private static Forked forked(String... args) throws Exception {
        return forked(List.of(), args);
    }

    private static Forked forked(List<String> jvmOptions, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-Xmx1g", "-XX:-UsePerfData"));
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), ForkedCli.class.getName()));
        command.addAll(List.of(args));
        Path out = Files.createTempFile(tmp, "out", ".txt");
        Path err = Files.createTempFile(tmp, "err", ".txt");
        Process p = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile()).start();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
            throw new AssertionError("the forked CLI did not end in 5 minutes: " + Files.readString(err));
        }
        return new Forked(p.exitValue(), Files.readString(out), Files.readString(err));
    }

    /** The CLI's entry point, then its peak RSS on standard error. */
    public static final class ForkedCli {
        public static void main(String[] args) throws IOException {
            int code = ModelBuilderCli.run(args);
            System.out.flush();
            long kib = -1;
            for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    kib = Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
            System.err.println("PEAK_RSS " + (kib < 0 ? "unknown" : kib / 1024 + " MiB"));
            System.exit(code);
        }
    }

}
