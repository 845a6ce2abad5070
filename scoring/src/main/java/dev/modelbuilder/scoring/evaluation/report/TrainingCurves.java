package dev.modelbuilder.scoring.evaluation.report;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Loss and accuracy per epoch, for training and validation, as drawn in an {@link EvaluationReport}.
 *
 * @param epochs the epochs in order
 */
public record TrainingCurves(List<EpochMetrics> epochs) {
    /** The metric name of the training loss in a run's per-epoch metrics. */
    public static final String TRAIN_LOSS = "loss";
    /** The metric name of the training accuracy. */
    public static final String TRAIN_ACCURACY = "train_accuracy";
    /** The metric name of the validation loss. */
    public static final String VALIDATION_LOSS = "validation_loss";
    /** The metric name of the validation accuracy. */
    public static final String VALIDATION_ACCURACY = "accuracy";

    /** Copies the list. */
    public TrainingCurves {
        epochs = List.copyOf(Objects.requireNonNull(epochs, "epochs"));
    }

    /**
     * Reads a run's per-epoch metrics, as the local provider records them ({@code loss}, {@code train_accuracy},
     * {@code validation_loss}, {@code accuracy}); a missing figure becomes {@link Double#NaN}, and the epochs are
     * numbered from 1 in list order.
     *
     * @param history one metric map per epoch, in order
     * @return the curves
     */
    public static TrainingCurves fromHistory(List<Map<String, Double>> history) {
        List<EpochMetrics> epochs = new ArrayList<>(history.size());
        int epoch = 1;
        for (Map<String, Double> m : history) {
            epochs.add(new EpochMetrics(epoch++, value(m, TRAIN_LOSS), value(m, TRAIN_ACCURACY),
                    value(m, VALIDATION_LOSS), value(m, VALIDATION_ACCURACY)));
        }
        return new TrainingCurves(epochs);
    }

    private static double value(Map<String, Double> m, String key) {
        Double v = m.get(key);
        return v == null ? Double.NaN : v;
    }

    /** @return whether there is no epoch to draw */
    public boolean isEmpty() {
        return epochs.isEmpty();
    }
}
