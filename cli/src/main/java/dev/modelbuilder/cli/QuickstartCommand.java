package dev.modelbuilder.cli;

import dev.modelbuilder.codegen.GeneratedProjects;
import dev.modelbuilder.codegen.ProjectGenerator;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.local.LocalTrainingOptionsBuilder;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code modelbuilder quickstart}: the whole job on this machine, no Azure account needed. Generates a sample
 * dataset of shapes, trains on the local backend in experiment {@code quickstart}, writes the model, generates the
 * starter projects, and predicts a few new images.
 */
@Command(name = "quickstart", mixinStandardHelpOptions = true,
        header = "The whole job on this machine, from sample data to predictions",
        description = "Run the whole job on this machine: sample data, training, model files, starter projects, "
                + "predictions. No Azure account needed.")
final class QuickstartCommand implements Callable<Integer> {
    static final String WORKSPACE = "quickstart";
    static final String EXPERIMENT = "quickstart";

    @Spec
    CommandSpec spec;

    @Option(names = "--output", defaultValue = "modelbuilder-quickstart", paramLabel = "DIR",
            description = "Folder for everything the quickstart writes (default ./modelbuilder-quickstart).")
    Path output;

    @Option(names = "--images-per-label", defaultValue = "150",
            description = "Sample images per label (default 150).")
    int imagesPerLabel;

    @Option(names = "--image-size", description = "Model input size in pixels (default: the local backend's, 64).")
    Integer imageSize;

    @Option(names = "--time-budget", defaultValue = "3m", converter = DurationConverter.class,
            description = "Most training time (default 3m).")
    Duration timeBudget;

    @Option(names = "--epochs", description = "Most epochs (default: the local backend's, 30).")
    Integer epochs;

    @Option(names = "--json", description = "Print the summary as JSON (progress goes to standard error).")
    boolean json;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter progressOut = json ? spec.commandLine().getErr() : out;
        Path root = output.toAbsolutePath().normalize();
        Path data = root.resolve("data");
        Path samples = root.resolve("samples");
        Path modelDir = root.resolve("model");
        Path projects = root.resolve("projects");
        Files.createDirectories(root);

        progressOut.println("Model Builder for Java quickstart: everything goes to " + root);
        progressOut.println("> sample data: " + imagesPerLabel + " images per label of circles, squares, triangles");
        progressOut.flush();
        SampleDatasets.shapes(data, imagesPerLabel, 42);
        SampleDatasets.shapes(samples, 2, 4242);

