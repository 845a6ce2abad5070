package dev.modelbuilder.local.implementation.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelbuilder.core.dataset.DatasetRules;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.ModelVerifier;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.BooleanSupplier;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A small CNN's features used for a task it was not made for (textures), with few images per label. */
class TransferTrainerTest {
    @TempDir
    Path dir;

    private Backbone backbone(PreprocessingSpec spec) throws Exception {
        Path file = dir.resolve("tinycnn.onnx");
        Files.write(file, TestBackbones.cnn(TestBackbones.Ending.GEMM, 3));
        return new Backbone("tinycnn.onnx", file, BackboneCache.sha256(file), spec, null);
    }

    /** What the trainer tells its listener: log lines, feature progress, and the steps in order. */
    private static final class Recorder implements ProgressListener {
        final List<String> lines = new CopyOnWriteArrayList<>();
        final List<ProgressEvent> steps = new CopyOnWriteArrayList<>();
        final AtomicLong lastDone = new AtomicLong();
        long total;

        @Override
        public void onEvent(ProgressEvent event) {
            if (event instanceof ProgressEvent.LogLine l) {
                assertThat(l.source()).isEqualTo("run-x");
                lines.add(l.line());
            } else if (event instanceof ProgressEvent.StepProgress p) {
                assertThat(p.step()).isEqualTo(WorkStep.EXTRACT_FEATURES);
                assertThat(p.unit()).isEqualTo("images");
                lastDone.set(p.done());
                total = p.total();
            } else {
                steps.add(event);
            }
        }
    }

    private static TransferTrainer.Outcome train(DatasetSplit split, Backbone backbone,
            TransferTrainer.Parameters options, Path featureDir, ProgressListener events, BooleanSupplier cancelled) {
        return TransferTrainer.train(split, backbone, options, featureDir, Map.of("modelbuilder.run", "run-x"),
                events, "run-x", cancelled);
    }

