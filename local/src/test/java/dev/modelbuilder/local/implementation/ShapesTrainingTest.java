package dev.modelbuilder.local.implementation;

import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.LocalTrainingOptions;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The quickstart's job end to end on the local backend: a generated shapes dataset (3 labels) trains from scratch
 * within its time budget to at least 90 % validation accuracy, and the delivered MLModel.zip, scored by the scoring
 * module's PredictionEngine (ONNX Runtime), predicts the validation images exactly as DJL did at the end of training.
 */
class ShapesTrainingTest {

    @TempDir
    Path temp;

    @Test
    void trainsShapesToNinetyPercentAndMlModelZipAgreesWithDjl() throws Exception {
        Path data = SampleDatasets.shapes(temp.resolve("shapes"), 150, 42);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root")).withThreads(2)
                .build())) {
            mb.workspaces().define("quickstart").create();
            // the epoch limit ends training, not the clock: the result must not depend on how busy the machine is
            // (about 20 s on 2 idle cores)
            TrainingSpec spec = TrainingSpec.fromData(data).withTimeBudget(Duration.ofMinutes(30))
                    .withOptions(LocalTrainingOptions.builder().withImageSize(64).withMaxEpochs(30).build()).build();
            TrainingRun run = mb.workspace("quickstart").runs().define(spec).inExperiment("shapes")
                    .withListener(events::add).beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(40));
            assertThat(done.status()).as("run %s: %s", done.id(), done.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.9);
            assertThat(done.metrics()).containsKeys("loss", "validation_loss", "accuracy/circle", "accuracy/square",
                    "accuracy/triangle", "epochs", "best_epoch");
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.TRAIN && "epochs".equals(p.unit())).isNotEmpty();
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.MetricLogged m
                    && m.name().equals("accuracy/circle")).isNotEmpty();
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepCompleted c
                    && c.step() == WorkStep.PACKAGE_MODEL).hasSize(1);

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            assertThat(model.labels()).containsExactly("circle", "square", "triangle");
            assertThat(LabelMap.read(model.labelMap()).labels()).containsExactly("circle", "square", "triangle");
            ModelPackage pkg = ModelPackage.read(model.pipeline());
            assertThat(pkg.pipeline().preprocessing()).isEqualTo(PreprocessingSpec.squash(64));
            assertThat(pkg.pipeline().inputName()).isEqualTo(OnnxExporter.INPUT_NAME);
            assertThat(pkg.pipeline().outputName()).isEqualTo(OnnxExporter.OUTPUT_NAME);
            assertThat(pkg.onnxModelBytes()).isEqualTo(Files.readAllBytes(model.onnxModel()));

            JsonNode djl = new ObjectMapper().readTree(temp.resolve("root").resolve("quickstart").resolve("runs")
                    .resolve(run.id()).resolve("outputs").resolve(ArtifactStager.VALIDATION_FILE).toFile());
            assertThat(djl.size()).isEqualTo(90);
            int correct = 0;
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                for (JsonNode row : djl) {
                    Prediction p = engine.predict(data.resolve(row.get("file").asText()));
                    assertThat(p.label()).as(row.get("file").asText()).isEqualTo(row.get("predicted").asText());
                    float[] logits = p.logits();
                    for (int c = 0; c < logits.length; c++) {
                        assertThat(logits[c]).isCloseTo((float) row.get("logits").get(c).asDouble(), within(1e-4f));
                    }
                    if (p.label().equals(row.get("label").asText())) {
                        correct++;
                    }
                }
            }
            assertThat(correct / 90.0).isGreaterThanOrEqualTo(0.9).isCloseTo(done.metrics().get("accuracy"),
                    within(1e-9));
        }
    }
}
