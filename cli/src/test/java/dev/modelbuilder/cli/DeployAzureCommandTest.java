package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.azure.EmulatedProviders;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.serving.ModelServer;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * {@code deploy --backend azure} and {@code endpoints ...} end to end against the ARM emulator and Azurite, with the
 * emulated scoring URI in front of a real {@code serve} server: the confirmation says what bills, the deploy ends with
 * the scoring URI, a curl line that reads the key from an environment variable and the delete command, a failed
 * deployment prints its logs and its code's advice and exits 1, an image of one's own is named instead of a build
 * context, the smoke test scores the sample of a project generated into the model folder, and bad input (name,
 * instance type, model folder) exits 2 before any credential is asked for.
 */
@AzuriteTest
class DeployAzureCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ArmEmulator arm;
    private static ModelServer server;
    private static Path model;

    @BeforeAll
    static void emulator(@TempDir Path dir) throws Exception {
        arm = new ArmEmulator(AzuriteExtension.azurite());
        BackendArguments.azureSetup = b -> EmulatedProviders.configure(b, arm, AzuriteExtension.azurite());
        model = DeployLocalCommandTest.modelFolder(dir.resolve("model"));
        server = ModelServer.builder().withModel(model).withPort(0).build();
        server.start();
    }

    @AfterAll
    static void stop() {
        BackendArguments.azureSetup = null;
        server.close();
        arm.close();
    }

    @BeforeEach
    void workspace() {
        arm.reset();
        arm.addWorkspaceMadeElsewhere("cli-ws", "eastus");
        arm.setScoringTarget(server.url());
    }

    @AfterEach
    void noSpecViolations() {
        assertThat(arm.violations()).isEmpty();
    }

    private static CliHarness.Result run(String... args) {
        List<String> all = new ArrayList<>(Arrays.asList(args));
        all.addAll(List.of("--backend", "azure", "--subscription", ArmEmulator.SUBSCRIPTION, "--resource-group", "rg",
                "--workspace", "cli-ws", "--endpoint", arm.endpoint()));
        return CliHarness.run(all.toArray(String[]::new));
    }

    @Test
    void deploysAfterTheConfirmationAndTheEndpointsCommandsUseIt() throws Exception {
        CliHarness.Result unconfirmed = run("deploy", "--model-dir", model.toString(), "--endpoint-name", "flowers");
        assertThat(unconfirmed.exitCode()).isEqualTo(2);
        assertThat(unconfirmed.err()).contains("1 x Standard_DS3_v2 (4 vCPUs each)", "by the hour",
                "for as long as the endpoint exists", "cannot be stopped or scaled to zero", "No price is shown",
                "pass --yes").doesNotContain("$");
        assertThat(arm.interactions()).as("nothing was sent before the confirmation").isEmpty();

        CliHarness.Result deployed = run("deploy", "--model-dir", model.toString(), "--endpoint-name", "flowers",
                "--yes");
        assertThat(deployed.exitCode()).as(deployed.err()).isZero();
        assertThat(deployed.out()).contains("Endpoint 'flowers' is ready: http://127.0.0.1:",
                "(deployment blue, 1 x Standard_DS3_v2)",
                "curl -H \"Authorization: Bearer $MODELBUILDER_ENDPOINT_KEY\"",
                "It bills until deleted: modelbuilder endpoints delete flowers --backend azure --workspace cli-ws "
                        + "--subscription " + ArmEmulator.SUBSCRIPTION + " --resource-group rg --endpoint ");
        assertThat(deployed.err()).contains("> upload model", "> deploy model", "> test endpoint",
                "done: test endpoint");
        for (String key : arm.keysHandedOut()) {
            assertThat(deployed.out() + deployed.err()).doesNotContain(key);
        }

        CliHarness.Result list = run("endpoints", "list");
        assertThat(list.out()).contains("flowers  Succeeded  blue  1 x Standard_DS3_v2  http://127.0.0.1:");
        JsonNode shown = JSON.readTree(run("endpoints", "show", "flowers", "--json").out());
        assertThat(shown.path("traffic").path("blue").asInt()).isEqualTo(100);
        Path image = ImageClassificationFixtures.imageFiles().get(0);
        CliHarness.Result invoked = run("endpoints", "invoke", "flowers", image.toString());
        assertThat(invoked.exitCode()).as(invoked.err()).isZero();
        assertThat(invoked.out()).contains(image.getFileName().toString());
        assertThat(run("endpoints", "logs", "flowers").out()).contains("Serving at");
        assertThat(run("endpoints", "logs", "flowers", "--container", "storage-initializer", "--tail", "1").out())
                .contains("ready at").doesNotContain("downloading");
        assertThat(run("endpoints", "delete", "flowers").out()).contains("Deleted endpoint flowers");
        assertThat(run("endpoints", "show", "flowers").exitCode()).isEqualTo(1);
    }

    /**
     * Each failure code the issue names: its logs printed, its advice, the delete command, exit 1. The cases that give
     * {@code --image} also show that such an environment names the image and uploads no build context.
     */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', quoteCharacter = '"', value = {
        "ImageBuildFailure | Image build failed. The build log is available in the workspace blob store under "
                + "/azureml/ImageLogs/abc/build.log. | step 3/4 COPY failed | ImageLogs/<image build id>/build.log |"
                + " false",
        "OutOfQuota | Not enough quota available for Standard_DS3_v2. | (none) | request more quota | true",
        "ResourceNotReady | User container has crashed or terminated: liveness probe failed | error: model "
                + "'MLModel.zip' does not load: out of memory | liveness or readiness probe | true"})
    void aFailedDeploymentPrintsItsLogsAndAdviceAndExitsOne(String code, String message, String serverLog,
            String advice, boolean ownImage) {
        arm.failNextDeployment(code, message, serverLog);
        List<String> args = new ArrayList<>(List.of("deploy", "--model-dir", model.toString(), "--endpoint-name",
                "flowers", "--yes"));
        if (ownImage) {
            args.addAll(List.of("--image", "myregistry.azurecr.io/flowers-serve:1"));
        }
        CliHarness.Result failed = run(args.toArray(String[]::new));
        assertThat(failed.exitCode()).as(failed.err()).isEqualTo(1);
        assertThat(failed.err()).contains("--- inference-server log", serverLog, "--- storage-initializer log",
                "downloading azureml://datastores/", code, advice, "modelbuilder endpoints delete flowers");
        assertThat(arm.count("POST", "/getLogs")).as("both containers' logs").isEqualTo(2);
        JsonNode environment = arm.endpointRequests().stream().filter(r -> r.method().equals("PUT")
                && r.path().contains("/environments/modelbuilder-serve/versions/")).findFirst().orElseThrow().body()
                .path("properties");
        List<String> blobs = arm.dataContainer("cli-ws").listBlobs().stream().map(b -> b.getName()).toList();
        if (ownImage) {
            assertThat(environment.path("image").asText()).isEqualTo("myregistry.azurecr.io/flowers-serve:1");
            assertThat(environment.has("build")).isFalse();
            assertThat(blobs).as("no build context uploaded").noneMatch(n -> n.startsWith("modelbuilder/environments/"))
                    .anyMatch(n -> n.startsWith("modelbuilder/models/"));
        } else {
            assertThat(environment.has("image")).isFalse();
            assertThat(environment.at("/build/contextUri").asText()).contains("/modelbuilder/environments/");
            assertThat(blobs).anyMatch(n -> n.startsWith("modelbuilder/environments/") && n.endsWith("/Dockerfile"));
        }
    }

    @Test
    void theSmokeTestScoresTheSampleOfAProjectGeneratedIntoTheModelFolder(@TempDir Path dir) throws Exception {
        Path folder = DeployLocalCommandTest.modelFolder(dir.resolve("model"));
        Files.copy(ImageClassificationFixtures.tinyModel(), folder.resolve("bestModel.onnx"));
        Files.copy(ImageClassificationFixtures.labelMap(), folder.resolve("bestModelMap.json"));
        List<Path> images = ImageClassificationFixtures.imageFiles();
        Files.copy(images.get(0), folder.resolve("a-photo.png"));
        Path sample = images.get(1);
        CliHarness.Result generated = CliHarness.run("generate", "--model-dir", folder.toString(), "--name", "Flowers",
                "--output", folder.resolve("projects").toString(), "--sample-image", sample.toString());
        assertThat(generated.exitCode()).as(generated.err()).isZero();

        CliHarness.Result deployed = run("deploy", "--model-dir", folder.toString(), "--endpoint-name", "flowers",
                "--yes");
        assertThat(deployed.exitCode()).as(deployed.err()).isZero();
        assertThat(arm.scoredImages()).as("the generated project's sample, not the photo beside the model")
                .containsExactly(ImageClassificationFixtures.sha256(Files.readAllBytes(sample)));
        assertThat(deployed.err()).contains("scored sample.png through");
    }

    @Test
    void aBadModelFolderExitsTwoBeforeAnyCredentialIsAskedFor(@TempDir Path dir) throws Exception {
        int tokens = arm.credential().tokens().size();
        Path empty = Files.createDirectories(dir.resolve("empty"));
        Path notZip = Files.createDirectories(dir.resolve("not-zip"));
        Files.writeString(notZip.resolve("MLModel.zip"), "not a zip archive");
        for (String[] c : new String[][] {{empty.toString(), "the folder holds no MLModel.zip"},
                {dir.resolve("missing").toString(), "nothing is there"},
                {notZip.toString(), "is not a zip archive"}}) {
            CliHarness.Result bad = run("deploy", "--model-dir", c[0], "--endpoint-name", "flowers", "--yes");
            assertThat(bad.exitCode()).as(bad.err()).isEqualTo(2);
            assertThat(bad.err()).contains(c[1]);
        }
        assertThat(arm.interactions()).as("nothing was sent").isEmpty();
        assertThat(arm.credential().tokens()).as("no token was asked for").hasSize(tokens);
    }

    @Test
    void aBadNameOrInstanceTypeExitsTwoBeforeAnyCredentialIsAskedFor() {
        int tokens = arm.credential().tokens().size();
        CliHarness.Result name = run("deploy", "--model-dir", model.toString(), "--endpoint-name", "9flowers",
                "--yes");
        assertThat(name.exitCode()).isEqualTo(2);
        assertThat(name.err()).contains("endpoint name '9flowers' is invalid");
        CliHarness.Result type = run("deploy", "--model-dir", model.toString(), "--endpoint-name", "flowers",
                "--instance-type", "Standard_NC12", "--yes");
        assertThat(type.exitCode()).isEqualTo(2);
        assertThat(type.err()).contains("managed online endpoints do not run on it");
        assertThat(arm.interactions()).isEmpty();
        assertThat(arm.credential().tokens()).as("no token was asked for").hasSize(tokens);
    }
}
