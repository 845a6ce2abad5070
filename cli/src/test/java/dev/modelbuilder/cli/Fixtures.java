package dev.modelbuilder.cli;

import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.nio.file.Path;

/** Paths of the image-classification fixtures (modelbuilder-testdata). */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        return ImageClassificationFixtures.dir();
    }

    static Path tinyOnnx() {
        return dir().resolve("tiny.onnx");
    }

    static Path labels() {
        return dir().resolve("bestModelMap.json");
    }

    static Path image(String name) {
        return dir().resolve("images").resolve(name);
    }
}
