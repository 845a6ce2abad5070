package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** How a training spec becomes the local trainer's settings, and the augmentation's crop boxes. */
class TrainingSettingsTest {

    private static ImageClassificationTraining.Builder spec() {
        return ImageClassificationTraining.fromFolder(Path.of("data"));
    }

    @Test
    void defaultsApplyWhereTheSpecIsSilent() {
        TrainingSettings s = TrainingSettings.from(spec().build(), 3);
        assertThat(s.architecture()).isEqualTo(ResNetConfig.DEFAULT_ARCHITECTURE);
        assertThat(s.imageSize()).isEqualTo(64);
        assertThat(s.maxEpochs()).isEqualTo(TrainingSettings.DEFAULT_MAX_EPOCHS);
        assertThat(s.timeBudget()).isEqualTo(TrainingSettings.DEFAULT_TIME_BUDGET);
        assertThat(s.batchSize()).isEqualTo(32);
        assertThat(s.threads()).isEqualTo(3);
        assertThat(s.seed()).isEqualTo(42);
    }

    @Test
    void theSpecAndItsOptionsWin() {
        TrainingSettings s = TrainingSettings.from(spec().withArchitecture("ResNet20").withImageSize(224).withMaxEpochs(4)
                .withTimeBudget(Duration.ofSeconds(9)).withSeed(3).withOption("width", "8")
                .withOption("batchSize", "16").withOption("learningRate", "0.01").withOption("weightDecay", "0")
                .withOption("patience", "2").build(), 1);
        assertThat(s).isEqualTo(new TrainingSettings("resnet20", 224, 8, 16, 0.01f, 0f, 4, Duration.ofSeconds(9), 2,
                3, 1));
    }

    @Test
    void everyBadOptionIsReportedAtOnce() {
        assertThatThrownBy(() -> TrainingSettings.from(spec().withOption("width", "0").withOption("colour", "red")
                .withOption("learningRate", "fast").build(), 1))
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations()).hasSize(3))
                .hasMessageContaining("colour").hasMessageContaining("width").hasMessageContaining("learningRate");
    }

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
