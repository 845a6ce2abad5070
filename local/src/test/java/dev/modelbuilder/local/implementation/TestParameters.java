package dev.modelbuilder.local.implementation;

import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.local.implementation.transfer.TransferParameters;
import java.time.Duration;

/** Parameters for training from scratch in tests and benchmarks, with the options' defaults elsewhere. */
final class TestParameters {
    private TestParameters() {
    }

    static TrainingParameters scratch(String architecture, int imageSize, int width, int batchSize, int maxEpochs,
            int threads) {
        return new TrainingParameters(architecture, imageSize, width, batchSize,
                (float) LocalTrainingOptions.DEFAULT_LEARNING_RATE, (float) LocalTrainingOptions.DEFAULT_WEIGHT_DECAY,
                maxEpochs, Duration.ofMinutes(10), LocalTrainingOptions.DEFAULT_PATIENCE, 42, threads,
                new TransferParameters(TransferParameters.Mode.SCRATCH, null, null, null, null, 1));
    }
}
