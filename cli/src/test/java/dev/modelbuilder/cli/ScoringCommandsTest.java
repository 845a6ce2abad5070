package dev.modelbuilder.cli;

import dev.modelbuilder.pipeline.PreprocessingSpec;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** package, predict and generate through the tool's real entry point. */
class ScoringCommandsTest {
    @TempDir
    Path tmp;

    private Path packageTiny() {
        Path zip = tmp.resolve("MLModel.zip");
        CliHarness.Result r = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString(), "--labels",
                ImageClassificationFixtures.labelMap().toString(), "--preprocess", "resize-crop", "--output", zip.toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        return zip;
    }

    @Test
    void packageWithRawPixelsWritesFormatTwoThatFeedsZeroTo255() throws Exception {
        Path zip = tmp.resolve("raw.zip");
        CliHarness.Result r = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString(),
                "--labels", ImageClassificationFixtures.labelMap().toString(), "--preprocess", "squash", "--raw-pixels",
                "--output", zip.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        dev.modelbuilder.pipeline.PipelineSpec pipeline = dev.modelbuilder.pipeline.ModelPackage.read(zip).pipeline();
        assertThat(pipeline.formatVersion()).isEqualTo("2.0");
        assertThat(pipeline.preprocessing().scale()).isEqualTo(PreprocessingSpec.PixelScale.RAW);
        assertThat(pipeline.preprocessing().normalize()).isFalse();
    }

