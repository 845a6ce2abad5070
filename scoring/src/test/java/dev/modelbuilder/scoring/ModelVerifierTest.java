package dev.modelbuilder.scoring;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ModelVerifierTest {
    private static final PipelineSpec PIPELINE = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224));

    @Test
    void aMatchingModelIsPackaged(@TempDir Path dir) {
        Path zip = dir.resolve("MLModel.zip");

        ModelVerifier.writeVerifiedPackage(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);

        assertThat(ModelPackage.read(zip).labels()).isEqualTo(LabelMap.read(ImageClassificationFixtures.labelMap()));
    }

    @Test
    void refusesAModelThatDoesNotFitItsLabelsOrPipeline(@TempDir Path dir) {
        Path zip = dir.resolve("MLModel.zip");

        assertThatThrownBy(() -> ModelVerifier.writeVerifiedPackage(zip, ImageClassificationFixtures.tinyModel(), LabelMap.of("a", "b", "c", "d"), PIPELINE))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label map has 4 labels but ONNX model tiny.onnx (output 'output1' [N,5]) "
                        + "outputs 5 classes");
        assertThatThrownBy(() -> ModelVerifier.writeVerifiedPackage(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()),
                PIPELINE.withInputName("image"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no input named 'image'; its inputs are [input1]");
        assertThatThrownBy(() -> ModelVerifier.writeVerifiedPackage(zip, ImageClassificationFixtures.testResource(ModelVerifierTest.class, "fixed_size_96.onnx"), LabelMap.read(ImageClassificationFixtures.labelMap()),
                PIPELINE.withInputName("image").withOutputName("probs"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has shape [N,3,96,96] but the preprocessing produces 224x224 images");
        assertThatThrownBy(() -> ModelVerifier.writeVerifiedPackage(zip, dir.resolve("none.onnx"), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("ONNX model not found");
        assertThat(zip).doesNotExist();
    }

}
