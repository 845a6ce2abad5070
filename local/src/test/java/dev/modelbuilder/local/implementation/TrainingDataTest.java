package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The augmentation's crop boxes. */
class TrainingDataTest {

    @Test
    void randomCropsStayInsideTheImageWithTheDocumentedAreaAndShape() {
        Random random = new Random(1);
        for (int i = 0; i < 2000; i++) {
            int w = 1 + random.nextInt(300);
            int h = 1 + random.nextInt(300);
            float[] box = TrainingData.randomResizedCropBox(w, h, random);
            assertThat(box[0]).isGreaterThanOrEqualTo(0f);
            assertThat(box[1]).isGreaterThanOrEqualTo(0f);
            assertThat(box[2]).isLessThanOrEqualTo(w).isGreaterThan(box[0]);
            assertThat(box[3]).isLessThanOrEqualTo(h).isGreaterThan(box[1]);
            double area = (double) (box[2] - box[0]) * (box[3] - box[1]) / ((double) w * h);
            assertThat(area).isBetween(TrainingData.MIN_AREA - 1e-3, 1.0 + 1e-6);
        }
    }
}
