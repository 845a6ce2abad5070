package dev.modelbuilder.serving;

import dev.modelbuilder.scoring.Prediction;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The answer of {@code POST /predict}: the same object as {@code modelbuilder predict --json}, without the file name.
 *
 * @param label the most likely label
 * @param score its probability, in [0, 1]
 * @param scores the probability of each label, in the model's label order (or the best first, see {@link #of})
 */
public record PredictionResult(String label, double score, Map<String, Double> scores) {
    /** Keeps the scores' order. */
    public PredictionResult {
        scores = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(scores));
    }

    /**
     * @param prediction what the engine predicted
     * @param top how many of the best scores to keep, best first, or {@code null} for every label in the model's order
     * @return the answer
     */
    public static PredictionResult of(Prediction prediction, Integer top) {
        if (top == null) {
            return new PredictionResult(prediction.label(), prediction.score(), prediction.scores());
        }
        Map<String, Double> best = new LinkedHashMap<>();
        prediction.topK(top).forEach(s -> best.put(s.label(), s.score()));
        return new PredictionResult(prediction.label(), prediction.score(), best);
    }
}
