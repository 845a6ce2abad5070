package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.storage.blob.models.BlobItem;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.RunFailedException;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.testing.TestImages;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/** The whole Azure training flow against the ARM emulator and Azurite: upload, job, status, download, packaging. */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class TrainingFlowTest {
    private final EmulatedAzure azure;
    private AzureMlProvider provider;
    private ModelBuilder mb;
    private WorkspaceScope ws;

    @TempDir
    Path temp;

    TrainingFlowTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @BeforeEach
    void open() {
        provider = azure.builder().build();
        mb = ModelBuilder.using(provider);
        mb.workspaces().define("flow-ws").withRegion("eastus").create();
        ws = mb.workspace("flow-ws");
        ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
    }

    @AfterEach
    void close() {
        mb.close();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }

    @Test
    void trainsOnAzureAndDeliversTheThreeArtifacts() throws Exception {
        Path data = TestImages.dataset(temp.resolve("flowers"), ArmEmulator.TINY_LABELS, 5);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        TrainingSpec training = TrainingSpec.fromData(data).withCompute("gpu")
                .withTimeBudget(Duration.ofMinutes(30)).withValidationSplit(0.25)
                .withOptions(AzureTrainingOptions.builder().withEpochs(5).build()).build();
        TrainingRun run = ws.runs().define(training).inExperiment("flowers").withListener(events::add).beginCreate();

        Run done = run.waitForCompletion(Duration.ofMinutes(2));
        assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(done.experiment()).isEqualTo("flowers");
        assertThat(done.portalLink()).hasValueSatisfying(l -> assertThat(l).startsWith("https://ml.azure.com/runs/"
                + run.id()));
        assertThat(done.metrics()).containsEntry("accuracy", 0.9375).containsKey("accuracy/daisy");
        assertThat(done.startedAt()).isNotNull();
        assertThat(done.endedAt()).isNotNull().isAfterOrEqualTo(done.startedAt());

        JsonNode job = azure.arm.jobProperties("flow-ws", run.id());
        assertThat(job.path("jobType").asText()).isEqualTo("AutoML");
        assertThat(job.path("experimentName").asText()).isEqualTo("flowers");
        JsonNode task = job.path("taskDetails");
        assertThat(task.path("taskType").asText()).isEqualTo("ImageClassification");
        assertThat(task.path("primaryMetric").asText()).isEqualTo("Accuracy");
        assertThat(task.path("validationDataSize").asDouble()).isEqualTo(0.25);
        assertThat(task.path("limitSettings").path("timeout").asText()).isEqualTo("PT30M");
        assertThat(task.path("modelSettings").path("modelName").asText()).isEqualTo("resnet50");
        assertThat(task.path("modelSettings").path("numberOfEpochs").asInt()).isEqualTo(5);
        assertThat(task.path("modelSettings").path("enableOnnxNormalization").asBoolean()).isFalse();
        assertThat(task.path("trainingData").path("uri").asText())
                .contains("/workspaces/flow-ws/data/modelbuilder-flowers/versions/");

        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepStarted).extracting(
                e -> ((ProgressEvent.StepStarted) e).step()).containsSubsequence(WorkStep.PROVISION_COMPUTE,
                        WorkStep.UPLOAD_DATA, WorkStep.QUEUE, WorkStep.TRAIN);
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                && p.step() == WorkStep.UPLOAD_DATA && p.unit().equals("files")).last()
                .extracting(e -> ((ProgressEvent.StepProgress) e).done()).isEqualTo(25L);
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.RunStatusChanged).extracting(
                e -> ((ProgressEvent.RunStatusChanged) e).current()).containsSubsequence(RunStatus.STARTING,
                        RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.COMPLETED);
        // each status once, as a run status change continuing from the one before; none as an operation status
        List<ProgressEvent.RunStatusChanged> statuses = events.stream().filter(
                ProgressEvent.RunStatusChanged.class::isInstance).map(ProgressEvent.RunStatusChanged.class::cast)
                .toList();
        assertThat(statuses.get(0).previous()).isNull();
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(statuses.get(i).previous()).isEqualTo(statuses.get(i - 1).current())
                    .isNotEqualTo(statuses.get(i).current());
        }
        assertThat(events).noneMatch(ProgressEvent.OperationStatusChanged.class::isInstance);
        assertThat(events.indexOf(new ProgressEvent.StepStarted(WorkStep.QUEUE))).as("> queue, then the status")
                .isLessThan(events.indexOf(statuses.get(0)));
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.MetricLogged).isNotEmpty();

        TrainedModel model = run.downloadModel(temp.resolve("model"));
        assertThat(model.labels()).containsExactlyElementsOf(ArmEmulator.TINY_LABELS);
        assertThat(sha256(model.onnxModel())).isEqualTo(azure.arm.modelSha256("flow-ws", run.id()));
        assertThat(sha256(model.onnxModel())).isEqualTo(sha256(ImageClassificationFixtures.tinyModel()));
        assertThat(Files.readString(model.labelMap())).contains("\"daisy\"").contains("\"tulips\"");
        ModelPackage pkg = ModelPackage.read(model.pipeline());
        assertThat(pkg.labels().labels()).containsExactlyElementsOf(ArmEmulator.TINY_LABELS);
        assertThat(pkg.pipeline().preprocessing().resizeShorterSide()).isEqualTo(256);
        assertThat(pkg.pipeline().preprocessing().width()).isEqualTo(224);
        assertThat(pkg.pipeline().preprocessing().normalize()).as("normalized once, outside the graph").isTrue();
        try (PredictionEngine engine = PredictionEngine.builder().withModelPackage(pkg).build()) {
            assertThat(engine.predict(TestImages.write(temp.resolve("x.png"), "png", 7)).label())
                    .isIn(ArmEmulator.TINY_LABELS);
        }
        assertThat(model.metrics()).containsEntry("accuracy", 0.9375);
    }

    @Test
    void runsAreListedByExperimentAndReattachable() {
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingSpec spec = TrainingSpec.fromData(data).withCompute("gpu").build();
        TrainingRun a = ws.runs().define(spec).inExperiment("pets").beginCreate();
        TrainingRun b = ws.runs().define(spec).inExperiment("other").beginCreate();
        a.waitForCompletion(Duration.ofMinutes(1));
        b.waitForCompletion(Duration.ofMinutes(1));
        assertThat(ws.runs().list("pets")).extracting(Run::id).containsExactly(a.id());
        assertThat(ws.runs().list()).extracting(Run::id).containsExactlyInAnyOrder(a.id(), b.id());
        assertThat(ws.experiments().list()).extracting(e -> e.name()).contains("pets", "other");
        assertThat(ws.experiments().get("pets").name()).isEqualTo("pets");
        TrainingRun again = ws.runs().resume(a.id());
        assertThat(again.snapshot().status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(again.downloadModel(temp.resolve("m")).labels()).containsExactly("cat", "dog");
        assertThat(a.id()).isNotEqualTo(b.id()).startsWith("pets-");
    }

    @Test
    void aFailedTrialSurfacesItsErrorCodeAndMessage() {
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        azure.arm.failNextJob("UserError", "MLTable input is invalid: image_url column holds no images");
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data)
                .withCompute("gpu").build()).inExperiment("broken").beginCreate();
        Run ended = run.waitForCompletion(Duration.ofMinutes(1));
        assertThat(ended.status()).isEqualTo(RunStatus.FAILED);
        assertThat(ended.failure()).hasValueSatisfying(e -> {
            assertThat(e.code()).isEqualTo("UserError");
            assertThat(e.message()).contains("image_url column holds no images");
            assertThat(e.step()).isEqualTo(WorkStep.TRAIN);
        });
        assertThat(ws.runs().get(run.id()).failure()).isPresent();
        assertThatThrownBy(() -> run.waitForModel(Duration.ofSeconds(5), temp.resolve("none")))
                .isInstanceOf(RunFailedException.class).hasMessageContaining("UserError");
        assertThatThrownBy(() -> run.downloadModel(temp.resolve("none"))).isInstanceOf(InvalidStateException.class);
    }

    @Test
    void cancelEndsARunningJob() {
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        azure.arm.setHoldJobsRunning(true);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data)
                .withCompute("gpu").build()).inExperiment("cancel").beginCreate();
        for (int i = 0; i < 5; i++) {
            run.poll();
        }
        assertThat(run.snapshot().status()).isEqualTo(RunStatus.RUNNING);
        ws.runs().cancel(run.id());
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.CANCELED);
        assertThat(azure.arm.count("POST", "/jobs/" + run.id() + "/cancel$")).isEqualTo(1);
        ws.runs().cancel(run.id());
        assertThat(azure.arm.count("POST", "/cancel$")).isEqualTo(1);
    }

    @Test
    void submissionIsCheckedBeforeAnythingIsUploaded() {
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromData(data).build()).inExperiment("checks")
                .beginCreate()).isInstanceOf(ValidationException.class).hasMessageContaining("compute");
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromData(data).withCompute("nope").build())
                .inExperiment("checks").beginCreate()).hasMessageContaining("nope");
        assertThat(azure.arm.count("GET", "/datastores/")).isZero();
        List<BlobItem> blobs = azure.arm.dataContainer("flow-ws").listBlobs().stream().toList();
        assertThat(blobs).isEmpty();
    }

    /**
     * Issue 28, item 6: the studio link names the tenant ({@code &tid=}), read once from Resource Manager's
     * {@code GET /subscriptions/{id}}, so that a user signed in to several directories lands in the right one.
     */
    @Test
    void theStudioLinkNamesTheTenant() {
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("links").beginCreate();
        Run done = run.waitForCompletion(Duration.ofMinutes(1));
        assertThat(done.portalLink()).hasValueSatisfying(l -> assertThat(l)
                .startsWith("https://ml.azure.com/runs/" + run.id() + "?wsid=/subscriptions/")
                .endsWith("&tid=" + ArmEmulator.TENANT));
        assertThat(ws.runs().get(run.id()).portalLink()).hasValueSatisfying(l -> assertThat(l)
                .contains("&tid=" + ArmEmulator.TENANT));
        assertThat(azure.arm.count("GET", "^/subscriptions/[^/]+$")).as("read once per provider").isEqualTo(1);
    }
}
