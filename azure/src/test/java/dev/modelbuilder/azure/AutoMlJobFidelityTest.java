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
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.PredictionEngine;
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
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
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
        return ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").withOptions(options).build())
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
        assertThat(task.at("/searchSpace/0/numberOfEpochs").asText()).as("the documented range of what is not fixed")
                .isEqualTo("choice(15,30)");
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
        assertThat(space.path("learningRate").asText()).isEqualTo("uniform(0.0001,0.01)");
        assertThat(space.path("trainingBatchSize").asText()).isEqualTo("choice(16,32)");
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
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu")
                .withOptions(local).build()).inExperiment("other").beginCreate())
                .isInstanceOf(ValidationException.class).hasMessageContaining("azure")
                .hasMessageContaining("AzureTrainingOptions");
        assertThat(azure.arm.count("GET", "/datastores/")).isZero();
        assertThat(azure.arm.count("PUT", "/jobs/")).isZero();
    }

    @Test
    void trainingDataIsTheDataVersionsArmId() {
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data)
                .withCompute("gpu").build()).inExperiment("pets").beginCreate();
        String uri = azure.arm.jobProperties("fid-ws", run.id()).at("/taskDetails/trainingData/uri").asText();
        assertThat(uri).matches("/subscriptions/" + ArmEmulator.SUBSCRIPTION + "/resourceGroups/rg/providers/"
                + "Microsoft\\.MachineLearningServices/workspaces/fid-ws/data/modelbuilder-pets/versions/[0-9a-f]+");
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
    }

    @Test
    void withoutTheBestChildTagTheBestTrialIsFoundUnderTheHyperDriveRun() throws Exception {
        azure.arm.setOmitBestChildTag(true);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data)
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
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data)
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

    // ------------------------------------------------------------------------------------------------ issue 28

    /**
     * Item 2: several trials of a named model sample a real search space (the documented ranges of the AutoML image
     * how-to and the azureml-examples notebooks for what the options leave unset), without a fixed seed, so that the
     * trials differ; the emulator samples each trial's hyperparameters from the space, as Random sampling does.
     */
    @Test
    void aSweepSamplesARealSearchSpaceAndLeavesTheSeedOut() {
        TrainingRun run = submit("real", AzureTrainingOptions.builder().withModel("resnet50").withMaxTrials(3).build());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);

        JsonNode task = azure.arm.jobProperties("fid-ws", run.id()).path("taskDetails");
        assertThat(task.at("/modelSettings/randomSeed").isMissingNode()).as("no fixed seed in a sweep").isTrue();
        JsonNode space = task.at("/searchSpace/0");
        assertThat(space.path("modelName").asText()).isEqualTo("choice('resnet50')");
        assertThat(space.path("learningRate").asText()).isEqualTo("uniform(0.001,0.01)");
        assertThat(space.path("numberOfEpochs").asText()).isEqualTo("choice(15,30)");
        assertThat(space.path("optimizer").asText()).isEqualTo("choice('sgd','adam','adamw')");
        List<Map<String, String>> trials = azure.arm.trialParameters("fid-ws", run.id());
        assertThat(trials).hasSize(3);
        assertThat(trials.stream().map(t -> t.get("learningRate")).collect(Collectors.toSet()))
                .as("three trials, three learning rates").hasSize(3);
        assertThat(trials).allSatisfy(t -> assertThat(t).doesNotContainKey("randomSeed"));
    }

    /** Item 2: more trials than one with nothing to vary would buy identical trials: refused before anything runs. */
    @Test
    void aSweepWithNothingToVaryIsRefusedSayingWhatToDo() {
        assertThatThrownBy(() -> submit("same", AzureTrainingOptions.builder().withModel("resnet50").withMaxTrials(3)
                .withLearningRate(0.01).withEpochs(10).withOptimizer(AzureTrainingOptions.Optimizer.SGD).build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("nothing to vary")
                .hasMessageContaining("withSearchSpace").hasMessageContaining("withMaxTrials(1)");
        assertThatThrownBy(() -> submit("same", AzureTrainingOptions.builder().withModel("resnet50").withMaxTrials(2)
                .withSearchSpace("trainingBatchSize", "choice(16)").build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("nothing to vary");
        assertThat(azure.arm.count("PUT", "/jobs/")).isZero();
    }

    /**
     * Item 3: values as azure-ai-ml writes them ({@code search_space_utils._convert_to_rest_object}): booleans as
     * Python's {@code str(bool)}, {@code True} or {@code False}, which is all its reader takes as booleans; floats
     * through {@code float_to_str}, without an exponent and with {@code .0} on whole numbers. The emulator refuses
     * what that reader would misread.
     */
    @Test
    void searchSpaceValuesAreWrittenAsAzureAiMlWritesThem() {
        TrainingRun run = submit("formats", AzureTrainingOptions.builder().withModel("resnet50").withMaxTrials(2)
                .withEarlyStopping(true).withMomentum(1.0).withWeightDecay(0.00001)
                .withSearchSpace("learningRate", "uniform(1e-4, 1E-2)")
                .withSearchSpace("nesterov", "choice(true, false)").build());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        JsonNode space = azure.arm.jobProperties("fid-ws", run.id()).at("/taskDetails/searchSpace/0");
        assertThat(space.path("earlyStopping").asText()).isEqualTo("choice(True)");
        assertThat(space.path("momentum").asText()).isEqualTo("choice(1.0)");
        assertThat(space.path("weightDecay").asText()).isEqualTo("choice(0.00001)");
        assertThat(space.path("learningRate").asText()).isEqualTo("uniform(0.0001,0.01)");
        assertThat(space.path("nesterov").asText()).isEqualTo("choice(True,False)");
    }

    /**
     * Item 3: an early-termination policy stops poor trials of a sweep; with one trial (or in AutoMode, which is sent
     * no sweep settings) it would be dropped, so the options refuse it instead of ignoring it.
     */
    @Test
    void anEarlyTerminationPolicyThatWouldBeDroppedIsRefused() {
        assertThatThrownBy(() -> submit("one", AzureTrainingOptions.builder()
                .withEarlyTermination(AzureTrainingOptions.EarlyTermination.BANDIT).build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("early termination")
                .hasMessageContaining("withMaxTrials(2)");
        assertThatThrownBy(() -> submit("auto", AzureTrainingOptions.builder().withAutoMode().withMaxTrials(4)
                .withEarlyTermination(AzureTrainingOptions.EarlyTermination.MEDIAN_STOPPING).build()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("AutoMode");
        assertThat(azure.arm.count("PUT", "/jobs/")).isZero();
    }

    /** Item 6: while a sweep runs, the run's metrics are those of its best trial so far, not only the parent's. */
    @Test
    void whileASweepRunsItsMetricsAreTheBestTrialsSoFar() {
        azure.arm.setHoldJobsRunning(true);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu")
                .withOptions(AzureTrainingOptions.builder().withModel("resnet50").withMaxTrials(3).build()).build())
                .inExperiment("live").withListener(events::add).beginCreate();
        for (int i = 0; i < 6; i++) {
            run.poll();
        }
        assertThat(run.snapshot().status()).isEqualTo(RunStatus.RUNNING);
        assertThat(run.snapshot().metrics()).as("trial 0 finished at 0.71, trial 1 is at 0.64, the parent says 0.5")
                .containsEntry("accuracy", 0.71);
        assertThat(events).contains(new ProgressEvent.MetricLogged(run.id(), "accuracy", 0, 0.71));
        run.cancel();
    }

    /**
     * Item 6: in AutoMode the job names no crop size; the package takes it from the best trial's ONNX input
     * ({@code [N,3,288,288]} in the emulator) instead of assuming 224.
     */
    @Test
    void autoModeTakesTheCropSizeFromTheBestTrialsModel() throws Exception {
        TrainingRun run = submit("auto", AzureTrainingOptions.builder().withAutoMode().withMaxTrials(2).build());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        TrainedModel model = run.downloadModel(temp.resolve("auto-model"));
        PreprocessingSpec pre = ModelPackage.read(model.pipeline()).pipeline().preprocessing();
        assertThat(pre.width()).isEqualTo(288);
        assertThat(pre.height()).isEqualTo(288);
        assertThat(pre.resizeShorterSide()).as("AutoML's 256/224 ratio").isEqualTo(329);
        try (PredictionEngine engine = PredictionEngine.builder().withModelPackage(model.pipeline()).build()) {
            assertThat(engine.predict(data.resolve("cat").resolve("cat_0.png")).label()).isIn("cat", "dog");
        }
    }
}
