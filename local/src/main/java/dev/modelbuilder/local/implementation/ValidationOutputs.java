package dev.modelbuilder.local.implementation;

import dev.modelbuilder.scoring.evaluation.EvaluationAccumulator;
import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import dev.modelbuilder.scoring.evaluation.report.EvaluationReport;
import dev.modelbuilder.scoring.evaluation.report.TrainingCurves;
import dev.modelbuilder.scoring.implementation.Scores;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** What a run writes about its validation split beside the model: the predictions and the evaluation report. */
final class ValidationOutputs {
    private ValidationOutputs() {
    }

    /**
     * The evaluation report: the validation split evaluated from the same logits, plus every epoch's curves.
     */
    static byte[] reportHtml(float[][] logits, TrainingData data, String datasetRoot, String runId,
            List<Map<String, Double>> history) {
        int[] truth = data.validationLabels();
        EvaluationAccumulator acc = new EvaluationAccumulator(data.labels(), Math.min(5, data.labels().size()));
        for (int i = 0; i < logits.length; i++) {
            acc.add(data.validationFiles().get(i), truth[i], Scores.softmax(logits[i]));
        }
        EvaluationResult result = acc.result(datasetRoot, "run " + runId);
        return EvaluationReport.of(result).withTitle("Run " + runId + ": validation split")
                .withTrainingCurves(TrainingCurves.fromHistory(history)).toHtml()
                .getBytes(StandardCharsets.UTF_8);
    }

    /** The validation predictions (file, label, predicted label, logits), for checks outside the JVM. */
    static byte[] predictionsJson(float[][] logits, TrainingData data) throws IOException {
        int n = logits.length;
        int[] truth = data.validationLabels();
        List<Map<String, Object>> rows = new java.util.ArrayList<>();
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < logits[i].length; c++) {
                if (logits[i][c] > logits[i][best]) {
                    best = c;
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", data.validationFiles().get(i));
            row.put("label", data.labels().get(truth[i]));
            row.put("predicted", data.labels().get(best));
            row.put("logits", logits[i]);
            rows.add(row);
        }
        return new com.fasterxml.jackson.databind.ObjectMapper().writerWithDefaultPrettyPrinter()
                .writeValueAsBytes(rows);
    }

}