        try (ProgressRenderer progress = new ProgressRenderer(progressOut, !json && ProgressRenderer.isTerminal());
                ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(root.resolve("workspaces"))
                        .build())) {
            mb.workspaces().define(WORKSPACE).create();
            WorkspaceScope ws = mb.workspace(WORKSPACE);
            ws.computes().define(LocalProvider.CPU_COMPUTE).withSize(ws.computes().availableSizes().get(0)).create();
            LocalTrainingOptionsBuilder options = LocalTrainingOptions.builder()
                    .withoutBackbone(); // from scratch: the quickstart runs offline
            if (imageSize != null) {
                options.withImageSize(imageSize);
            }
            if (epochs != null) {
                options.withMaxEpochs(epochs);
            }
            TrainingSpec training = TrainingSpec.fromData(data).withTimeBudget(timeBudget)
                    .withCompute(LocalProvider.CPU_COMPUTE).withOptions(options.build()).build();
            TrainingRun run = ws.runs().define(training).inExperiment(EXPERIMENT).withListener(progress).beginCreate();
            TrainedModel model = run.waitForModel(timeBudget.plusMinutes(5), modelDir);

            Path sampleImage = firstImage(samples);
            GeneratedProjects generated = ProjectGenerator.forModel(modelDir).withName("Quickstart")
                    .withSampleImage(sampleImage).withOverwrite(true).withListener(filesNotListed(progress)).generate(projects);

            List<Map<String, Object>> predictions = new ArrayList<>();
            try (PredictionEngine engine = PredictionEngine.fromPackage(model.pipeline())) {
                for (Path image : images(samples)) {
                    Prediction p = engine.predict(image);
                    Map<String, Object> row = new LinkedHashMap<>();
                    row.put("image", image.toString());
                    row.put("label", p.label());
                    row.put("score", p.score());
                    row.put("scores", p.scores());
                    predictions.add(row);
                }
            }
            Path report = ((LocalProvider) mb.provider()).evaluationReport(WORKSPACE, run.id()).orElse(null);
            summary(out, run.id(), model, generated, predictions, report);
        }
        return ModelBuilderCli.OK;
    }

    /** The summary says where the projects are; the quickstart does not list each file it generates. */
    private static ProgressListener filesNotListed(ProgressListener progress) {
        return event -> {
            if (!(event instanceof ProgressEvent.LogLine)) {
                progress.onEvent(event);
            }
        };
    }

    /** The closing summary: one JSON line with {@code --json}, else the predictions and where to go on. */
    void summary(PrintWriter out, String runId, TrainedModel model, GeneratedProjects generated,
            List<Map<String, Object>> predictions, Path report) {
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("runId", runId);
            m.put("model", Views.model(model));
            m.put("projects", generated.root().toString());
            m.put("predictions", predictions);
            if (report != null) {
                m.put("report", report.toString());
            }
            out.println(Json.line(m));
            out.flush();
            return;
        }
        out.println();
        out.println("Predictions on new images:");
        for (Map<String, Object> p : predictions) {
            out.printf(Locale.ROOT, "  %-40s %s (%.4f)   %s%n", Path.of((String) p.get("image")).getFileName(),
                    p.get("label"), (Double) p.get("score"), scores(p.get("scores")));
        }
        out.println();
        out.println("Summary");
        out.println("  run:       " + runId + " (experiment " + EXPERIMENT + ", workspace " + WORKSPACE + ")");
        out.println("  metrics:   " + metricsLine(model.metrics()));
        if (report != null) {
            out.println("  report:    " + report + " (open it in a browser)");
        }
        out.println("  model:     " + model.directory());
        out.println("             " + model.onnxModel().getFileName() + ", " + model.labelMap().getFileName() + ", "
                + model.pipeline().getFileName());
        out.println("  projects:  " + generated.root());
        out.println("  try them:  cd " + generated.root() + " && mvn -q package && java -jar "
                + generated.consoleProject().getFileName() + "/target/quickstart-consoleapp.jar");
        out.println("  predict:   java -jar modelbuilder.jar predict --model " + model.pipeline() + " IMAGE...");
        out.println("  serve it:  java -jar modelbuilder.jar serve --model " + model.pipeline()
                + "   (then: curl -F image=@IMAGE http://127.0.0.1:8080/predict)");
        out.flush();
    }

    /** The run's figures in words: "validation accuracy 96.7 %, best epoch 28 of 30". */
    static String metricsLine(Map<String, Double> metrics) {
        List<String> parts = new ArrayList<>();
        Double accuracy = metrics.get("accuracy");
        if (accuracy != null) {
            parts.add(String.format(Locale.ROOT, "validation accuracy %.1f %%", 100 * accuracy));
        }
        Double best = metrics.get("best_epoch");
        Double epochs = metrics.get("epochs");
        if (best != null && epochs != null) {
            parts.add(String.format(Locale.ROOT, "best epoch %d of %d", best.intValue(), epochs.intValue()));
        }
        Double loss = metrics.get("validation_loss");
        if (loss != null) {
            parts.add(String.format(Locale.ROOT, "validation loss %.3f", loss));
        }
        return parts.isEmpty() ? "none reported" : String.join(", ", parts);
    }

    private static String scores(Object scores) {
        StringBuilder b = new StringBuilder();
        ((Map<?, ?>) scores).forEach((k, v) -> b.append(b.length() == 0 ? "" : ", ")
                .append(String.format(Locale.ROOT, "%s=%.3f", k, (Double) v)));
        return b.toString();
    }

    private static List<Path> images(Path folder) throws IOException {
        try (Stream<Path> files = Files.walk(folder)) {
            return files.filter(Files::isRegularFile).sorted().toList();
        }
    }

    private static Path firstImage(Path folder) throws IOException {
        return images(folder).get(0);
    }
}
