package dev.modelbuilder.codegen;

import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A trained-model folder made from the fixture model (tiny.onnx, 5 classes). */
final class ModelFixture {
    private ModelFixture() {
    }

    static Path fixtures() {
        return ImageClassificationFixtures.dir();
    }

    static Path image(String name) {
        return fixtures().resolve("images").resolve(name);
    }

    /**
     * The fixture model packaged as a multi-label model: a sigmoid per label, threshold 0.3 (0.6 for roses).
     *
     * @param dir the folder to create
     * @return the folder
     * @throws IOException when a file cannot be copied
     */
    static Path createMultiLabel(Path dir) throws IOException {
        create(dir);
        ModelPackage.write(dir.resolve(TrainedModel.PIPELINE_FILE), dir.resolve(TrainedModel.ONNX_FILE),
                LabelMap.read(dir.resolve(TrainedModel.LABEL_MAP_FILE)),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)).withMultiLabel(0.3,
                        java.util.Map.of("roses", 0.6)));
        return dir;
    }

    static Path create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path fixtures = fixtures();
        Files.copy(fixtures.resolve("tiny.onnx"), dir.resolve(TrainedModel.ONNX_FILE));
        Files.copy(fixtures.resolve("bestModelMap.json"), dir.resolve(TrainedModel.LABEL_MAP_FILE));
        ModelPackage.write(dir.resolve(TrainedModel.PIPELINE_FILE), dir.resolve(TrainedModel.ONNX_FILE),
                LabelMap.read(dir.resolve(TrainedModel.LABEL_MAP_FILE)),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return dir;
    }
}
