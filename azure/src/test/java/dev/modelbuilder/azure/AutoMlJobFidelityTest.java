package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingOptions;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where real Azure is stricter than a kind emulator would be (issue 11): sweeps versus AutoMode, the data version's
 * ARM id as training data, the HyperDrive level between a job and its trials, and the job's own start and end times.
 */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class AutoMlJobFidelityTest {
    private EmulatedAzure azure;
    private ModelBuilder mb;
    private WorkspaceScope ws;
    private Path data;

    @TempDir
    Path temp;

    @BeforeEach
    void open(EmulatedAzure emulated) {
        azure = emulated;
        mb = ModelBuilder.using(azure.builder().build());
        mb.workspaces().define("fid-ws").withRegion("eastus").create();
        ws = mb.workspace("fid-ws");
        ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
        data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
    }

    @AfterEach
    void close() {
        mb.close();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    private TrainingRun submit(String experiment, AzureTrainingOptions options) {
        return ws.runs().define(TrainingSpec.fromFolder(data).withCompute("gpu").withOptions(options).build())
                .inExperiment(experiment).beginCreate();
    }

    @Test
    void severalTrialsOfANamedModelAreASweepNotAutoMode() {
        TrainingRun run = submit("sweep", AzureTrainingOptions.builder().withModel("resnet50").withMaxTrials(3)
                .withLearningRate(0.01).withOptimizer(AzureTrainingOptions.Optimizer.ADAMW)
                .withEarlyTermination(AzureTrainingOptions.EarlyTermination.BANDIT).build());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);

        JsonNode task = azure.arm.jobProperties("fid-ws", run.id()).path("taskDetails");
        assertThat(task.at("/modelSettings/modelName").isMissingNode()).as("no fixed model in a sweep").isTrue();
        assertThat(task.at("/searchSpace/0/modelName").asText()).isEqualTo("choice('resnet50')");
        assertThat(task.at("/searchSpace/0/learningRate").asText()).isEqualTo("choice(0.01)");
        assertThat(task.at("/searchSpace/0/optimizer").asText()).isEqualTo("choice('adamw')");
        assertThat(task.at("/sweepSettings/samplingAlgorithm").asText()).isEqualTo("Random");
        assertThat(task.at("/sweepSettings/earlyTermination/policyType").asText()).isEqualTo("Bandit");
        assertThat(task.at("/limitSettings/maxTrials").asInt()).isEqualTo(3);
    }

    @Test
    void theOptionsSearchSpaceIsSweptWithTheFixedSettings() {
        TrainingRun run = submit("space", AzureTrainingOptions.builder().withModel("seresnext").withMaxTrials(4)
                .withMaxConcurrentTrials(2).withEpochs(7).withOptimizer(AzureTrainingOptions.Optimizer.SGD)
                .withSearchSpace("learningRate", "uniform(0.0001, 0.01)")
                .withSearchSpace("trainingBatchSize", "choice(16, 32)").build());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);

        JsonNode task = azure.arm.jobProperties("fid-ws", run.id()).path("taskDetails");
        JsonNode space = task.at("/searchSpace/0");
        assertThat(space.path("modelName").asText()).isEqualTo("choice('seresnext')");
        assertThat(space.path("optimizer").asText()).isEqualTo("choice('sgd')");
        assertThat(space.path("learningRate").asText()).isEqualTo("uniform(0.0001, 0.01)");
        assertThat(space.path("trainingBatchSize").asText()).isEqualTo("choice(16, 32)");
        assertThat(task.at("/modelSettings/numberOfEpochs").asInt()).as("epochs stay fixed").isEqualTo(7);
        assertThat(task.at("/limitSettings/maxConcurrentTrials").asInt()).isEqualTo(2);
        assertThat(azure.arm.violations()).isEmpty();
    }

    @Test
    void autoModeIsAskedForAndNamesNoModel() {
        TrainingRun run = submit("auto", AzureTrainingOptions.builder().withAutoMode().withMaxTrials(4).build());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        JsonNode task = azure.arm.jobProperties("fid-ws", run.id()).path("taskDetails");
        assertThat(task.at("/modelSettings/modelName").isMissingNode()).isTrue();
        assertThat(task.at("/modelSettings/trainingCropSize").isMissingNode()).as("AutoML chooses the size").isTrue();
        assertThat(task.has("searchSpace")).isFalse();
        assertThat(task.has("sweepSettings")).isFalse();
        assertThat(task.at("/limitSettings/maxTrials").asInt()).isEqualTo(4);
    }

    @Test
    void optionsForAnotherProviderAreRefusedBeforeAnythingIsUploaded() {
        TrainingOptions local = () -> "local";
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromFolder(data).withCompute("gpu")
                .withOptions(local).build()).inExperiment("other").beginCreate())
                .isInstanceOf(ValidationException.class).hasMessageContaining("azure")
                .hasMessageContaining("AzureTrainingOptions");
        assertThat(azure.arm.count("GET", "/datastores/")).isZero();
        assertThat(azure.arm.count("PUT", "/jobs/")).isZero();
    }

    @Test
    void trainingDataIsTheDataVersionsArmId() {
        TrainingRun run = ws.runs().define(TrainingSpec.fromFolder(data)
                .withCompute("gpu").build()).inExperiment("pets").beginCreate();
        String uri = azure.arm.jobProperties("fid-ws", run.id()).at("/taskDetails/trainingData/uri").asText();
        assertThat(uri).matches("/subscriptions/" + ArmEmulator.SUBSCRIPTION + "/resourceGroups/rg/providers/"
                + "Microsoft\\.MachineLearningServices/workspaces/fid-ws/data/modelbuilder-pets/versions/[0-9a-f]+");
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void withoutTheBestChildTagTheBestTrialIsFoundUnderTheHyperDriveRun() throws Exception {
        azure.arm.setOmitBestChildTag(true);
        TrainingRun run = ws.runs().define(TrainingSpec.fromFolder(data)
                .withCompute("gpu").withOptions(AzureTrainingOptions.builder().withMaxTrials(2).build()).build())
                .inExperiment("pets").beginCreate();
        run.waitForCompletion(Duration.ofMinutes(1));
        TrainedModel model = run.downloadModel(temp.resolve("model"));
        assertThat(sha256(model.onnxModel())).isEqualTo(azure.arm.modelSha256("fid-ws", run.id()));
        assertThat(model.labels()).containsExactly("cat", "dog");
        assertThat(model.metrics()).containsEntry("accuracy", 0.9375);
    }

    @Test
    void startAndEndAreTheJobsOwnTimes() {
        TrainingRun run = ws.runs().define(TrainingSpec.fromFolder(data)
                .withCompute("gpu").build()).inExperiment("pets").beginCreate();
        run.waitForCompletion(Duration.ofMinutes(1));
        Instant[] times = azure.arm.jobTimes("fid-ws", run.id());
        Run got = ws.runs().get(run.id());
        assertThat(got.startedAt()).isEqualTo(times[0]);
        assertThat(got.endedAt()).isEqualTo(times[1]);
        assertThat(ws.runs().list("pets")).singleElement()
                .satisfies(r -> assertThat(r.endedAt()).isEqualTo(times[1]));
        assertThat(run.snapshot().startedAt()).isEqualTo(times[0]);
    }
}
