package dev.modelbuilder.local.implementation;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.scoring.evaluation.EvaluationAccumulator;
import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import dev.modelbuilder.scoring.evaluation.MultiLabelEvaluationAccumulator;
import dev.modelbuilder.scoring.evaluation.report.MultiLabelEvaluationReport;
import dev.modelbuilder.scoring.evaluation.report.EvaluationReport;
import dev.modelbuilder.scoring.evaluation.report.TrainingCurves;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A trained model's outputs on the run's validation images, and what the run writes about them beside the model: the
 * predictions as JSON (for checking the delivered model against, outside the JVM too) and the evaluation report.
 *
 * @param labels class index to label
 * @param files the validation images' paths relative to the dataset folder
 * @param truth each image's class (unused for a multi-label model)
 * @param logits the model's logits for each image
 * @param targets for a multi-label model, each image's true labels' class indexes; null for a single-label one
 */
record ValidationOutputs(List<String> labels, List<String> files, int[] truth, float[][] logits, int[][] targets) {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** Outputs of a single-label model. */
    ValidationOutputs(List<String> labels, List<String> files, int[] truth, float[][] logits) {
        this(labels, files, truth, logits, null);
    }

    /**
     * @param labels class index to label
     * @param files the validation images
     * @param targets each image's true labels' class indexes
     * @param logits the model's logits for each image
     * @return the outputs of a multi-label model
     */
    static ValidationOutputs multiLabel(List<String> labels, List<String> files, int[][] targets, float[][] logits) {
        return new ValidationOutputs(labels, files, new int[files.size()], logits, targets);
    }

    /** @return whether the model is multi-label (a sigmoid per label, thresholds at 0.5) */
    boolean isMultiLabel() {
        return targets != null;
    }

    /** Checks that there is one class and one logit row per file. */
    ValidationOutputs {
        labels = List.copyOf(labels);
        files = List.copyOf(files);
        Objects.requireNonNull(truth, "truth");
        Objects.requireNonNull(logits, "logits");
        if (truth.length != files.size() || logits.length != files.size()) {
            throw new IllegalArgumentException(files.size() + " validation files, " + truth.length + " classes and "
                    + logits.length + " logit rows");
        }
    }

    /** @return whether there are no validation images (nothing to report on) */
    boolean isEmpty() {
        return files.isEmpty();
    }

    /** @return one row per image: file, label, predicted label, logits */
    byte[] predictionsJson() throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", files.get(i));
            if (isMultiLabel()) {
                List<String> predicted = new ArrayList<>();
                for (int c = 0; c < logits[i].length; c++) {
                    if (logits[i][c] >= 0) { // probability 0.5, the package's threshold
                        predicted.add(labels.get(c));
                    }
                }
                row.put("labels", java.util.Arrays.stream(targets[i]).mapToObj(labels::get).toList());
                row.put("predicted", predicted);
                row.put("logits", logits[i]);
                rows.add(row);
                continue;
            }
            row.put("label", labels.get(truth[i]));
            row.put("predicted", labels.get(argMax(logits[i])));
            row.put("logits", logits[i]);
            rows.add(row);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows);
    }

    /**
     * @param datasetRoot the dataset folder, as the report names it
     * @param runId the run
     * @param history each epoch's metrics, for the training curves (empty for none)
     * @return the evaluation report of these outputs, as HTML
     */
    byte[] reportHtml(String datasetRoot, String runId, List<Map<String, Double>> history) {
        if (isMultiLabel()) {
            double[] thresholds = new double[labels.size()];
            java.util.Arrays.fill(thresholds, dev.modelbuilder.pipeline.PipelineSpec.DEFAULT_THRESHOLD);
            MultiLabelEvaluationAccumulator acc = new MultiLabelEvaluationAccumulator(labels, thresholds);
            for (int i = 0; i < files.size(); i++) {
                acc.addLogits(files.get(i), targets[i], logits[i]);
            }
            return MultiLabelEvaluationReport.of(acc.result(datasetRoot, "run " + runId))
                    .withTitle("Run " + runId + ": validation split")
                    .withTrainingCurves(TrainingCurves.fromHistory(history)).toHtml()
                    .getBytes(StandardCharsets.UTF_8);
        }
        EvaluationAccumulator acc = new EvaluationAccumulator(labels, Math.min(5, labels.size()));
        for (int i = 0; i < files.size(); i++) {
            acc.addLogits(files.get(i), truth[i], logits[i]);
        }
        EvaluationResult result = acc.result(datasetRoot, "run " + runId);
        return EvaluationReport.of(result).withTitle("Run " + runId + ": validation split")
                .withTrainingCurves(TrainingCurves.fromHistory(history)).toHtml()
                .getBytes(StandardCharsets.UTF_8);
    }

    private static int argMax(float[] values) {
        int best = 0;
        for (int c = 1; c < values.length; c++) {
            if (values[c] > values[best]) {
                best = c;
            }
        }
        return best;
    }
}
