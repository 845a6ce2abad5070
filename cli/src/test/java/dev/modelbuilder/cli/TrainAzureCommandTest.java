package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.azure.EmulatedProviders;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.local.SampleDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code train --backend azure} end to end against the ARM emulator (every request checked against the 2024-04-01
 * REST description) and Azurite: a {@code --search-space FILE.json} reaches the job's {@code searchSpace} as
 * azure-ai-ml writes it, in place of the default ranges and without a fixed seed, and the trials sample from it; a
 * search space naming a field the REST description lacks exits 2 before any request.
 */
@AzuriteTest
class TrainAzureCommandTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static ArmEmulator arm;

    @TempDir
    Path temp;

    @BeforeAll
    static void emulator() {
        arm = new ArmEmulator(AzuriteExtension.azurite());
        BackendArguments.azureSetup = b -> EmulatedProviders.configure(b, arm, AzuriteExtension.azurite());
    }

    @AfterAll
    static void stop() {
        BackendArguments.azureSetup = null;
        arm.close();
    }

    @BeforeEach
    void workspace() {
        arm.reset();
        arm.addWorkspaceMadeElsewhere("cli-ws", "eastus");
    }

    @AfterEach
    void noSpecViolations() {
        assertThat(arm.violations()).isEmpty();
    }

    private CliHarness.Result train(Path searchSpace, String... more) {
        List<String> all = new ArrayList<>(List.of("train", "--backend", "azure", "--subscription",
                ArmEmulator.SUBSCRIPTION, "--resource-group", "rg", "--workspace", "cli-ws", "--endpoint",
                arm.endpoint(), "--data", SampleDatasets.shapes(temp.resolve("shapes"), 6, 3).toString(),
                "--experiment", "shapes", "--compute", "gpu", "--size", "Standard_NC4as_T4_v3", "--yes",
                "--architecture", "resnet50", "--search-space", searchSpace.toString(), "--output",
                temp.resolve("model").toString()));
        all.addAll(Arrays.asList(more));
        return CliHarness.run(all.toArray(String[]::new));
    }

    @Test
    void theSearchSpaceFileReachesTheJobAndTheTrialsSampleFromIt() throws Exception {
        Path space = Files.writeString(temp.resolve("space.json"), "{\"learningRate\": \"uniform(0.0001, 0.01)\", "
                + "\"optimizer\": \"choice('sgd', 'adamw')\", \"trainingBatchSize\": \"choice(16, 32)\"}");
        CliHarness.Result r = train(space, "--max-trials", "3", "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        String runId = JSON.readTree(r.out()).path("run").path("id").asText();
        assertThat(arm.jobNames("cli-ws")).containsExactly(runId);

        JsonNode task = arm.jobProperties("cli-ws", runId).path("taskDetails");
        assertThat(task.at("/limitSettings/maxTrials").asInt()).isEqualTo(3);
        assertThat(task.at("/sweepSettings/samplingAlgorithm").asText()).isEqualTo("Random");
        JsonNode searchSpace = task.path("searchSpace");
        assertThat(searchSpace.size()).isEqualTo(1);
        Map<String, String> sent = JSON.convertValue(searchSpace.get(0), new com.fasterxml.jackson.core.type
                .TypeReference<Map<String, String>>() { });
        assertThat(sent).as("the file's ranges as azure-ai-ml writes them, in place of the default ranges")
                .containsExactlyInAnyOrderEntriesOf(Map.of("modelName", "choice('resnet50')",
                        "learningRate", "uniform(0.0001,0.01)", "optimizer", "choice('sgd','adamw')",
                        "trainingBatchSize", "choice(16,32)"));
        assertThat(task.at("/modelSettings/randomSeed").isMissingNode()).as("no fixed seed in a sweep").isTrue();
        assertThat(task.at("/modelSettings/modelName").isMissingNode()).isTrue();

        List<Map<String, String>> trials = arm.trialParameters("cli-ws", runId);
        assertThat(trials).hasSize(3).allSatisfy(t -> {
            assertThat(Double.parseDouble(t.get("learningRate"))).isBetween(0.0001, 0.01);
            assertThat(t.get("optimizer")).isIn("sgd", "adamw");
            assertThat(t.get("trainingBatchSize")).isIn("16", "32");
        });
        assertThat(trials.stream().map(t -> t.get("learningRate")).distinct()).as("the trials differ").hasSize(3);
        assertThat(temp.resolve("model").resolve("MLModel.zip")).isRegularFile();
    }

    @Test
    void aSearchSpaceTheRestDescriptionDoesNotKnowExitsTwoBeforeAnyRequest() throws Exception {
        int tokens = arm.credential().tokens().size();
        Path space = Files.writeString(temp.resolve("space.json"), "{\"learningRat\": \"uniform(0.0001, 0.01)\"}");
        CliHarness.Result r = train(space, "--max-trials", "3");
        assertThat(r.exitCode()).as(r.out()).isEqualTo(2);
        assertThat(r.err()).contains("learningRat", "learningRate");
        assertThat(arm.interactions()).as("nothing was sent").isEmpty();
        assertThat(arm.credential().tokens()).as("no token was asked for").hasSize(tokens);
    }
}
