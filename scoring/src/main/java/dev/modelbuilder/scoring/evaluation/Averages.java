package dev.modelbuilder.scoring.evaluation;

/**
 * Precision, recall and F1 averaged over labels.
 *
 * @param precision the averaged precision
 * @param recall the averaged recall
 * @param f1 the averaged F1 (the average of the per-label F1 values, not the F1 of the averages)
 */
public record Averages(double precision, double recall, double f1) {
}
