package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.LabelMap;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Models and pipelines that would crash or leak: refused with typed errors that say why (issue 16 items 5, 6). */
class HostileModelTest {

    @Test
    void pipelineLargerThanOneTensorBufferIsRefusedNamingTheSize() {
        // 3 x 16384 x 16384 floats = 3,221,225,472 bytes: more than a direct buffer holds
        assertThatThrownBy(() -> PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.testResource(HostileModelTest.class, "dynamic_hw.onnx"))
                .withLabels(LabelMap.read(ImageClassificationFixtures.labelMap())).withPreprocessing(PreprocessingSpec.squash(16384)).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("805306368 floats (3221225472 bytes)")
                .hasMessageContaining("use a smaller image size");
    }

    @Test
    void largeImagesAreBatchedFewerAtATime() {
        // one 10000 x 10000 image fits a buffer (1.2 GB), eight do not: batches shrink instead of overflowing
        try (PredictionEngine engine = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.testResource(HostileModelTest.class, "dynamic_hw.onnx"))
                .withLabels(LabelMap.read(ImageClassificationFixtures.labelMap())).withPreprocessing(PreprocessingSpec.squash(10000)).withBatchSize(8).build()) {
            assertThat(engine.batchSize()).isEqualTo(1);
        }
    }

    @Test
    void modelsWithExternalDataAreRefusedBeforeOnnxRuntimeOpensTheFile(@TempDir Path dir) throws Exception {
        Path folder = Files.createDirectories(dir.resolve("model"));
        Path model = Files.copy(ImageClassificationFixtures.testResource(HostileModelTest.class, "external_outside.onnx"), folder.resolve("bestModel.onnx"));
        Files.write(dir.resolve("secret.bin"), new byte[60]); // the file outside the model's folder it names
        PipelineSpec pipeline = PipelineSpec.of(PreprocessingSpec.squash(96));

        assertThatThrownBy(() -> PredictionEngine.builder().withOnnxModel(model).withLabels(LabelMap.read(ImageClassificationFixtures.labelMap()))
                .withPreprocessing(pipeline.preprocessing()).build())
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("keeps tensor 'W' in an external data file ('../secret.bin')")
                .hasMessageContaining("save_as_external_data=False");
        assertThatThrownBy(() -> ModelVerifier.verify(model, LabelMap.read(ImageClassificationFixtures.labelMap()), pipeline))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("external data file ('../secret.bin')");

        Path zip = folder.resolve("MLModel.zip");
        ModelPackage.write(zip, model, LabelMap.read(ImageClassificationFixtures.labelMap()), pipeline);
        assertThatThrownBy(() -> PredictionEngine.fromPackage(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.onnx in MLModel.zip " + zip)
                .hasMessageContaining("external data file ('../secret.bin')");
    }
}
