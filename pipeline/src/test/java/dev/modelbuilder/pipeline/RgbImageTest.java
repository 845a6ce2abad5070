package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class RgbImageTest {
    private static RgbImage threeByTwo() {
        byte[] px = new byte[3 * 2 * 3];
        for (int i = 0; i < px.length; i++) {
            px[i] = (byte) (i * 10);
        }
        return RgbImage.of(3, 2, px);
    }

    @Test
    void isImmutable() {
        byte[] px = new byte[3];
        RgbImage img = RgbImage.of(1, 1, px);
        px[0] = 9;
        img.pixels()[1] = 9;

        assertThat(img.pixels()).containsExactly(0, 0, 0);
    }

    @Test
    void cropsAndFlips() {
        RgbImage img = threeByTwo();

        RgbImage crop = img.crop(1, 1, 2, 1);
        assertThat(crop.width()).isEqualTo(2);
        assertThat(crop.pixels()).containsExactly((byte) 120, (byte) 130, (byte) 140, (byte) 150, (byte) 160, (byte) 170);
        assertThat(img.crop(0, 0, 3, 2)).isSameAs(img);

        RgbImage flipped = img.flipHorizontal();
        assertThat(flipped.rgb(0, 0)).isEqualTo(img.rgb(2, 0));
        assertThat(flipped.rgb(2, 1)).isEqualTo(img.rgb(0, 1));
        assertThat(flipped.flipHorizontal()).isEqualTo(img);
        assertThat(img.sample(1, 0, 2)).isEqualTo(50);
    }

    @Test
    void rejectsBadSizes() {
        assertThatThrownBy(() -> RgbImage.of(2, 2, new byte[11])).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12 bytes");
        assertThatThrownBy(() -> RgbImage.of(0, 2, new byte[0])).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> threeByTwo().crop(2, 0, 2, 1)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not inside the 3x2 image");
        assertThatThrownBy(() -> threeByTwo().sample(3, 0, 0)).isInstanceOf(IndexOutOfBoundsException.class);
    }

    @Test
    void convertsToBufferedImageAndBack() {
        RgbImage img = threeByTwo();

        assertThat(ImageDecoder.decode(img.toBufferedImage())).isEqualTo(img);
    }
}
