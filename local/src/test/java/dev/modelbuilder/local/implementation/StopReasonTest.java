package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.local.implementation.ClassifierTrainer.StopReason;
import org.junit.jupiter.api.Test;

/** Why training stopped, decided after each epoch and said in one line that must be true for each reason. */
class StopReasonTest {

    @Test
    void theEpochLimitWinsWhenEarlyStoppingAndTheBudgetFallOnTheLastEpoch() {
        assertThat(ClassifierTrainer.afterEpoch(30, 30, 0, 5, false)).isEqualTo(StopReason.EPOCH_LIMIT);
        assertThat(ClassifierTrainer.afterEpoch(30, 30, 5, 5, false)).isEqualTo(StopReason.EPOCH_LIMIT);
        assertThat(ClassifierTrainer.afterEpoch(30, 30, 7, 5, true)).isEqualTo(StopReason.EPOCH_LIMIT);
    }

    @Test
    void earlyStoppingFiresOnlyBeforeTheLimitAfterPatienceEpochsWithoutABetterCheckpoint() {
        assertThat(ClassifierTrainer.afterEpoch(12, 30, 5, 5, false)).isEqualTo(StopReason.EARLY_STOPPING);
        assertThat(ClassifierTrainer.afterEpoch(12, 30, 4, 5, false)).isNull();
    }

    @Test
    void theTimeBudgetStopsBetweenEpochs() {
        assertThat(ClassifierTrainer.afterEpoch(3, 30, 1, 5, true)).isEqualTo(StopReason.TIME_BUDGET);
        assertThat(ClassifierTrainer.afterEpoch(3, 30, 1, 5, false)).isNull();
    }

    @Test
    void theStopLineNamesEachReasonInWords() {
        assertThat(ClassifierTrainer.stopLine(StopReason.EPOCH_LIMIT, 30, 27, 0.95))
                .isEqualTo("training stopped after 30 epochs (reached the epoch limit); best epoch 27 with validation"
                        + " accuracy 0.9500");
        assertThat(ClassifierTrainer.stopLine(StopReason.TIME_BUDGET, 3, 2, 0.3778))
                .isEqualTo("training stopped after 3 epochs (the time budget ran out); best epoch 2 with validation"
                        + " accuracy 0.3778");
        assertThat(ClassifierTrainer.stopLine(StopReason.EARLY_STOPPING, 12, 7, 0.5))
                .isEqualTo("training stopped after 12 epochs (early stopping: validation accuracy stopped"
                        + " improving); best epoch 7 with validation accuracy 0.5000");
        assertThat(ClassifierTrainer.stopLine(StopReason.CANCELLED, 1, 1, 0.25))
                .isEqualTo("training stopped after 1 epoch (cancelled); best epoch 1 with validation accuracy 0.2500");
        assertThat(ClassifierTrainer.stopLine(StopReason.CANCELLED, 0, 0, 0))
                .isEqualTo("training stopped after 0 epochs (cancelled); no checkpoint");
    }
}
