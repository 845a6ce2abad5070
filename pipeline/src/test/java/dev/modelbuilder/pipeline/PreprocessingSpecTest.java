package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import org.junit.jupiter.api.Test;

class PreprocessingSpecTest {

    @Test
    void factoriesUseImageNetDefaults() {
        PreprocessingSpec crop = PreprocessingSpec.resizeCrop(256, 224);

        assertThat(crop.geometry()).isEqualTo(PreprocessingSpec.Geometry.RESIZE_CROP);
        assertThat(crop.width()).isEqualTo(224);
        assertThat(crop.height()).isEqualTo(224);
        assertThat(crop.resizeShorterSide()).isEqualTo(256);
        assertThat(crop.normalize()).isTrue();
        assertThat(crop.mean()).containsExactly(0.485f, 0.456f, 0.406f);
        assertThat(crop.std()).containsExactly(0.229f, 0.224f, 0.225f);
        assertThat(crop.tensorSize()).isEqualTo(3 * 224 * 224);
        assertThat(PreprocessingSpec.azureAutoMlDefault()).isEqualTo(crop);
        assertThat(PreprocessingSpec.squash(224).resizeShorterSide()).isZero();
    }

    @Test
    void withersCopy() {
        PreprocessingSpec spec = PreprocessingSpec.squash(224);

        assertThat(spec.withoutNormalization().normalize()).isFalse();
        PreprocessingSpec custom = spec.withNormalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f});
        assertThat(custom.mean()).containsExactly(0.5f, 0.5f, 0.5f);
        float[] leaked = custom.mean();
        leaked[0] = 9f;
        assertThat(custom.mean()[0]).isEqualTo(0.5f);
        assertThat(custom).isNotEqualTo(spec).isEqualTo(
                spec.withNormalization(new float[] {0.5f, 0.5f, 0.5f}, new float[] {0.5f, 0.5f, 0.5f}));
    }

    @Test
    void withoutNormalizationScalesOnly() {
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessingSpec.squash(1).withoutNormalization());
        float[] t = new float[3];

        pre.toTensor(RgbImage.of(1, 1, new byte[] {(byte) 255, 0, 51}), t, 0);

        assertThat(t).containsExactly(1f, 0f, 0.2f);
    }

    @Test
    void validates() {
        assertThatThrownBy(() -> PreprocessingSpec.resizeCrop(200, 224)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("resizeShorterSide '200' is invalid");
        assertThatThrownBy(() -> PreprocessingSpec.squash(0)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("width '0'");
        assertThatThrownBy(() -> PreprocessingSpec.squash(224).withNormalization(new float[] {1, 1, 1},
                new float[] {1, 0, 1})).isInstanceOf(ValidationException.class).hasMessageContaining("positive");
        assertThatThrownBy(() -> PreprocessingSpec.squash(224).withNormalization(new float[] {1, 1},
                new float[] {1, 1, 1})).isInstanceOf(ValidationException.class).hasMessageContaining("3 values");
        assertThatThrownBy(() -> PreprocessingSpec.Geometry.fromId("stretch")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("'squash' or 'resize-crop'");
        assertThat(PreprocessingSpec.Geometry.fromId("RESIZE_CROP")).isEqualTo(PreprocessingSpec.Geometry.RESIZE_CROP);
    }

    @Test
    void geometryRejectsWrongSizeForTensor() {
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessingSpec.squash(2));

        assertThatThrownBy(() -> pre.toTensor(RgbImage.of(1, 1, new byte[3]), new float[12], 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("apply geometry(image) first");
    }

    @Test
    void resizeCropHandlesPortraitAndLandscape() {
        ImagePreprocessor pre = new ImagePreprocessor(PreprocessingSpec.resizeCrop(8, 4, 6));

        assertThat(pre.geometry(RgbImage.of(10, 30, new byte[900])).width()).isEqualTo(4);
        assertThat(pre.geometry(RgbImage.of(30, 10, new byte[900])).height()).isEqualTo(6);
    }
}
