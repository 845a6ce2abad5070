package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.dataset.DatasetRules;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.scoring.evaluation.ModelEvaluator;
import dev.modelbuilder.scoring.evaluation.MultiLabelEvaluationResult;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Multi-label training on this machine: images of one to three shapes (each in its own quadrant) listed in a JSONL
 * labels file train a sigmoid-per-label network from scratch that labels held-out images better than always
 * answering the most frequent label set; the delivered MLModel.zip is multi-label and predicts, under ONNX Runtime,
 * the label sets DJL predicted; and the exported ONNX model computes DJL's logits within 1e-4.
 */
class MultiLabelTrainingTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void learnsLabelSetsBetterThanTheMostFrequentSetAndThePackageAgreesWithDjl() throws Exception {
        Path train = SampleDatasets.multiLabelShapes(temp.resolve("train"), 320, 42);
        Path heldOut = SampleDatasets.multiLabelShapes(temp.resolve("held-out"), 120, 7);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root"))
                .withThreads(2).build())) {
            mb.workspaces().define("multi").create();
            // the epoch limit ends training, not the clock
            TrainingSpec spec = TrainingSpec.fromData(train).withMultiLabel().withTimeBudget(Duration.ofMinutes(30))
                    .withOptions(LocalTrainingOptions.builder().withImageSize(48).withMaxEpochs(25).build())
                    .build();
            TrainingRun run = mb.workspace("multi").runs().define(spec).inExperiment("shapes").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(40));
            assertThat(done.status()).as("run %s: %s", done.id(), done.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.metrics()).containsKeys("iou", "subset_accuracy", "validation_loss", "f1/circle");

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            assertThat(model.labels()).containsExactly("circle", "square", "star", "triangle");
            assertThat(ModelPackage.read(model.pipeline()).pipeline().isMultiLabel()).isTrue();
            Path outputs = temp.resolve("root/multi/runs").resolve(run.id()).resolve("outputs");
            assertThat(Files.readString(outputs.resolve(ArtifactStager.REPORT_FILE))).contains("id=\"mean-iou\"");

            // DJL's predicted sets on the validation images, against the package under ONNX Runtime
            JsonNode djl = JSON.readTree(outputs.resolve(ArtifactStager.VALIDATION_FILE).toFile());
            assertThat(djl.size()).isEqualTo(64);
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                assertThat(engine.isMultiLabel()).isTrue();
                for (JsonNode row : djl) {
                    Prediction p = engine.predict(train.getParent().resolve(row.path("file").asText()));
                    List<String> expected = new java.util.ArrayList<>();
                    row.path("predicted").forEach(l -> expected.add(l.asText()));
                    assertThat(p.labels()).as(row.path("file").asText()).containsExactlyElementsOf(expected);
                }
            }

            MultiLabelEvaluationResult result = ModelEvaluator.builder().build()
                    .evaluateMultiLabel(model.pipeline(), heldOut);
            double baseline = mostFrequentSetIou(train, heldOut);
            System.out.printf("multi-label shapes: held-out mean IoU %.4f, subset accuracy %.4f; most frequent set"
                    + " %.4f%n", result.meanIou(), result.subsetAccuracy(), baseline);
            assertThat(result.meanIou()).isGreaterThan(baseline + 0.2);
            assertThat(result.subsetAccuracy()).isGreaterThan(0.25);
        }
    }

    /** The mean IoU of always answering the training file's most frequent label set. */
    static double mostFrequentSetIou(Path train, Path test) {
        DatasetRules rules = new DatasetRules(2, 1);
        Map<Set<String>, Integer> counts = new HashMap<>();
        for (LabeledImage i : ImageDataset.scan(train, ClassificationTask.MULTI_LABEL, rules).images()) {
            counts.merge(Set.copyOf(i.labels()), 1, Integer::sum);
        }
        Set<String> best = counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        double sum = 0;
        List<LabeledImage> images = ImageDataset.scan(test, ClassificationTask.MULTI_LABEL, rules).images();
        for (LabeledImage i : images) {
            Set<String> union = new HashSet<>(best);
            union.addAll(i.labels());
            Set<String> inter = new HashSet<>(best);
            inter.retainAll(i.labels());
            sum += union.isEmpty() ? 1 : (double) inter.size() / union.size();
        }
        return sum / images.size();
    }

    @Test
    void theExportedMultiLabelNetworkComputesDjlsLogits() throws Exception {
        Path file = SampleDatasets.multiLabelShapes(temp.resolve("small"), 40, 3);
        DatasetSplit split = ImageDataset.scan(file, ClassificationTask.MULTI_LABEL, new DatasetRules(2, 1))
                .split(0.3, 1);
        TrainingData td = TrainingData.load(split, PreprocessingSpec.squash(48), 2, true);
        TrainingParameters settings = TestParameters.scratch("resnet14", 48, 8, 8, 2, 2);
        try (TrainedNetwork net = new ClassifierTrainer(settings, () -> false, System::nanoTime)
                .train(td, ProgressListener.none(), "test")) {
            byte[] onnx = net.exportOnnx(Map.of("labels", "[]"));
            int n = td.validationSize();
            float[][] djl = net.logits(td.validationTensors(), n);
            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions());
                    OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(td.validationTensors(), 0,
                            n * 3 * 48 * 48).slice(), new long[] {n, 3, 48, 48});
                    OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT_NAME, x))) {
                float[][] ort = (float[][]) r.get(0).getValue();
                for (int i = 0; i < n; i++) {
                    assertThat(ort[i]).hasSize(4);
                    for (int c = 0; c < 4; c++) {
                        assertThat(ort[i][c]).as("image %d label %d", i, c).isCloseTo(djl[i][c], within(1e-4f));
                    }
                }
            }
        }
    }
}
