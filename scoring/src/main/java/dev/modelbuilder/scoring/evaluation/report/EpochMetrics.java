package dev.modelbuilder.scoring.evaluation.report;

/**
 * One training epoch's figures, for the training curves. A figure that was not measured is {@link Double#NaN}.
 *
 * @param epoch the 1-based epoch number
 * @param trainLoss the mean training loss
 * @param trainAccuracy the training accuracy
 * @param validationLoss the mean validation loss
 * @param validationAccuracy the validation accuracy
 */
public record EpochMetrics(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
        double validationAccuracy) {
}
