package dev.modelbuilder.core.model;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What an endpoint answered for one image, in provider-neutral terms: the same fields as {@code POST /predict}'s
 * answer and {@code modelbuilder predict --json} (the provider reads the answer; core has no JSON).
 *
 * @param label the most probable label
 * @param score its probability, in [0, 1]
 * @param scores each label's probability as the endpoint listed them (unmodifiable, in the endpoint's order)
 * @param labels every label the endpoint predicted: the label alone for a single-label model, the labels over the
 *     threshold for a multi-label one when the endpoint names them (unmodifiable)
 */
public record EndpointPrediction(String label, double score, Map<String, Double> scores, List<String> labels) {

    /**
     * Checks the label and copies the collections.
     *
     * @throws NullPointerException if the label or the scores are missing
     */
    public EndpointPrediction {
        Objects.requireNonNull(label, "label");
        scores = Collections.unmodifiableMap(new LinkedHashMap<>(Objects.requireNonNull(scores, "scores")));
        labels = labels == null || labels.isEmpty() ? List.of(label) : List.copyOf(labels);
    }
}
