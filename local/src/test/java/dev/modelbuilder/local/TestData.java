package dev.modelbuilder.local;

import dev.modelbuilder.core.model.TrainingSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;

/** Small datasets and training specs shared by the local backend's tests. */
public final class TestData {
    private TestData() {
    }

    /** @return a 2-label shapes dataset of 8 images per label */
    public static Path tinyShapes(Path dir) {
        return SampleDatasets.shapes(dir, 8, 5, EnumSet.of(SampleDatasets.Shape.CIRCLE, SampleDatasets.Shape.SQUARE));
    }

    /** @return options for one epoch of a tiny network on 32-pixel inputs, from scratch */
    public static LocalTrainingOptionsBuilder quickOptions() {
        return LocalTrainingOptions.builder().withImageSize(32).withMaxEpochs(1).withArchitecture("resnet8")
                .withWidth(4).withBatchSize(4);
    }

    /** @return one epoch of a tiny network on 32-pixel inputs: a few seconds */
    public static TrainingSpec quick(Path data) {
        return TrainingSpec.fromData(data).withOptions(quickOptions().build()).build();
    }

    /** @return training that goes on until cancelled (tiny batches, no epoch limit to speak of) */
    public static TrainingSpec endless(Path data) {
        return TrainingSpec.fromData(data).withTimeBudget(Duration.ofHours(1))
                .withOptions(quickOptions().withMaxEpochs(100_000).withBatchSize(2).withPatience(10_000).build())
                .build();
    }
}
