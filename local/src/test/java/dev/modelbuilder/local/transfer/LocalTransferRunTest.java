package dev.modelbuilder.local.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Local training runs that start from a backbone file, through the public API. */
class LocalTransferRunTest {
    @TempDir
    Path temp;

    private Path backboneFile(TestBackbones.Ending ending) throws Exception {
        Path file = temp.resolve("tinycnn-" + ending + ".onnx");
        Files.write(file, TestBackbones.cnn(ending, 3));
        return file;
    }

    @Test
    void trainsFromABackboneFileRecordsItAndDeliversAModelThatScoresAsValidated() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 10, 5);
        Path backbone = backboneFile(TestBackbones.Ending.GEMM);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().root(temp.resolve("root")).threads(2)
                .build())) {
            mb.workspaces().define("wsp").create();
            TrainingRun run = mb.workspace("wsp").experiments().getOrCreate("textures").submit(
                    ImageClassificationTraining.fromFolder(data).withBackbone(backbone.toString()).build(),
                    events::add);
            Run done = run.waitForCompletion(Duration.ofMinutes(3));
            assertThat(done.status()).as("run %s: %s", done.id(), done.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.75);
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.TRAIN && "images".equals(p.unit())).isNotEmpty();

            Path runDir = temp.resolve("root").resolve("wsp").resolve("runs").resolve(run.id());
            String sha = BackboneCache.sha256(backbone);
            JsonNode record = new ObjectMapper().readTree(runDir.resolve("run.json").toFile());
            assertThat(record.at("/settings/backbone/name").asText()).isEqualTo(backbone.getFileName().toString());
            assertThat(record.at("/settings/backbone/sha256").asText()).isEqualTo(sha);
            assertThat(new ObjectMapper().readTree(runDir.resolve("outputs").resolve(TransferRun.BACKBONE_FILE)
                    .toFile()).get("sha256").asText()).isEqualTo(sha);

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            ModelPackage pkg = ModelPackage.read(model.pipeline());
            assertThat(pkg.pipeline().preprocessing()).isEqualTo(PreprocessingSpec.resizeCrop(37, 32));
            JsonNode validation = new ObjectMapper().readTree(runDir.resolve("outputs")
                    .resolve(TransferRun.VALIDATION_FILE).toFile());
            assertThat(validation.size()).isPositive();
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                for (JsonNode row : validation) {
                    Prediction p = engine.predict(data.resolve(row.get("file").asText()));
                    assertThat(p.label()).isEqualTo(row.get("predicted").asText());
                    for (int c = 0; c < p.logits().length; c++) {
                        assertThat(p.logits()[c]).isCloseTo((float) row.get("logits").get(c).asDouble(),
                                within(1e-4f));
                    }
                }
            }
        }
    }

    @Test
    void aBackboneThatIsNotAClassifierFailsTheRunSayingWhy() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 5, 6);
        Path backbone = backboneFile(TestBackbones.Ending.NONE);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().root(temp.resolve("root")).threads(2)
                .build())) {
            mb.workspaces().define("wsp").create();
            Run done = mb.workspace("wsp").experiments().getOrCreate("bad").submit(
                    ImageClassificationTraining.fromFolder(data).withBackbone(backbone.toString()).build())
                    .waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).isEqualTo(RunStatus.FAILED);
            assertThat(done.error().message()).contains("no final Gemm or MatMul").contains("name the node");
        }
    }

    @Test
    void cancelDuringFeatureExtractionEndsTheRunCanceled() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 60, 7);
        Path backbone = backboneFile(TestBackbones.Ending.GEMM);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().root(temp.resolve("root")).threads(2)
                .build())) {
            mb.workspaces().define("wsp").create();
            AtomicBoolean asked = new AtomicBoolean();
            TrainingRun[] holder = new TrainingRun[1];
            Object ready = new Object();
            TrainingRun run;
            synchronized (ready) {
                run = mb.workspace("wsp").experiments().getOrCreate("cancel").submit(
                        ImageClassificationTraining.fromFolder(data).withBackbone(backbone.toString())
                                .withOption("augmentViews", "4").build(),
                        e -> {
                            if (e instanceof ProgressEvent.StepProgress p && "images".equals(p.unit())
                                    && asked.compareAndSet(false, true)) {
                                new Thread(() -> {
                                    synchronized (ready) {
                                        holder[0].cancel();
                                    }
                                }).start();
                            }
                        });
                holder[0] = run;
            }
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(asked).isTrue();
            assertThat(done.status()).isEqualTo(RunStatus.CANCELED);
            assertThat(temp.resolve("root").resolve("wsp").resolve("runs").resolve(run.id()).resolve("outputs")
                    .resolve("bestModel.onnx")).doesNotExist();
        }
    }
}
