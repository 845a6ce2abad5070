package dev.modelbuilder.scoring.evaluation;

import java.util.Objects;

/**
 * One label of a multi-label model, judged as its own yes/no decision at its threshold: the 2x2 table of true and
 * predicted presence, and precision, recall and F1 from it.
 *
 * @param label the label
 * @param threshold the probability at or above which it was predicted
 * @param truePositives images that have it and were given it
 * @param falsePositives images that do not have it but were given it
 * @param falseNegatives images that have it but were not given it
 * @param trueNegatives images that neither have it nor were given it
 * @param precision {@code tp / (tp + fp)}; 0 when it was never predicted
 * @param recall {@code tp / (tp + fn)}; 0 when no image has it
 * @param f1 the harmonic mean of precision and recall; 0 when both are 0
 */
public record LabelDecisionMetrics(String label, double threshold, long truePositives, long falsePositives,
        long falseNegatives, long trueNegatives, double precision, double recall, double f1) {
    /** Checks the label. */
    public LabelDecisionMetrics {
        Objects.requireNonNull(label, "label");
    }

    /** @return how many images have the label */
    public long support() {
        return truePositives + falseNegatives;
    }

    /** @return how many images were given the label */
    public long predicted() {
        return truePositives + falsePositives;
    }

    static LabelDecisionMetrics of(String label, double threshold, long tp, long fp, long fn, long tn) {
        double precision = tp + fp == 0 ? 0 : (double) tp / (tp + fp);
        double recall = tp + fn == 0 ? 0 : (double) tp / (tp + fn);
        double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
        return new LabelDecisionMetrics(label, threshold, tp, fp, fn, tn, precision, recall, f1);
    }
}
