package dev.modelbuilder.local.implementation;

import dev.modelbuilder.local.implementation.transfer.TransferParameters;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * How one local run trains, resolved from the training spec and the user's validated {@code LocalTrainingOptions}
 * before the run is queued: the network trained from scratch, and whether to start from a backbone instead.
 *
 * @param architecture resnet8, resnet14 or resnet20
 * @param imageSize input height and width
 * @param width first-stage channels
 * @param batchSize images per batch
 * @param learningRate initial learning rate
 * @param weightDecay L2 weight decay
 * @param maxEpochs the epoch limit
 * @param timeBudget the time budget
 * @param patience early-stopping patience in epochs
 * @param seed random seed (initialization, shuffling, augmentation)
 * @param threads PyTorch intra-op threads
 * @param transfer whether and how to start from a pretrained backbone
 */
public record TrainingParameters(String architecture, int imageSize, int width, int batchSize, float learningRate,
        float weightDecay, int maxEpochs, Duration timeBudget, int patience, long seed, int threads,
        TransferParameters transfer) {

    /** Checks what the trainer relies on; the options checked the ranges already. */
    public TrainingParameters {
        Objects.requireNonNull(architecture, "architecture");
        Objects.requireNonNull(timeBudget, "timeBudget");
        Objects.requireNonNull(transfer, "transfer");
    }

    /** @return the architecture names the local backend trains from scratch */
    public static List<String> architectures() {
        return ResNetArchitecture.architectures();
    }

    /**
     * @param validationSplit the spec's validation share
     * @param compute the compute the run trains on
     * @return what the run records about how it trains
     */
    Map<String, Object> summary(double validationSplit, String compute) {
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("architecture", architecture);
        summary.put("imageSize", imageSize);
        summary.put("width", width);
        summary.put("batchSize", batchSize);
        summary.put("learningRate", learningRate);
        summary.put("weightDecay", weightDecay);
        summary.put("maxEpochs", maxEpochs);
        summary.put("timeBudget", timeBudget.toString());
        summary.put("patience", patience);
        summary.put("validationSplit", validationSplit);
        summary.put("seed", seed);
        summary.put("threads", threads);
        summary.put("compute", compute);
        return summary;
    }
}
