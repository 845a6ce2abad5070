package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ResamplerTest {

    static Stream<Arguments> boxCases() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : pillowReference().get("box_resize")) {
            out.add(Arguments.of(c.get("image").asText() + " " + c.get("box") + " -> " + c.get("width").asInt() + "x"
                    + c.get("height").asInt(), c));
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("boxCases")
    void boxResizeEqualsPillow(String name, JsonNode c) {
        RgbImage source = ImageDecoder.decode(ImageClassificationFixtures.dir().resolve("images").resolve(c.get("image").asText()));
        JsonNode b = c.get("box");
        float[] box = {(float) b.get(0).asDouble(), (float) b.get(1).asDouble(), (float) b.get(2).asDouble(),
                (float) b.get(3).asDouble()};

        RgbImage out = Resampler.resize(source, box, c.get("width").asInt(), c.get("height").asInt());

        assertThat(out.width()).isEqualTo(c.get("width").asInt());
        assertThat(out.height()).isEqualTo(c.get("height").asInt());
        assertThat(ImageClassificationFixtures.sha256(out.pixels())).as(name).isEqualTo(c.get("sha256").asText());
    }

    @Test
    void fullBoxEqualsPlainResize() {
        RgbImage source = ImageDecoder.decode(ImageClassificationFixtures.dir().resolve("images/coffee.png"));

        assertThat(Resampler.resize(source, new float[] {0, 0, 600, 400}, 224, 224))
                .isEqualTo(Resampler.resize(source, 224, 224));
    }

    @Test
    void sameSizeIsTheIdentity() {
        RgbImage source = ImageDecoder.decode(ImageClassificationFixtures.dir().resolve("images/synth_rgb_37x500.png"));

        assertThat(Resampler.resize(source, 37, 500)).isEqualTo(source);
    }

    @Test
    void uniformImageStaysUniform() {
        byte[] px = new byte[50 * 30 * 3];
        for (int i = 0; i < px.length; i += 3) {
            px[i] = (byte) 200;
            px[i + 1] = 17;
            px[i + 2] = (byte) 255;
        }
        RgbImage out = Resampler.resize(RgbImage.of(50, 30, px), 7, 90);

        for (int y = 0; y < 90; y++) {
            for (int x = 0; x < 7; x++) {
                assertThat(out.rgb(x, y)).isEqualTo(200 << 16 | 17 << 8 | 255);
            }
        }
    }

    @Test
    void rejectsBadArguments() {
        RgbImage img = RgbImage.of(4, 4, new byte[48]);

        assertThatThrownBy(() -> Resampler.resize(img, 0, 3)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("0x3");
        assertThatThrownBy(() -> Resampler.resize(img, new float[] {0, 0, 5, 4}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("inside the 4x4 image");
        assertThatThrownBy(() -> Resampler.resize(img, new float[] {2, 0, 2, 4}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("non-empty");
        assertThatThrownBy(() -> Resampler.resize(img, new float[] {0, 0, 4}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("4 values");
        assertThatThrownBy(() -> Resampler.resize(img, new float[] {0, Float.NaN, 4, 4}, 2, 2))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("finite");
    }

    /** Pillow's reference for this module's resampling and decoding checks (a test resource of pipeline). */
    private static com.fasterxml.jackson.databind.JsonNode pillowReference() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ImageClassificationFixtures
                    .testResource(ResamplerTest.class, "pillow-reference.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
