package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code deploy --backend local} serves in the foreground until its endpoint stops; {@code endpoints} commands of the
 * same process list, invoke (as {@code predict} scores) and delete it, which ends the deploy command.
 */
class DeployLocalCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    static Path modelFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        ModelPackage.write(dir.resolve("MLModel.zip"), ImageClassificationFixtures.tinyModel(),
                LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return dir;
    }

    @Test
    void servesInTheForegroundAnswersLikePredictAndStopsWhenDeleted() throws Exception {
        Path model = modelFolder(temp.resolve("model"));
        String root = temp.resolve("root").toString();
        CompletableFuture<CliHarness.Result> deploy = CompletableFuture.supplyAsync(() -> CliHarness.run("deploy",
                "--backend", "local", "--local-root", root, "--model-dir", model.toString(), "--endpoint-name",
                "flowers"));
        Instant deadline = Instant.now().plusSeconds(120);
        CliHarness.Result listed;
        do {
            assertThat(deploy).as("deploy still serves").isNotDone();
            Thread.sleep(200);
            listed = CliHarness.run("endpoints", "list", "--backend", "local", "--local-root", root);
        } while (!listed.out().contains("flowers") && Instant.now().isBefore(deadline));
        assertThat(listed.out()).contains("flowers  Succeeded").contains("http://127.0.0.1:");

        Path image = ImageClassificationFixtures.imageFiles().get(0);
        CliHarness.Result invoked = CliHarness.run("endpoints", "invoke", "flowers", image.toString(), "--json",
                "--backend", "local", "--local-root", root);
        assertThat(invoked.exitCode()).as(invoked.err()).isZero();
        JsonNode answer = JSON.readTree(invoked.out());
        try (PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            assertThat(answer.path("label").asText()).isEqualTo(engine.predict(image).label());
        }
        CliHarness.Result logs = CliHarness.run("endpoints", "logs", "flowers", "--backend", "local", "--local-root",
                root);
        assertThat(logs.out()).contains("POST /predict");

        CliHarness.Result deleted = CliHarness.run("endpoints", "delete", "flowers", "--backend", "local",
                "--local-root", root);
        assertThat(deleted.out()).contains("Deleted endpoint flowers");
        CliHarness.Result served = deploy.get(60, TimeUnit.SECONDS);
        assertThat(served.exitCode()).as(served.err()).isZero();
        assertThat(served.out()).contains("as endpoint 'flowers' at http://127.0.0.1:", "Ctrl-C stops it",
                "Try: curl -H \"Content-Type: application/octet-stream\" --data-binary @IMAGE.jpg http://127.0.0.1:",
                "Stopped.");
        assertThat(served.err()).contains("> deploy model");
    }

    @Test
    void azureOptionsAndABadFolderAreBadInput() throws Exception {
        CliHarness.Result image = CliHarness.run("deploy", "--backend", "local", "--model-dir", temp.toString(),
                "--endpoint-name", "flowers", "--image", "registry.example/serve:1");
        assertThat(image.exitCode()).isEqualTo(2);
        assertThat(image.err()).contains("--image").contains("--backend azure");
        CliHarness.Result empty = CliHarness.run("deploy", "--backend", "local", "--local-root",
                temp.resolve("root").toString(), "--model-dir", temp.toString(), "--endpoint-name", "flowers");
        assertThat(empty.exitCode()).isEqualTo(2);
        assertThat(empty.err()).contains("holds no MLModel.zip");
        assertThat(Duration.ZERO).isZero();
    }
}
