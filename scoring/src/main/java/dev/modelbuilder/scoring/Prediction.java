package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.OutputKind;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The result of classifying one image.
 *
 * <pre>{@code
 * Prediction p = engine.predict(Path.of("rose.jpg"));
 * p.label();                       // "roses"
 * p.score();                       // 0.93
 * p.topK(3).forEach(s -> System.out.println(s.label() + " " + s.score()));
 *
 * Prediction m = multiLabelEngine.predict(Path.of("outfit.jpg"));
 * m.labels();                      // [bag, shirt]: every label whose probability reached its threshold
 * m.scores();                      // {bag=0.91, hat=0.07, shirt=0.66}: each label's probability on its own
 * }</pre>
 *
 * <p>A single-label model's labels are its one most probable label, so {@link #labels()} is {@code [label()]}. A
 * multi-label model (a sigmoid per label, {@code activation: sigmoid} in the package) predicts every label whose
 * probability is at or above its threshold, possibly none; {@link #label()} is still its most probable label.
 *
 * @param label the most probable label (ties go to the lower class index)
 * @param index its class index
 * @param score its probability
 * @param scores every label's probability, in class-index order (unmodifiable)
 * @param logits the model's raw outputs (logits, or probabilities for a model whose output kind is
 *     {@link OutputKind#PROBABILITIES}); the accessor returns a copy
 * @param labels the predicted labels in class-index order: {@code [label]} for a single-label model; for a
 *     multi-label model those whose probability reached the threshold (unmodifiable; may be empty)
 * @param multiLabel whether the model is multi-label (independent probabilities, {@link #labels()} decided by
 *     thresholds)
 */
public record Prediction(String label, int index, double score, Map<String, Double> scores, float[] logits,
        List<String> labels, boolean multiLabel) {

    /**
     * One label with its probability.
     *
     * @param label the label
     * @param index its class index
     * @param score its probability
     */
    public record LabelScore(String label, int index, double score) {
    }

    /**
     * Copies the map and the array.
     *
     * @throws NullPointerException if a value is null
     */
    public Prediction {
        Objects.requireNonNull(label, "label");
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(scores, "scores")));
        logits = Objects.requireNonNull(logits, "logits").clone();
        labels = List.copyOf(labels);
    }

    /**
     * A single-label prediction: its labels are {@code [label]}.
     *
     * @param label the most probable label
     * @param index its class index
     * @param score its probability
     * @param scores every label's probability, in class-index order
     * @param logits the model's raw outputs
     */
    public Prediction(String label, int index, double score, Map<String, Double> scores, float[] logits) {
        this(label, index, score, scores, logits, List.of(label), false);
    }

    /**
     * Builds a prediction from probabilities.
     *
     * @param labels the labels
     * @param probabilities one per label
     * @param raw the raw model outputs
     * @return the prediction
     */
    static Prediction of(LabelMap labels, double[] probabilities, float[] raw) {
        return of(labels, probabilities, raw, null);
    }

    /**
     * Builds a prediction from probabilities.
     *
     * @param labels the labels
     * @param probabilities one per label
     * @param raw the raw model outputs
     * @param thresholds for a multi-label model, each label's threshold in class-index order; null for single-label
     * @return the prediction
     */
    static Prediction of(LabelMap labels, double[] probabilities, float[] raw, double[] thresholds) {
        int best = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[best]) {
                best = i;
            }
        }
        LinkedHashMap<String, Double> scores = new LinkedHashMap<>(probabilities.length * 2);
        for (int i = 0; i < probabilities.length; i++) {
            scores.put(labels.label(i), probabilities[i]);
        }
        if (thresholds == null) {
            return new Prediction(labels.label(best), best, probabilities[best], scores, raw);
        }
        List<String> passed = new ArrayList<>();
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] >= thresholds[i]) {
                passed.add(labels.label(i));
            }
        }
        return new Prediction(labels.label(best), best, probabilities[best], scores, raw, passed, true);
    }

    /** @return a copy of the raw model outputs */
    @Override
    public float[] logits() {
        return logits.clone();
    }

    /**
     * @param k how many, at least 1 (more than the number of labels gives all of them)
     * @return the {@code k} most probable labels, most probable first (ties: lower class index first)
     * @throws IllegalArgumentException if {@code k < 1}
     */
    public List<LabelScore> topK(int k) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be at least 1, got " + k);
        }
        List<LabelScore> all = new ArrayList<>(scores.size());
        int i = 0;
        for (Map.Entry<String, Double> e : scores.entrySet()) {
            all.add(new LabelScore(e.getKey(), i++, e.getValue()));
        }
        all.sort((a, b) -> a.score() != b.score() ? Double.compare(b.score(), a.score())
                : Integer.compare(a.index(), b.index()));
        return List.copyOf(all.subList(0, Math.min(k, all.size())));
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Prediction p && label.equals(p.label) && index == p.index
                && Double.compare(score, p.score) == 0 && scores.equals(p.scores) && Arrays.equals(logits, p.logits)
                && labels.equals(p.labels) && multiLabel == p.multiLabel;
    }

    @Override
    public int hashCode() {
        return Objects.hash(label, index, score, scores, labels, multiLabel) * 31 + Arrays.hashCode(logits);
    }

    @Override
    public String toString() {
        return "Prediction[label=" + label + ", index=" + index + ", score=" + score + ", scores=" + scores
                + (multiLabel ? ", labels=" + labels : "") + "]";
    }
}
