package dev.modelbuilder.scoring.implementation;

import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.OutputKind;

import java.util.Arrays;

/** Turns a model's raw output row into probabilities: declared or detected kind, softmax (or a sigmoid per label) for logits. */
public final class Scores {
    private Scores() {
    }

    /**
     * @param raw one image's output row
     * @param declared what the output holds, or null to detect it per row ({@link #looksLikeProbabilities})
     * @param model the model in words, for the error
     * @param source the image in words, or null
     * @return the probabilities
     * @throws ScoringException if a value is not finite
     */
    public static double[] probabilities(float[] raw, OutputKind declared, String model, String source) {
        for (float v : raw) {
            if (!Float.isFinite(v)) {
                throw new ScoringException(model + " produced a non-finite output " + Arrays.toString(raw)
                        + (source != null ? " for " + source : ""));
            }
        }
        OutputKind kind = declared != null ? declared
                : looksLikeProbabilities(raw) ? OutputKind.PROBABILITIES : OutputKind.LOGITS;
        if (kind == OutputKind.PROBABILITIES) {
            double[] p = new double[raw.length];
            for (int i = 0; i < raw.length; i++) {
                p[i] = raw[i];
            }
            return p;
        }
        return softmax(raw);
    }

    /**
     * Probabilities of a multi-label (sigmoid) output: each logit through the logistic function, or the values as
     * they are for an output that holds probabilities.
     *
     * @param raw one image's output row
     * @param declared what the output holds; null is taken as logits (a multi-label model's row does not sum to 1,
     *     so it cannot be told apart)
     * @param model the model in words, for the error
     * @param source the image in words, or null
     * @return each label's probability
     * @throws ScoringException if a value is not finite
     */
    public static double[] sigmoidProbabilities(float[] raw, OutputKind declared, String model, String source) {
        for (float v : raw) {
            if (!Float.isFinite(v)) {
                throw new ScoringException(model + " produced a non-finite output " + Arrays.toString(raw)
                        + (source != null ? " for " + source : ""));
            }
        }
        double[] p = new double[raw.length];
        for (int i = 0; i < raw.length; i++) {
            p[i] = declared == OutputKind.PROBABILITIES ? raw[i] : sigmoid(raw[i]);
        }
        return p;
    }

    /**
     * The logistic function in double precision, stable for large magnitudes.
     *
     * @param x a logit
     * @return {@code 1 / (1 + e^-x)}
     */
    public static double sigmoid(double x) {
        if (x >= 0) {
            return 1 / (1 + Math.exp(-x));
        }
        double e = Math.exp(x);
        return e / (1 + e);
    }

    /**
     * Numerically stable softmax in double precision.
     *
     * @param logits the logits
     * @return the probabilities
     */
    public static double[] softmax(float[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (float v : logits) {
            max = Math.max(max, v);
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((double) logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /**
     * @param raw an output row
     * @return whether all values lie in [0, 1] and sum to 1 within 1e-3
     */
    public static boolean looksLikeProbabilities(float[] raw) {
        double sum = 0;
        for (float v : raw) {
            if (v < 0f || v > 1f) {
                return false;
            }
            sum += v;
        }
        return Math.abs(sum - 1.0) <= 1e-3;
    }
}
