package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.scoring.ExecutionProvider;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

/** {@code modelbuilder predict}: predicts the labels of images with an MLModel.zip. */
@Command(name = "predict", mixinStandardHelpOptions = true,
        description = "Predict the label of each image with an MLModel.zip. Exit code 1 if any image failed.")
final class PredictCommand implements Callable<Integer>, ScoresImages {
    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "ZIP", description = "The MLModel.zip to use.")
    Path model;

    @Option(names = "--top", defaultValue = "3", paramLabel = "K", description = "Labels shown per image (default 3).")
    int top;

    @Option(names = "--json", description = "One JSON object per image: image, label, score, scores (or error); for a "
            + "multi-label model image, labels (those that passed their threshold), scores.")
    boolean json;

    @Option(names = "--gpu", paramLabel = "DEVICE",
            description = "Score on this CUDA device (needs the onnxruntime_gpu artifact; see README).")
    Integer gpu;

    @Option(names = "--fallback-to-cpu", description = "With --gpu: use the CPU when CUDA cannot be used.")
    boolean fallbackToCpu;

    @Parameters(arity = "1..*", paramLabel = "IMAGE", description = "Images (JPEG, PNG, GIF, BMP, TIFF or WebP).")
    List<Path> images;

    @Override
    public Integer call() {
        PackageCommand.requireFile("--model", model);
        if (top < 1) {
            throw new dev.modelbuilder.core.exception.ValidationException("--top", top, "use 1 or more");
        }
        PrintWriter out = spec.commandLine().getOut();
        int failures = 0;
        try (PredictionEngine engine = PredictionEngine.builder().withModelPackage(model)
                .withExecutionProvider(gpu == null ? ExecutionProvider.cpu() : ExecutionProvider.cuda(gpu))
                .withFallbackToCpu(fallbackToCpu).build()) {
            for (Path image : images) {
                Map<String, Object> row = new LinkedHashMap<>();
                row.put("image", image.toString());
                try {
                    if (!Files.isRegularFile(image)) {
                        throw new dev.modelbuilder.core.exception.ValidationException("image", image,
                                "give an existing image file");
                    }
                    Prediction p = engine.predict(image);
                    if (p.multiLabel()) {
                        row.put("labels", p.labels());
                        row.put("scores", p.scores());
                        if (json) {
                            out.println(Json.line(row));
                        } else {
                            out.printf(Locale.ROOT, "%s: %s%n", Printable.of(image), p.labels().isEmpty()
                                    ? "(no label)" : Printable.of(String.join(", ", p.labels())));
                            for (Prediction.LabelScore s : p.topK(top)) {
                                out.printf(Locale.ROOT, "  %-20s %.4f%s%n", Printable.of(s.label()), s.score(),
                                        p.labels().contains(s.label()) ? "  *" : "");
                            }
                        }
                        continue;
                    }
                    row.put("label", p.label());
                    row.put("score", p.score());
                    row.put("scores", p.scores());
                    if (json) {
                        out.println(Json.line(row));
                    } else {
                        out.printf(Locale.ROOT, "%s: %s (%.4f)%n", Printable.of(image), Printable.of(p.label()), p.score());
                        for (Prediction.LabelScore s : p.topK(top)) {
                            out.printf(Locale.ROOT, "  %-20s %.4f%n", Printable.of(s.label()), s.score());
                        }
                    }
                } catch (ModelBuilderException e) {
                    failures++;
                    row.put("error", e.getMessage());
                    if (json) {
                        out.println(Json.line(Map.of("image", image.toString(), "error", e.getMessage())));
                    } else {
                        spec.commandLine().getErr().println(Printable.of(image) + ": error: " + Printable.of(e.getMessage()));
                    }
                }
            }
        }
        out.flush();
        spec.commandLine().getErr().flush();
        return failures == 0 ? ModelBuilderCli.OK : ModelBuilderCli.FAILURE;
    }
}
