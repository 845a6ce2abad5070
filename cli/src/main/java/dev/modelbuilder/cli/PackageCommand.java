package dev.modelbuilder.cli;

import dev.modelbuilder.scoring.ModelVerifier;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.OutputKind;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** {@code modelbuilder package}: assembles MLModel.zip from an ONNX model and a label map. */
@Command(name = "package", mixinStandardHelpOptions = true,
        description = "Assemble MLModel.zip (preprocessing + ONNX model + label map) and check that it loads.")
final class PackageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--onnx", required = true, paramLabel = "FILE", description = "The ONNX model (bestModel.onnx).")
    Path onnx;

    @Option(names = "--labels", required = true, paramLabel = "FILE",
            description = "The label map (bestModelMap.json): a JSON array of labels in class-index order.")
    Path labels;

    @Option(names = "--preprocess", required = true, paramLabel = "GEOMETRY",
            description = "resize-crop (shorter side to --resize, centre crop --size) or squash (straight to --size).")
    String geometry;

    @Option(names = "--size", defaultValue = "224", description = "The model's input size in pixels (default 224).")
    int size;

    @Option(names = "--resize", defaultValue = "256",
            description = "Shorter side before the centre crop, for resize-crop (default 256).")
    int resize;

    @Option(names = "--no-normalize",
            description = "Feed values scaled to [0, 1] without ImageNet mean/std (the model normalizes itself).")
    boolean noNormalize;

    @Option(names = "--raw-pixels",
            description = "Feed pixel values 0-255 without scaling or normalization: the model divides by 255 and "
                    + "normalizes inside its graph (Azure AutoML's export with enableOnnxNormalization). Implies "
                    + "--no-normalize; writes MLModel.zip format 2.0.")
    boolean rawPixels;

    @Option(names = "--output-kind", defaultValue = "logits", paramLabel = "KIND",
            description = "What the model outputs: logits (default) or probabilities.")
    String outputKind;

    @Option(names = "--multi-label", description = "A multi-label model: a sigmoid per label, every label at or "
            + "above the threshold predicted (writes MLModel.zip format 2.0).")
    boolean multiLabel;

    @Option(names = "--threshold", paramLabel = "P", description = "With --multi-label: the probability at or above "
            + "which a label is predicted, between 0 and 1 (default 0.5).")
    Double threshold;

    @Option(names = "--label-threshold", paramLabel = "LABEL=P",
            description = "With --multi-label: a threshold of its own for one label (repeatable).")
    Map<String, Double> labelThresholds = new LinkedHashMap<>();

    @Option(names = "--output", required = true, paramLabel = "ZIP", description = "The MLModel.zip to write.")
    Path output;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Override
    public Integer call() throws IOException {
        requireFile("--onnx", onnx);
        requireFile("--labels", labels);
        PreprocessingSpec preprocessing = switch (PreprocessingSpec.Geometry.fromId(geometry)) {
            case SQUASH -> PreprocessingSpec.squash(size);
            case RESIZE_CROP -> PreprocessingSpec.resizeCrop(resize, size);
        };
        if (rawPixels) {
            preprocessing = preprocessing.withRawPixels();
        } else if (noNormalize) {
            preprocessing = preprocessing.withoutNormalization();
        }
        PipelineSpec pipeline = PipelineSpec.of(preprocessing)
                .withOutputKind(OutputKind.fromId(outputKind));
        if (!multiLabel && (threshold != null || !labelThresholds.isEmpty())) {
            throw new ValidationException("--threshold", threshold != null ? threshold : labelThresholds,
                    "thresholds apply to multi-label models: add --multi-label (a single-label model predicts its "
                            + "most probable label)");
        }
        if (multiLabel) {
            pipeline = pipeline.withMultiLabel(threshold == null ? PipelineSpec.DEFAULT_THRESHOLD : threshold,
                    labelThresholds);
        }
        LabelMap labelMap = LabelMap.read(labels);
        Path zip = output.toAbsolutePath();
        ModelVerifier.writeVerifiedPackage(zip, onnx, labelMap, pipeline);
        int classes;
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            classes = engine.classCount();
        } catch (RuntimeException e) {
            Files.deleteIfExists(zip);
            throw e;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("output", zip.toString());
            m.put("labels", labelMap.labels());
            m.put("classes", classes);
            m.put("preprocessing", preprocessing.toString());
            if (multiLabel) {
                m.put("multiLabel", true);
                m.put("threshold", pipeline.threshold());
                if (!pipeline.labelThresholds().isEmpty()) {
                    m.put("labelThresholds", new java.util.TreeMap<>(pipeline.labelThresholds()));
                }
            }
            out.println(Json.line(m));
        } else {
            out.println("Wrote " + zip + " (" + classes + " labels, " + preprocessing
                    + (multiLabel ? ", multi-label, threshold " + pipeline.threshold()
                    + (pipeline.labelThresholds().isEmpty() ? "" : " " + new java.util.TreeMap<>(
                    pipeline.labelThresholds())) : "") + ")");
        }
        out.flush();
        return ModelBuilderCli.OK;
    }

    static void requireFile(String option, Path file) {
        if (!Files.isRegularFile(file)) {
            throw new ValidationException(option, file, "give an existing file");
        }
    }
}
