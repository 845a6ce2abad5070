package dev.modelbuilder.local;

import dev.modelbuilder.core.model.ImageClassificationTraining;
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

    /** @return one epoch of a tiny network on 32-pixel inputs: a few seconds */
    public static ImageClassificationTraining quick(Path data) {
        return ImageClassificationTraining.fromFolder(data).withImageSize(32).withMaxEpochs(1)
                .withArchitecture("resnet8").withOption("width", "4").withOption("batchSize", "4").build();
    }

    /** @return training that goes on until cancelled (tiny batches, no epoch limit to speak of) */
    public static ImageClassificationTraining endless(Path data) {
        return ImageClassificationTraining.fromFolder(data).withImageSize(32).withMaxEpochs(100_000)
                .withTimeBudget(Duration.ofHours(1)).withArchitecture("resnet8").withOption("width", "4")
                .withOption("batchSize", "2").withOption("patience", "10000").build();
    }
}
