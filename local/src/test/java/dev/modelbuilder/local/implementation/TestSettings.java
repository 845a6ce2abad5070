package dev.modelbuilder.local.implementation;

import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.local.implementation.transfer.TransferSettings;
import java.time.Duration;

/** Settings for training from scratch in tests and benchmarks, with the options' defaults elsewhere. */
final class TestSettings {
    private TestSettings() {
    }

    static TrainingSettings scratch(String architecture, int imageSize, int width, int batchSize, int maxEpochs,
            int threads) {
        return new TrainingSettings(architecture, imageSize, width, batchSize,
                (float) LocalTrainingOptions.DEFAULT_LEARNING_RATE, (float) LocalTrainingOptions.DEFAULT_WEIGHT_DECAY,
                maxEpochs, Duration.ofMinutes(10), LocalTrainingOptions.DEFAULT_PATIENCE, 42, threads,
                new TransferSettings(TransferSettings.Mode.SCRATCH, null, null, null, null, 1));
    }
}
