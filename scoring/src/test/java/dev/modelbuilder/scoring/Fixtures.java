package dev.modelbuilder.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;

/** The image-classification fixtures (modelbuilder-testdata) and this module's test resources (ONNX models). */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        return ImageClassificationFixtures.dir();
    }

    static Path tinyModel() {
        return ImageClassificationFixtures.tinyModel();
    }

    static LabelMap labels() {
        return LabelMap.read(ImageClassificationFixtures.labelMap());
    }

    /** @return every image entry of expected.json */
    static List<JsonNode> images() {
        return ImageClassificationFixtures.imageEntries();
    }

    static List<Path> imageFiles() {
        return ImageClassificationFixtures.imageFiles();
    }

    static PreprocessingSpec spec(String variant) {
        return switch (variant) {
            case "squash224" -> PreprocessingSpec.squash(224);
            case "crop224" -> PreprocessingSpec.resizeCrop(256, 224);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** A resource of this module's tests (src/test/resources/dev/modelbuilder/scoring/...). */
    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " not found", e);
        }
    }
}
