package dev.modelbuilder.examples;

import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * Scores images with an existing MLModel.zip, one by one and as a batch.
 *
 * <pre>
 * java -cp "examples/target/modelbuilder-examples.jar:examples/target/lib/*" dev.modelbuilder.examples.ScoreModel MLModel.zip IMAGE...
 * </pre>
 */
public final class ScoreModel {
    private ScoreModel() {
    }

    /**
     * @param args the MLModel.zip, then the images
     */
    public static void main(String[] args) {
        if (args.length < 2) {
            System.err.println("usage: ScoreModel MLModel.zip IMAGE...");
            System.exit(2);
        }
        List<Path> images = Arrays.stream(args).skip(1).map(Path::of).toList();
        try (PredictionEngine engine = PredictionEngine.fromPackage(Path.of(args[0]))) {
            System.out.println("labels: " + engine.labels().labels());
            Prediction first = engine.predict(images.get(0));
            System.out.printf("%s: %s (%.4f), top 3 %s%n", images.get(0), first.label(), first.score(), first.topK(3));
            List<Prediction> all = engine.predictBatch(ImageSource.ofFiles(images));
            for (int i = 0; i < images.size(); i++) {
                System.out.printf("%s: %s (%.4f)%n", images.get(i), all.get(i).label(), all.get(i).score());
            }
        }
    }
}
