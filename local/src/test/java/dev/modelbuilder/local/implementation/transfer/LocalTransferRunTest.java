package dev.modelbuilder.local.implementation.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.TrainingSpecBuilder;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.LocalTrainingOptions;
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

    private static TrainingSpecBuilder fromBackbone(Path data, Path backbone) {
        return TrainingSpec.fromData(data).withOptions(LocalTrainingOptions.builder()
                .withBackbone(backbone.toString()).build());
    }

    private static TrainingSpec fromBackbone(Path data, Path backbone, int views) {
        return TrainingSpec.fromData(data).withOptions(LocalTrainingOptions.builder()
                .withBackbone(backbone.toString()).withAugmentViews(views).build()).build();
    }

    @Test
    void trainsFromABackboneFileRecordsItAndDeliversAModelThatScoresAsValidated() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 10, 5);
        Path backbone = backboneFile(TestBackbones.Ending.GEMM);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root"))
                .withThreads(2).build())) {
            mb.workspaces().define("wsp").create();
            TrainingRun run = mb.workspace("wsp").runs().define(fromBackbone(data, backbone).build())
                    .inExperiment("textures").withListener(events::add).beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(3));
            assertThat(done.status()).as("run %s: %s", done.id(), done.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.metrics().get("accuracy")).isGreaterThanOrEqualTo(0.75);
            assertThat(events).filteredOn(ProgressEvent.StepStarted.class::isInstance)
                    .extracting(e -> ((ProgressEvent.StepStarted) e).step()).containsExactly(WorkStep.VALIDATE_DATA,
                            WorkStep.QUEUE, WorkStep.DOWNLOAD_BACKBONE, WorkStep.EXTRACT_FEATURES, WorkStep.TRAIN,
                            WorkStep.PACKAGE_MODEL);
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.EXTRACT_FEATURES && "images".equals(p.unit())).last()
                    .satisfies(e -> assertThat(((ProgressEvent.StepProgress) e).fraction()).isEqualTo(1.0));
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.MetricLogged m
                    && m.name().equals("accuracy")).singleElement()
                    .satisfies(e -> assertThat(((ProgressEvent.MetricLogged) e).step()).isEqualTo(1));

            Path runDir = temp.resolve("root").resolve("wsp").resolve("runs").resolve(run.id());
            String sha = BackboneCache.sha256(backbone);
            JsonNode record = new ObjectMapper().readTree(runDir.resolve("run.json").toFile());
            assertThat(record.at("/settings/backbone/name").asText()).isEqualTo(backbone.getFileName().toString());
            assertThat(record.at("/settings/backbone/sha256").asText()).isEqualTo(sha);
            assertThat(new ObjectMapper().readTree(runDir.resolve("outputs").resolve("backbone.json")
                    .toFile()).get("sha256").asText()).isEqualTo(sha);
            assertThat(record.at("/history").size()).as("the head's figures, once").isEqualTo(1);

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            ModelPackage pkg = ModelPackage.read(model.pipeline());
            assertThat(pkg.pipeline().preprocessing()).isEqualTo(PreprocessingSpec.resizeCrop(37, 32));
            JsonNode validation = new ObjectMapper().readTree(runDir.resolve("outputs")
                    .resolve("validation.json").toFile());
            assertThat(validation.size()).isPositive();
            // the evaluation report, as a run from scratch writes it, without curves: the head has no epochs
            Path report = ((LocalProvider) mb.provider()).evaluationReport("wsp", run.id()).orElseThrow();
            assertThat(Files.readString(report)).contains("<title>Run " + run.id() + ": validation split</title>")
                    .doesNotContain("id=\"training-curves\"");
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
    void trainsAMultiLabelHeadByTransferAndPackagesASigmoidPerLabel() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 10, 9);
        // each texture, and its kind: stripes (horizontal, vertical) or spots (checks, dots); two labels per image
        StringBuilder jsonl = new StringBuilder();
        for (String texture : TestBackbones.TEXTURES) {
            String kind = texture.equals("horizontal") || texture.equals("vertical") ? "stripes" : "spots";
            try (java.util.stream.Stream<Path> files = Files.list(data.resolve(texture))) {
                for (Path f : files.sorted().toList()) {
                    jsonl.append("{\"image_url\": \"").append(texture).append('/').append(f.getFileName())
                            .append("\", \"label\": [\"").append(texture).append("\", \"").append(kind)
                            .append("\"]}\n");
                }
            }
        }
        Path labels = Files.writeString(data.resolve("labels.jsonl"), jsonl);
        Path backbone = backboneFile(TestBackbones.Ending.GEMM);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root"))
                .withThreads(2).build())) {
            mb.workspaces().define("wsp").create();
            TrainingRun run = mb.workspace("wsp").runs().define(TrainingSpec.fromData(labels).withMultiLabel()
                    .withOptions(LocalTrainingOptions.builder().withBackbone(backbone.toString()).build()).build())
                    .inExperiment("textures").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(3));
            assertThat(done.status()).as("run %s: %s", done.id(), done.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.metrics()).containsKey("iou");

            TrainedModel model = run.downloadModel(temp.resolve("model"));
            List<String> expectedLabels = List.of("checks", "dots", "horizontal", "spots", "stripes", "vertical");
            assertThat(model.labels()).containsExactlyElementsOf(expectedLabels);
            ModelPackage pkg = ModelPackage.read(model.pipeline());
            assertThat(pkg.pipeline().isMultiLabel()).isTrue();
            assertThat(pkg.pipeline().threshold()).isEqualTo(0.5);
            Path outputs = temp.resolve("root/wsp/runs").resolve(run.id()).resolve("outputs");
            assertThat(Files.readString(outputs.resolve("report.html"))).contains("id=\"mean-iou\"");
            JsonNode validation = new ObjectMapper().readTree(outputs.resolve("validation.json").toFile());
            assertThat(validation.size()).isPositive();
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                assertThat(engine.isMultiLabel()).isTrue();
                for (JsonNode row : validation) {
                    Prediction p = engine.predict(data.resolve(row.get("file").asText()));
                    // one logistic output per label: a sigmoid of each logit, not a softmax over them
                    assertThat(p.multiLabel()).isTrue();
                    assertThat(p.logits()).hasSize(expectedLabels.size());
                    for (int c = 0; c < expectedLabels.size(); c++) {
                        assertThat(p.logits()[c]).isCloseTo((float) row.get("logits").get(c).asDouble(),
                                within(1e-4f));
                        assertThat(p.scores().get(expectedLabels.get(c)))
                                .isCloseTo(1 / (1 + Math.exp(-p.logits()[c])), within(1e-5));
                    }
                    List<String> predicted = new java.util.ArrayList<>();
                    row.get("predicted").forEach(l -> predicted.add(l.asText()));
                    assertThat(p.labels()).as(row.get("file").asText()).containsExactlyElementsOf(predicted);
                }
            }
        }
    }

    @Test
    void aBackboneThatIsNotAClassifierFailsTheRunSayingWhy() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 5, 6);
        Path backbone = backboneFile(TestBackbones.Ending.NONE);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root"))
                .withThreads(2).build())) {
            mb.workspaces().define("wsp").create();
            Run done = mb.workspace("wsp").runs().define(fromBackbone(data, backbone).build()).inExperiment("bad")
                    .create();
            assertThat(done.status()).isEqualTo(RunStatus.FAILED);
            assertThat(done.error().message()).contains("no final Gemm or MatMul").contains("name the node");
            assertThat(done.error().step()).as("cutting the backbone is part of choosing it")
                    .isEqualTo(WorkStep.DOWNLOAD_BACKBONE);
        }
    }

    @Test
    void cancelDuringFeatureExtractionEndsTheRunCanceled() throws Exception {
        Path data = TestBackbones.textures(temp.resolve("data"), 60, 7);
        Path backbone = backboneFile(TestBackbones.Ending.GEMM);
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root"))
                .withThreads(2).build())) {
            mb.workspaces().define("wsp").create();
            AtomicBoolean asked = new AtomicBoolean();
            TrainingRun[] holder = new TrainingRun[1];
            Object ready = new Object();
            TrainingRun run;
            synchronized (ready) {
                run = mb.workspace("wsp").runs().define(fromBackbone(data, backbone, 4)).inExperiment("cancel")
                        .withListener(e -> {
                            if (e instanceof ProgressEvent.StepProgress p && "images".equals(p.unit())
                                    && asked.compareAndSet(false, true)) {
                                new Thread(() -> {
                                    synchronized (ready) {
                                        holder[0].cancel();
                                    }
                                }).start();
                            }
                        }).beginCreate();
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
