package dev.modelbuilder.scoring;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import dev.modelbuilder.core.exception.ValidationException;

import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelCache;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.OutputKind;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.scoring.implementation.Scores;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PredictionEngineTest {

    private static PredictionEngineBuilder tiny() {
        return PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel()).withLabels(LabelMap.read(ImageClassificationFixtures.labelMap()))
                .withPreprocessing(PreprocessingSpec.resizeCrop(256, 224));
    }

    @Test
    void labelMapMismatchFailsAtLoad() {
        assertThatThrownBy(() -> tiny().withLabels(LabelMap.of("a", "b", "c", "d")).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label map has 4 labels but ONNX model " + ImageClassificationFixtures.tinyModel()
                        + " (output 'output1' [N,5]) outputs 5 classes");
    }

    @Test
    void packageWithMismatchedLabelsFailsAtLoad(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PipelineSpec.of(PreprocessingSpec.squash(224)));
        // tamper: re-pack with 6 labels, bypassing write()'s check
        ModelPackage pkg = ModelPackage.read(zip);
        Path tampered = dir.resolve("tampered.zip");
        try (var out = new java.util.zip.ZipOutputStream(Files.newOutputStream(tampered))) {
            out.putNextEntry(new java.util.zip.ZipEntry("pipeline.json"));
            out.write(pkg.pipeline().toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("labels.json"));
            out.write(LabelMap.of("a", "b", "c", "d", "e", "f").toJson().getBytes(java.nio.charset.StandardCharsets.UTF_8));
            out.putNextEntry(new java.util.zip.ZipEntry("model.onnx"));
            out.write(pkg.onnxModelBytes());
        }

        assertThatThrownBy(() -> PredictionEngine.fromPackage(tampered)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label map has 6 labels but model.onnx in MLModel.zip " + tampered)
                .hasMessageContaining("outputs 5 classes");
    }

    @Test
    void aPackageIsLoadedFromItsVerifiedCopyInTheModelCache(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        ModelCache cache = ModelCache.at(dir.resolve("cache"));
        Path image = ImageClassificationFixtures.dir().resolve("images/rocket.jpg");
        String sha = ModelPackage.read(zip).modelSha256().orElseThrow();

        Prediction expected;
        try (PredictionEngine fromBytes = PredictionEngine.builder().withModelPackage(zip).withModelCache(null).build()) {
            expected = fromBytes.predict(image);
        }
        assertThat(dir.resolve("cache")).doesNotExist();
        try (PredictionEngine fromFile = PredictionEngine.builder().withModelPackage(zip).withModelCache(cache).build()) {
            assertThat(dir.resolve("cache").resolve(sha + ".onnx")).hasSameBinaryContentAs(ImageClassificationFixtures.tinyModel());
            assertThat(fromFile.predict(image)).isEqualTo(expected);
        }
        try (var in = Files.newInputStream(zip);
             PredictionEngine fromStream = PredictionEngine.builder().withModelPackage(in).withModelCache(cache).build()) {
            assertThat(fromStream.predict(image)).isEqualTo(expected);
        }
    }

    @Test
    void theWarmUpEndsAndIsNotRepeatedOnceTheRuntimeIsLoaded() throws Exception {
        PredictionEngine.warmUp().get(2, java.util.concurrent.TimeUnit.MINUTES);

        assertThat(PredictionEngine.warmUp()).as("the runtime is loaded: nothing left to do").isDone();
    }

    @Test
    void corruptImageFailsWithScoringException(@TempDir Path dir) throws Exception {
        byte[] jpeg = Files.readAllBytes(ImageClassificationFixtures.dir().resolve("images/rocket.jpg"));
        Path truncated = dir.resolve("broken.jpg");
        Files.write(truncated, Arrays.copyOf(jpeg, 3000));
        Path text = dir.resolve("readme.png");
        Files.writeString(text, "hello");

        try (PredictionEngine engine = tiny().build()) {
            assertThatThrownBy(() -> engine.predict(truncated)).isInstanceOf(ScoringException.class)
                    .hasMessageContaining(truncated.toString()).hasMessageContaining("truncated JPEG");
            assertThatThrownBy(() -> engine.predict(text)).isInstanceOf(ScoringException.class)
                    .hasMessageContaining("unsupported image format in " + text);
            List<ImageSource> batch = new ArrayList<>(ImageSource.ofFiles(ImageClassificationFixtures.imageFiles()));
            batch.add(3, ImageSource.of(text));
            assertThatThrownBy(() -> engine.predictBatch(batch)).isInstanceOf(ScoringException.class)
                    .hasMessageStartingWith("predictBatch input #3 (" + text + "): unsupported image format");
            // the engine still works afterwards
            assertThat(engine.predictBatch(ImageSource.ofFiles(ImageClassificationFixtures.imageFiles()))).hasSize(8);
        }
    }

    @Test
    void predictBatchRejectsNullInputs() {
        try (PredictionEngine engine = tiny().build()) {
            List<ImageSource> withNull = new ArrayList<>(List.of(ImageSource.of(ImageClassificationFixtures.tinyModel())));
            withNull.add(null);
            assertThatThrownBy(() -> engine.predictBatch(withNull)).isInstanceOf(NullPointerException.class)
                    .hasMessage("predictBatch input #1 is null");
            assertThat(engine.predictBatch(List.of())).isEmpty();
        }
    }

    @Test
    void builderListsEveryConfigurationProblem() {
        assertThatThrownBy(() -> PredictionEngine.builder().build()).isInstanceOf(ValidationException.class)
                .hasMessageContaining("give withModelPackage(..) or withOnnxModel(..)");
        assertThatThrownBy(() -> PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel()).build())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("withLabels(..) is required with withOnnxModel(..)")
                .hasMessageContaining("withPreprocessing(..) is required with withOnnxModel(..)");
        assertThatThrownBy(() -> tiny().withModelPackage(Path.of("MLModel.zip")).build())
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("not both")
                .hasMessageContaining("come from the model package");
        assertThatThrownBy(() -> PredictionEngine.builder().withBatchSize(0)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void cudaWithTheCpuBuildFailsFastNamingTheGpuArtifact() {
        assertThatThrownBy(() -> tiny().withExecutionProvider(ExecutionProvider.cuda(0)).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("CUDA execution provider (device 0) is not usable")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu")
                .hasMessageContaining("CUDA 12.x and cuDNN 9.x")
                .hasMessageContaining("fallbackToCpu(true)");
    }

    @Test
    void cudaFallsBackToCpuWhenOptedIn() {
        try (PredictionEngine engine = tiny().withExecutionProvider(ExecutionProvider.cuda(0)).withFallbackToCpu(true).build()) {
            assertThat(engine.executionProvider()).isEqualTo(ExecutionProvider.cpu());
            assertThat(engine.predict(ImageClassificationFixtures.dir().resolve("images/camera.png")).label()).isNotBlank();
        }
    }

    @Test
    void unknownModelFileFailsToLoad(@TempDir Path dir) throws Exception {
        Path garbage = dir.resolve("bestModel.onnx");
        Files.writeString(garbage, "garbage");

        assertThatThrownBy(() -> tiny().withOnnxModel(garbage).build()).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("cannot load ONNX model " + garbage);
    }

    @Test
    void fixedBatchProbabilityModelIsDetected() {
        // input 'image' [1,3,224,224], output 'probs' [1,4] after a softmax: names read from the model
        PredictionEngineBuilder b = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.testResource(PredictionEngineTest.class, "fixed1_probabilities.onnx"))
                .withLabels(LabelMap.of("w", "x", "y", "z")).withPreprocessing(PreprocessingSpec.squash(224)).withBatchSize(8);
        try (PredictionEngine engine = b.build()) {
            assertThat(engine.inputName()).isEqualTo("image");
            assertThat(engine.outputName()).isEqualTo("probs");
            assertThat(engine.batchSize()).as("the model's fixed batch dimension wins").isEqualTo(1);
            assertThat(engine.outputKind()).isEmpty();

            List<Prediction> batch = engine.predictBatch(ImageSource.ofFiles(ImageClassificationFixtures.imageFiles()));

            assertThat(batch).hasSize(8);
            for (int i = 0; i < batch.size(); i++) {
                Prediction p = batch.get(i);
                float[] raw = p.logits();
                // auto-detected probabilities: used as they are, not softmaxed again
                for (int c = 0; c < 4; c++) {
                    assertThat(p.scores().get(engine.labels().label(c))).isCloseTo(raw[c], within(1e-7));
                }
                assertThat(engine.predict(ImageClassificationFixtures.imageFiles().get(i)).logits()).containsExactly(raw);
            }
        }
        try (PredictionEngine declared = b.withOutputKind(OutputKind.LOGITS).build()) {
            Prediction p = declared.predict(ImageClassificationFixtures.imageFiles().get(0));
            assertThat(p.scores().get("w")).as("declared kind wins").isCloseTo(
                    Scores.softmax(p.logits())[0], within(1e-12));
        }
    }

    @Test
    void dynamicClassDimensionIsProbed() {
        try (PredictionEngine engine = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.testResource(PredictionEngineTest.class, "dynamic_classes.onnx"))
                .withLabels(LabelMap.of("a", "b", "c")).withPreprocessing(PreprocessingSpec.squash(224)).build()) {
            assertThat(engine.classCount()).isEqualTo(3);
            assertThat(engine.inputName()).isEqualTo("pixels");
            assertThat(engine.predict(ImageClassificationFixtures.imageFiles().get(1)).scores()).containsOnlyKeys("a", "b", "c");
        }
        assertThatThrownBy(() -> PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.testResource(PredictionEngineTest.class, "dynamic_classes.onnx"))
                .withLabels(LabelMap.of("a", "b")).withPreprocessing(PreprocessingSpec.squash(224)).build())
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("2 labels").hasMessageContaining("3 classes");
    }

    @Test
    void wrongLayoutAndNamesAreRefused() {
        assertThatThrownBy(() -> PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.testResource(PredictionEngineTest.class, "nhwc.onnx"))
                .withLabels(LabelMap.read(ImageClassificationFixtures.labelMap())).withPreprocessing(PreprocessingSpec.squash(224)).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("input 'image' has shape [N,224,224,3]; an image classifier needs float32 [N,3,H,W]");
        assertThatThrownBy(() -> tiny().withInputName("data").build()).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no input named 'data'; its inputs are [input1]");
    }

    @Test
    void softmaxIsStable() {
        double[] p = Scores.softmax(new float[] {1000f, 1000f, -1000f});

        assertThat(p[0]).isCloseTo(0.5, within(1e-12));
        assertThat(p[2]).isZero();
        assertThat(Scores.looksLikeProbabilities(new float[] {0.2f, 0.8f})).isTrue();
        assertThat(Scores.looksLikeProbabilities(new float[] {0.2f, 0.7f})).isFalse();
        assertThat(Scores.looksLikeProbabilities(new float[] {-0.2f, 1.2f})).isFalse();
    }
}
