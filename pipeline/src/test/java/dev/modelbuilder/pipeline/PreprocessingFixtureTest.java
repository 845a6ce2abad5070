package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Every fixture image, both geometries: pixels equal Pillow's exactly, tensors equal torchvision's. */
class PreprocessingFixtureTest {

    static Stream<Arguments> imagesAndVariants() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode image : ImageClassificationFixtures.imageEntries()) {
            for (String variant : List.of("squash224", "crop224")) {
                out.add(Arguments.of(ImageClassificationFixtures.stem(Path.of(image.get("file").asText())), variant, image));
            }
        }
        return out.stream();
    }

    static Stream<Arguments> images() {
        return ImageClassificationFixtures.imageEntries().stream().map(i -> Arguments.of(ImageClassificationFixtures.stem(Path.of(i.get("file").asText())), i));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("images")
    void decodesPixelValuesAsPillowDoes(String name, JsonNode image) {
        RgbImage decoded = ImageDecoder.decode(ImageClassificationFixtures.dir().resolve(image.get("file").asText()));

        assertThat(decoded.width()).isEqualTo(image.get("width").asInt());
        assertThat(decoded.height()).isEqualTo(image.get("height").asInt());
        assertThat(ImageClassificationFixtures.sha256(decoded.pixels())).as("decoded RGB of %s", name)
                .isEqualTo(image.get("decoded_rgb_sha256").asText());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("imagesAndVariants")
    void geometryEqualsPillowPixelForPixel(String name, String variant, JsonNode image) {
        JsonNode expected = image.get("variants").get(variant);
        ImagePreprocessor pre = new ImagePreprocessor(variantSpec(variant));

        RgbImage result = pre.geometry(ImageDecoder.decode(ImageClassificationFixtures.dir().resolve(image.get("file").asText())));

        assertThat(result.width()).isEqualTo(224);
        assertThat(result.height()).isEqualTo(224);
        int[] reference = ImageClassificationFixtures.rawRgb(ImageClassificationFixtures.dir().resolve("resized/" + name + "__" + variant + ".png"));
        byte[] actual = result.pixels();
        assertThat(actual).hasSize(reference.length);
        int maxDiff = 0;
        int differing = 0;
        for (int i = 0; i < actual.length; i++) {
            int d = Math.abs((actual[i] & 0xFF) - reference[i]);
            maxDiff = Math.max(maxDiff, d);
            differing += d > 0 ? 1 : 0;
        }
        assertThat(maxDiff).as("max pixel difference to %s__%s.png (%d samples differ)", name, variant, differing)
                .isZero();
        assertThat(ImageClassificationFixtures.sha256(actual)).isEqualTo(expected.get("resized_rgb_sha256").asText());
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("imagesAndVariants")
    void tensorMatchesTorchvision(String name, String variant, JsonNode image) {
        JsonNode expected = image.get("variants").get(variant).get("tensor");
        ImagePreprocessor pre = new ImagePreprocessor(variantSpec(variant));

        float[] t = pre.toTensor(ImageClassificationFixtures.dir().resolve(image.get("file").asText()));

        int plane = 224 * 224;
        assertThat(t).hasSize(3 * plane);
        for (int c = 0; c < 3; c++) {
            JsonNode stats = expected.get("per_channel").get(c);
            double sum = 0;
            double min = Double.MAX_VALUE;
            double max = -Double.MAX_VALUE;
            for (int i = 0; i < plane; i++) {
                double v = t[c * plane + i];
                sum += v;
                min = Math.min(min, v);
                max = Math.max(max, v);
            }
            double mean = sum / plane;
            double var = 0;
            for (int i = 0; i < plane; i++) {
                double d = t[c * plane + i] - mean;
                var += d * d;
            }
            assertThat(mean).as("channel %d mean", c).isCloseTo(stats.get("mean").asDouble(), within(1e-6));
            assertThat(Math.sqrt(var / plane)).as("channel %d std", c).isCloseTo(stats.get("std").asDouble(), within(1e-6));
            assertThat(min).as("channel %d min", c).isCloseTo(stats.get("min").asDouble(), within(1e-7));
            assertThat(max).as("channel %d max", c).isCloseTo(stats.get("max").asDouble(), within(1e-7));
        }
        double total = 0;
        double absTotal = 0;
        for (float v : t) {
            total += v;
            absTotal += Math.abs(v);
        }
        assertThat(total).isCloseTo(expected.get("sum").asDouble(), within(1e-3));
        assertThat(absTotal).isCloseTo(expected.get("abs_sum").asDouble(), within(1e-3));
        for (JsonNode sample : expected.get("samples")) {
            int y = sample.get("y").asInt();
            int x = sample.get("x").asInt();
            for (int c = 0; c < 3; c++) {
                // same float32 arithmetic as torch: exact
                assertThat(t[c * plane + y * 224 + x]).as("sample c=%d y=%d x=%d", c, y, x)
                        .isEqualTo((float) sample.get("chw").get(c).asDouble());
            }
        }
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("imagesAndVariants")
    void toTensorAtOffsetWritesTheSameValues(String name, String variant, JsonNode image) {
        ImagePreprocessor pre = new ImagePreprocessor(variantSpec(variant));
        RgbImage geometry = pre.geometry(ImageDecoder.decode(ImageClassificationFixtures.dir().resolve(image.get("file").asText())));
        float[] batch = new float[2 * pre.spec().tensorSize() + 7];

        pre.toTensor(geometry, batch, pre.spec().tensorSize() + 7);

        float[] single = pre.toTensor(ImageClassificationFixtures.dir().resolve(image.get("file").asText()));
        float[] second = java.util.Arrays.copyOfRange(batch, pre.spec().tensorSize() + 7, batch.length);
        // element by element, as Float.equals compares (Arrays.equals): the same check as containsExactly, which
        // takes about a second per 150,528-value tensor
        assertThat(second).isEqualTo(single);
    }

    /** The preprocessing of a reference variant of expected.json. */
    private static PreprocessingSpec variantSpec(String variant) {
        return switch (variant) {
            case "squash224" -> PreprocessingSpec.squash(224);
            case "crop224" -> PreprocessingSpec.resizeCrop(256, 224);
            default -> throw new IllegalArgumentException(variant);
        };
    }
}
