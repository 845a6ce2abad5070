package dev.modelbuilder.scoring.evaluation;

import java.io.IOException;
import java.nio.file.Path;

/** Opens the package-private {@link EvaluationFixtures} to the report's tests. */
public final class ModelEvaluatorTestSupport {
    private ModelEvaluatorTestSupport() {
    }

    /**
     * @param dir where to write
     * @return the colour model's MLModel.zip
     * @throws IOException if it cannot be written
     */
    public static Path writePackage(Path dir) throws IOException {
        return EvaluationFixtures.writePackage(dir);
    }

    /**
     * @param dir where to write
     * @return the folder of known predictions
     */
    public static Path writeFolder(Path dir) {
        return EvaluationFixtures.writeFolder(dir);
    }
}
