package dev.modelbuilder.examples;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Trains an image classifier on this machine and scores new images with it: no Azure account needed.
 *
 * <pre>
 * java -cp "examples/target/modelbuilder-examples.jar:examples/target/lib/*" dev.modelbuilder.examples.LocalTrainAndScore [DATA_DIR]
 * </pre>
 *
 * Without an argument it trains on generated shapes (circles, squares, triangles).
 */
public final class LocalTrainAndScore {
    private LocalTrainAndScore() {
    }

    /**
     * @param args an optional dataset folder (one sub-folder of images per label)
     * @throws Exception when something fails
     */
    public static void main(String[] args) throws Exception {
        Path work = Files.createTempDirectory("modelbuilder-local-example");
        Path data = args.length > 0 ? Path.of(args[0]) : SampleDatasets.shapes(work.resolve("data"), 80, 42);

        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(work.resolve("workspaces"))
                .build())) {
            mb.workspaces().define("examples").create();
            WorkspaceScope ws = mb.workspace("examples");
            TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withTimeBudget(Duration.ofMinutes(3))
                            .build())
                    .inExperiment("local-example")
                    .withListener(event -> {
                        if (event instanceof ProgressEvent.MetricLogged m && m.name().equals("accuracy")) {
                            System.out.printf("epoch %d: validation accuracy %.3f%n", m.step(), m.value());
                        }
                    })
                    .beginCreate();
            TrainedModel model = run.waitForModel(Duration.ofMinutes(10), work.resolve("model"));
            System.out.println("model: " + model.directory() + " labels " + model.labels());

            Path image = SampleDatasets.shapes(work.resolve("new"), 1, 7).resolve("triangle")
                    .resolve("triangle_0000.png");
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                Prediction p = engine.predict(image);
                System.out.printf("%s -> %s (%.3f) %s%n", image.getFileName(), p.label(), p.score(), p.scores());
            }
        }
    }
}