    @Test
    void learnsANewTaskFromAFewImagesAndExportsOneModelThatScoresLikeFeaturesThenHead() throws Exception {
        Path data = TestBackbones.textures(dir.resolve("data"), 12, 1);
        DatasetSplit split = ImageFolderDataset.scan(data).split(0.25, 7);
        Backbone backbone = backbone(PreprocessingSpec.resizeCrop(36, 32));
        Recorder rec = new Recorder();
        TransferTrainer.Outcome out = train(split, backbone, TransferTrainer.Parameters.defaults(2), dir.resolve("run"),
                rec, () -> false);
        assertThat(out.labels()).containsExactly(TestBackbones.TEXTURES);
        assertThat(out.featureDimension()).isEqualTo(TestBackbones.FEATURES);
        assertThat(rec.total).isEqualTo(split.training().size() * 2 + split.validation().size());
        assertThat(rec.lastDone.get()).isEqualTo(rec.total);
        assertThat(out.head().trainAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(out.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.75);
        assertThat(rec.lines).anyMatch(l -> l.contains("cut before fc") && l.contains(backbone.sha256()));
        assertThat(rec.steps).extracting(e -> e.getClass().getSimpleName() + " " + step(e)).containsExactly(
                "StepStarted EXTRACT_FEATURES", "StepCompleted EXTRACT_FEATURES", "StepStarted TRAIN",
                "StepCompleted TRAIN");

        // the merged model, packaged like a run's MLModel.zip, on images it has never seen
        Path onnx = dir.resolve("bestModel.onnx");
        Files.write(onnx, out.onnx());
        Path zip = dir.resolve("MLModel.zip");
        ModelVerifier.writeVerifiedPackage(zip, onnx, LabelMap.of(out.labels()),
                PipelineSpec.of(backbone.preprocessing()));
        Path fresh = TestBackbones.textures(dir.resolve("fresh"), 10, 99);
        int right = 0;
        int all = 0;
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip);
             FeatureExtractor fx = new FeatureExtractor(BackboneGraph.read(onnx, null).featureModel(),
                     backbone.preprocessing(), 2, 4);
             FeatureExtractor original = new FeatureExtractor(BackboneGraph.read(backbone.file(), null)
                     .featureModel(), backbone.preprocessing(), 2, 4)) {
            assertThat(fx.dimension()).isEqualTo(TestBackbones.FEATURES);
            List<Path> files;
            try (Stream<Path> s = Files.walk(fresh)) {
                files = s.filter(Files::isRegularFile).sorted().toList();
            }
            float[][] features = original.extract(files, 1, ProgressListener.none(), () -> false);
            for (int i = 0; i < files.size(); i++) {
                Prediction p = engine.predict(files.get(i));
                float[] expected = out.head().logits(features[i]);
                for (int c = 0; c < expected.length; c++) {
                    assertThat(p.logits()[c]).isCloseTo(expected[c], within(1e-4f));
                }
                right += p.label().equals(files.get(i).getParent().getFileName().toString()) ? 1 : 0;
                all++;
            }
        }
        assertThat((double) right / all).isGreaterThanOrEqualTo(0.8);
    }

    @Test
    void aMultiLabelHeadHasOneLogisticOutputPerLabelAndBeatsTheMostFrequentSet() throws Exception {
        Path file = dev.modelbuilder.local.SampleDatasets.multiLabelShapes(dir.resolve("multi"), 160, 5);
        DatasetSplit split = dev.modelbuilder.core.dataset.ImageDataset.scan(file,
                dev.modelbuilder.core.dataset.ClassificationTask.MULTI_LABEL,
                new dev.modelbuilder.core.dataset.DatasetRules(2, 1)).split(0.25, 7);
        Backbone backbone = backbone(PreprocessingSpec.squash(32));
        TransferTrainer.Outcome out = TransferTrainer.train(split, true, backbone, TransferTrainer.Parameters.defaults(2),
                null, Map.of("modelbuilder.run", "run-x"), ProgressListener.none(), "run-x", () -> false);
        assertThat(out.labels()).containsExactly("circle", "square", "star", "triangle");
        assertThat(out.validationTargets().length).isEqualTo(split.validation().size());
        assertThat(out.metrics()).containsKey("iou");

        // the most frequent training set, scored on the validation images as the head's IoU is
        Map<java.util.Set<String>, Integer> sets = new java.util.HashMap<>();
        split.training().forEach(i -> sets.merge(java.util.Set.copyOf(i.labels()), 1, Integer::sum));
        java.util.Set<String> common = sets.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow()
                .getKey();
        double baseline = split.validation().stream().mapToDouble(i -> {
            java.util.Set<String> union = new java.util.HashSet<>(common);
            union.addAll(i.labels());
            long inter = i.labels().stream().filter(common::contains).count();
            return union.isEmpty() ? 1 : (double) inter / union.size();
        }).average().orElseThrow();
        System.out.printf("transfer multi-label: validation IoU %.4f, most frequent set %.4f%n",
                out.metrics().get("iou"), baseline);
        assertThat(out.metrics().get("iou")).isGreaterThan(baseline);

        // the merged model computes the head's logits (a sigmoid per label is applied by the package, not the graph)
        Path onnx = dir.resolve("multi.onnx");
        Files.write(onnx, out.onnx());
        Path zip = dir.resolve("multi.zip");
        ModelVerifier.writeVerifiedPackage(zip, onnx, LabelMap.of(out.labels()),
                PipelineSpec.of(backbone.preprocessing()).withMultiLabel(0.5, Map.of()));
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            for (int i = 0; i < split.validation().size(); i++) {
                Prediction p = engine.predict(split.validation().get(i).path());
                for (int c = 0; c < 4; c++) {
                    assertThat(p.logits()[c]).isCloseTo(out.validationLogits()[i][c], within(1e-4f));
                }
                assertThat(p.multiLabel()).isTrue();
            }
        }
    }

    private static String step(ProgressEvent e) {
        if (e instanceof ProgressEvent.StepStarted s) {
            return s.step().name();
        }
        return e instanceof ProgressEvent.StepCompleted c ? c.step().name() : "";
    }

    @Test
    void featuresAreComputedOncePerRun() throws Exception {
        Path data = TestBackbones.textures(dir.resolve("data"), 4, 2);
        DatasetSplit split = ImageFolderDataset.scan(data, new DatasetRules(2, 2)).split(0.25, 7);
        Backbone backbone = backbone(PreprocessingSpec.squash(32));
        Recorder first = new Recorder();
        TransferTrainer.Outcome a = train(split, backbone, TransferTrainer.Parameters.defaults(2), dir.resolve("run"),
                first, () -> false);
        Recorder second = new Recorder();
        TransferTrainer.Outcome b = train(split, backbone, TransferTrainer.Parameters.defaults(2), dir.resolve("run"),
                second, () -> false);
        assertThat(first.lastDone.get()).isPositive();
        assertThat(second.lastDone.get()).isZero();
        assertThat(second.lines).anyMatch(l -> l.startsWith("features read from"));
        assertThat(b.head().bias()).containsExactly(a.head().bias());
        assertThat(a.onnx()).isEqualTo(b.onnx());
    }

    @Test
    void aLabelWithASingleImageTrainsAndIsNamed() throws Exception {
        Path data = TestBackbones.textures(dir.resolve("data"), 4, 3);
        try (Stream<Path> s = Files.list(data.resolve("dots"))) {
            for (Path p : s.sorted().skip(1).toList()) {
                Files.delete(p);
            }
        }
        DatasetSplit split = ImageFolderDataset.scan(data, new DatasetRules(2, 1)).split(0.25, 7);
        Recorder rec = new Recorder();
        TransferTrainer.Outcome out = train(split, backbone(PreprocessingSpec.squash(32)),
                TransferTrainer.Parameters.defaults(2), null, rec, () -> false);
        assertThat(rec.lines).anyMatch(l -> l.contains("label 'dots' has a single image"));
        assertThat(out.labels()).contains("dots");
        assertThat(out.head().weights()).hasNumberOfRows(4);
    }

    @Test
    void cancelDuringFeatureExtractionStopsIt() throws Exception {
        Path data = TestBackbones.textures(dir.resolve("data"), 10, 4);
        DatasetSplit split = ImageFolderDataset.scan(data).split(0.2, 7);
        AtomicInteger batches = new AtomicInteger();
        ProgressListener listener = e -> {
            if (e instanceof ProgressEvent.StepProgress) {
                batches.incrementAndGet();
            }
        };
        TransferTrainer.Parameters options = new TransferTrainer.Parameters(1, 2, 4, LogisticHead.Parameters.defaults(2));
        assertThatThrownBy(() -> train(split, backbone(PreprocessingSpec.squash(32)), options, dir.resolve("run"),
                listener, () -> batches.get() >= 2))
                .isInstanceOf(CancellationException.class)
                .hasMessageContaining("feature extraction");
        assertThat(batches.get()).isEqualTo(2);
        try (Stream<Path> s = Files.walk(dir)) {
            assertThat(s.filter(p -> p.getFileName().toString().startsWith("features-"))).isEmpty();
        }
    }
}
