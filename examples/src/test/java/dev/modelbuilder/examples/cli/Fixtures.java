package dev.modelbuilder.examples.cli;

import java.nio.file.Path;

/** Paths of the shared fixtures. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        String shared = System.getProperty("modelbuilder.shared.dir");
        return (shared != null ? Path.of(shared) : Path.of("..", "..", "shared")).resolve("fixtures")
                .resolve("image-classification").toAbsolutePath().normalize();
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
