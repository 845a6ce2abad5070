package dev.modelbuilder.serving;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelbuilder.scoring.Prediction;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code POST /predict}: the same object as {@code modelbuilder predict --json}, without the file name.
 * A single-label model answers {@code label}, {@code score} and {@code scores}; a multi-label model answers
 * {@code labels} (every label whose probability reached its threshold, in the model's label order, empty when none
 * did) and {@code scores}.
 *
 * @param label the most likely label (single-label models), or {@code null}
 * @param score its probability, in [0, 1] (single-label models), or {@code null}
 * @param labels the labels that passed their thresholds (multi-label models), or {@code null}
 * @param scores the probability of each label, in the model's label order (or the best first, see {@link #of})
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record PredictionResult(String label, Double score, List<String> labels, Map<String, Double> scores) {
    /** Keeps the scores' order and copies the labels. */
    public PredictionResult {
        labels = labels == null ? null : List.copyOf(labels);
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /**
     * @param prediction what the engine predicted
     * @param top how many of the best scores to keep, best first, or {@code null} for every label in the model's order
     * @return the answer
     */
    public static PredictionResult of(Prediction prediction, Integer top) {
        Map<String, Double> scores = prediction.scores();
        if (top != null) {
            scores = new LinkedHashMap<>();
            for (Prediction.LabelScore s : prediction.topK(top)) {
                scores.put(s.label(), s.score());
            }
        }
        return prediction.multiLabel() ? new PredictionResult(null, null, prediction.labels(), scores)
                : new PredictionResult(prediction.label(), prediction.score(), null, scores);
    }
}
