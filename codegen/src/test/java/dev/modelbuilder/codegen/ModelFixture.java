package dev.modelbuilder.codegen;

import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.scoring.LabelMap;
import dev.modelbuilder.scoring.ModelPackage;
import dev.modelbuilder.scoring.PipelineDefinition;
import dev.modelbuilder.scoring.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** A trained-model folder made from the shared fixture model (tiny.onnx, 5 classes). */
final class ModelFixture {
    private ModelFixture() {
    }

    static Path shared() {
        String dir = System.getProperty("modelbuilder.shared.dir");
        Path shared = dir != null ? Path.of(dir) : Path.of("..", "..", "shared");
        return shared.resolve("fixtures").resolve("image-classification").toAbsolutePath().normalize();
    }

    static Path image(String name) {
        return shared().resolve("images").resolve(name);
    }

    static Path create(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path fixtures = shared();
        Files.copy(fixtures.resolve("tiny.onnx"), dir.resolve(TrainedModel.ONNX_FILE));
        Files.copy(fixtures.resolve("bestModelMap.json"), dir.resolve(TrainedModel.LABEL_MAP_FILE));
        ModelPackage.write(dir.resolve(TrainedModel.PIPELINE_FILE), dir.resolve(TrainedModel.ONNX_FILE),
                LabelMap.read(dir.resolve(TrainedModel.LABEL_MAP_FILE)),
                PipelineDefinition.of(PreprocessingSpec.resizeCrop(256, 224)));
        return dir;
    }
}