    @Test
    void packageWritesALoadablePipeline() throws Exception {
        Path zip = packageTiny();
        assertThat(zip).isRegularFile();
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            assertThat(engine.labels().labels()).containsExactly("daisy", "dandelion", "roses", "sunflowers",
                    "tulips");
        }
    }

    @Test
    void packageRejectsALabelMapThatDoesNotMatchTheModel() throws Exception {
        Path labels = Files.writeString(tmp.resolve("labels.json"), "[\"cat\",\"dog\"]");
        Path zip = tmp.resolve("bad.zip");
        CliHarness.Result r = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString(), "--labels",
                labels.toString(), "--preprocess", "squash", "--output", zip.toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("2").contains("5");
        assertThat(zip).doesNotExist();
    }

    @Test
    void packageNamesBadArguments() {
        CliHarness.Result r = CliHarness.run("package", "--onnx", tmp.resolve("none.onnx").toString(), "--labels",
                ImageClassificationFixtures.labelMap().toString(), "--preprocess", "squash", "--output", "x.zip");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("--onnx").contains("none.onnx");
        CliHarness.Result geometry = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString(), "--labels",
                ImageClassificationFixtures.labelMap().toString(), "--preprocess", "stretch", "--output", "x.zip");
        assertThat(geometry.exitCode()).isEqualTo(2);
        assertThat(geometry.err()).contains("stretch");
        CliHarness.Result missing = CliHarness.run("package", "--onnx", ImageClassificationFixtures.tinyModel().toString());
        assertThat(missing.exitCode()).isEqualTo(2);
        assertThat(missing.err()).contains("--labels");
    }

    @Test
    void predictJsonMatchesTheEngine() throws Exception {
        Path zip = packageTiny();
        Path rocket = ImageClassificationFixtures.image("rocket.jpg");
        Path missing = tmp.resolve("missing.png");
        CliHarness.Result r = CliHarness.run("predict", "--model", zip.toString(), "--json", rocket.toString(),
                missing.toString());
        assertThat(r.exitCode()).isEqualTo(1);
        List<String> lines = r.out().lines().toList();
        assertThat(lines).hasSize(2);
        ObjectMapper mapper = new ObjectMapper();
        JsonNode first = mapper.readTree(lines.get(0));
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            Prediction expected = engine.predict(rocket);
            assertThat(first.get("image").asText()).isEqualTo(rocket.toString());
            assertThat(first.get("label").asText()).isEqualTo(expected.label());
            assertThat(first.get("score").asDouble()).isEqualTo(expected.score());
            expected.scores().forEach((label, p) -> assertThat(first.get("scores").get(label).asDouble())
                    .isEqualTo(p));
        }
        JsonNode second = mapper.readTree(lines.get(1));
        assertThat(second.get("image").asText()).isEqualTo(missing.toString());
        assertThat(second.get("error").asText()).contains("missing.png");
    }

    @Test
    void predictPrintsTopK() {
        Path zip = packageTiny();
        CliHarness.Result r = CliHarness.run("predict", "--model", zip.toString(), "--top", "2",
                ImageClassificationFixtures.image("coffee.png").toString());
        assertThat(r.exitCode()).isZero();
        assertThat(r.out().lines().toList()).hasSize(3);
        assertThat(CliHarness.run("predict", "--model", zip.toString(), "--top", "0", "x.png").exitCode()).isEqualTo(2);
    }

    @Test
    void generateWritesTheProjects() throws Exception {
        Path modelDir = Files.createDirectories(tmp.resolve("model"));
        Files.copy(ImageClassificationFixtures.tinyModel(), modelDir.resolve("bestModel.onnx"));
        Files.copy(ImageClassificationFixtures.labelMap(), modelDir.resolve("bestModelMap.json"));
        Files.copy(packageTiny(), modelDir.resolve("MLModel.zip"));
        Path out = tmp.resolve("app");
        CliHarness.Result r = CliHarness.run("generate", "--model-dir", modelDir.toString(), "--name", "Flowers",
                "--output", out.toString(), "--sample-image", ImageClassificationFixtures.image("rocket.jpg").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("files").size()).isEqualTo(14);
        assertThat(out.resolve("Flowers.Model/pom.xml")).isRegularFile();
        CliHarness.Result again = CliHarness.run("generate", "--model-dir", modelDir.toString(), "--name", "Flowers",
                "--output", out.toString());
        assertThat(again.exitCode()).isEqualTo(2);
        assertThat(again.err()).contains("is not empty");
        CliHarness.Result badName = CliHarness.run("generate", "--model-dir", modelDir.toString(), "--name", "../x",
                "--output", tmp.resolve("o2").toString());
        assertThat(badName.exitCode()).isEqualTo(2);
        assertThat(badName.err()).contains("project name");
    }

    @Test
    void predictRefusesLabelsWithControlCharactersAndPrintsNoRawEscape() throws Exception {
        Path good = packageTiny();
        Path hostile = tmp.resolve("hostile.zip");
        String labels = "[\"\\u001b[2J\\u001b]0;pwned\\u0007\", \"b\", \"c\", \"d\", \"e\"]";
        try (java.util.zip.ZipFile in = new java.util.zip.ZipFile(good.toFile());
             java.util.zip.ZipOutputStream out = new java.util.zip.ZipOutputStream(Files.newOutputStream(hostile))) {
            for (java.util.zip.ZipEntry e : java.util.Collections.list(in.entries())) {
                out.putNextEntry(new java.util.zip.ZipEntry(e.getName()));
                out.write(e.getName().equals("labels.json") ? labels.getBytes(java.nio.charset.StandardCharsets.UTF_8)
                        : in.getInputStream(e).readAllBytes());
            }
        }

        CliHarness.Result r = CliHarness.run("predict", "--model", hostile.toString(), ImageClassificationFixtures.image("rocket.jpg")
                .toString());

        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("labels must not hold control or bidirectional formatting characters").contains("\\u001b[2J");
        assertThat(r.out() + r.err()).doesNotContain("\u001b").doesNotContain("\u0007");
    }

    @Test
    void printableEscapesWhatATerminalWouldObey() {
        assertThat(Printable.of("a\u001b[31mb\nc\u202ed\u0000")).isEqualTo("a\\u001b[31mb\\u000ac\\u202ed\\u0000");
        assertThat(Printable.of("Blumen-Überblick 🌷")).isEqualTo("Blumen-Überblick 🌷");
    }

    @Test
    void aHugeImageFailsAloneAndTheOthersAreScored() throws Exception {
        Path zip = packageTiny();
        Path huge = tmp.resolve("huge.jpg");
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            f.write(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0});
            f.setLength(3L << 30); // sparse: no disk space, but more than a Java array holds
        }
        Path rocket = ImageClassificationFixtures.image("rocket.jpg");

        CliHarness.Result r = CliHarness.run("predict", "--model", zip.toString(), huge.toString(), rocket.toString());

        assertThat(r.exitCode()).isEqualTo(1);
        assertThat(r.err()).contains(huge + ": error: image " + huge + " is 3221225472 bytes");
        assertThat(r.out()).startsWith(rocket + ": ");
    }

    @Test
    void generateWithWebApiAddsTheService() throws Exception {
        Path modelDir = Files.createDirectories(tmp.resolve("model"));
        Files.copy(ImageClassificationFixtures.tinyModel(), modelDir.resolve("bestModel.onnx"));
        Files.copy(ImageClassificationFixtures.labelMap(), modelDir.resolve("bestModelMap.json"));
        Files.copy(packageTiny(), modelDir.resolve("MLModel.zip"));
        Path out = tmp.resolve("app");
        CliHarness.Result r = CliHarness.run("generate", "--model-dir", modelDir.toString(), "--name", "Flowers",
                "--output", out.toString(), "--web-api", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("webApiProject").asText()).isEqualTo(out.resolve("Flowers.WebApi").toString());
        assertThat(result.get("files")).extracting(JsonNode::asText).contains("Flowers.WebApi/pom.xml",
                "Flowers.WebApi/Dockerfile", "Flowers.WebApi/src/main/java/com/example/flowers/webapi/"
                        + "WebApiApplication.java");
        assertThat(out.resolve("pom.xml")).content().contains("<module>Flowers.WebApi</module>");

        CliHarness.Result text = CliHarness.run("generate", "--model-dir", modelDir.toString(), "--name", "Flowers",
                "--output", tmp.resolve("app2").toString(), "--web-api");
        assertThat(text.exitCode()).as(text.err()).isZero();
        assertThat(text.out()).contains("serve over HTTP: java -jar Flowers.WebApi/target/flowers-webapi.jar");
        CliHarness.Result plain = CliHarness.run("generate", "--model-dir", modelDir.toString(), "--name", "Flowers",
                "--output", tmp.resolve("app3").toString(), "--json");
        assertThat(new ObjectMapper().readTree(plain.out()).has("webApiProject")).isFalse();
        assertThat(tmp.resolve("app3/Flowers.WebApi")).doesNotExist();
    }
}
