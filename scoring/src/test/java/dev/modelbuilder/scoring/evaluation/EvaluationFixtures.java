package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.testdata.ColourClassifier;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A 3-label colour model and a folder of solid-colour images whose predictions are known by hand.
 *
 * <p>Labels cat, dog, fox; logits = 10 * (r, g, b) / 255 (weights 10 * identity). Colours: A = (255, 100, 0) ranks
 * cat, dog, fox; B = (0, 255, 100) ranks dog, fox, cat; C = (100, 0, 255) ranks fox, cat, dog. Folder:
 * <pre>
 * cat/ a1 a2 a3 (A, right)  b1 (B: predicted dog, cat ranked 3rd)
 * dog/ b1 b2 (B, right)     a1 (A: predicted cat, dog ranked 2nd)   c1 (C: predicted fox, dog ranked 3rd)
 * fox/ c1 c2 (C, right)
 * </pre>
 */
final class EvaluationFixtures {
    static final float[][] WEIGHTS = {{10, 0, 0}, {0, 10, 0}, {0, 0, 10}};
    static final int[] A = {255, 100, 0};
    static final int[] B = {0, 255, 100};
    static final int[] C = {100, 0, 255};

    private EvaluationFixtures() {
    }

    static Path writePackage(Path dir) throws IOException {
        Path onnx = ColourClassifier.writeModel(dir.resolve("colour.onnx"), WEIGHTS);
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, onnx, LabelMap.of("cat", "dog", "fox"),
                PipelineSpec.of(PreprocessingSpec.squash(ColourClassifier.SIZE).withoutNormalization()));
        Files.delete(onnx);
        return zip;
    }

    static Path writeFolder(Path dir) {
        image(dir, "cat/a1.png", A);
        image(dir, "cat/a2.png", A);
        image(dir, "cat/a3.png", A);
        image(dir, "cat/b1.png", B);
        image(dir, "dog/b1.png", B);
        image(dir, "dog/b2.png", B);
        image(dir, "dog/a1.png", A);
        image(dir, "dog/c1.png", C);
        image(dir, "fox/c1.png", C);
        image(dir, "fox/c2.png", C);
        return dir;
    }

    static void image(Path dir, String name, int[] rgb) {
        image(dir, name, rgb, 6);
    }

    static Path image(Path dir, String name, int[] rgb, int size) {
        return ColourClassifier.writeSolidPng(dir.resolve(name), rgb[0], rgb[1], rgb[2], size);
    }

    /** @return the probabilities the model gives a colour */
    static double[] probabilities(int[] rgb) {
        return ColourClassifier.softmax(ColourClassifier.logits(rgb[0], rgb[1], rgb[2], WEIGHTS));
    }
}
