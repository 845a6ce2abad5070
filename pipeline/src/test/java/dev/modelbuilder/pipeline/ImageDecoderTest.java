package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.exception.ScoringException;

import java.awt.image.BufferedImage;
import java.awt.image.IndexColorModel;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class ImageDecoderTest {

    static Stream<Arguments> pillowDecodes() {
        List<Arguments> out = new ArrayList<>();
        for (JsonNode c : pillowReference().get("decode")) {
            if (c.has("sha256")) {
                out.add(Arguments.of(c.get("file").asText() + " (" + c.get("format").asText() + " "
                        + c.get("mode").asText() + ")", c));
            }
        }
        return out.stream();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("pillowDecodes")
    void decodesLikePillowConvertRgb(String name, JsonNode c) {
        RgbImage img = ImageDecoder.decode(ImageClassificationFixtures.testResource(ImageDecoderTest.class, c.get("file").asText()));

        assertThat(img.width()).isEqualTo(c.get("width").asInt());
        assertThat(img.height()).isEqualTo(c.get("height").asInt());
        assertThat(ImageClassificationFixtures.sha256(img.pixels())).as(name).isEqualTo(c.get("sha256").asText());
    }

    @Test
    void truncatedJpegFailsNamingTheFile(@TempDir Path dir) throws Exception {
        byte[] jpeg = Files.readAllBytes(ImageClassificationFixtures.dir().resolve("images/rocket.jpg"));
        Path truncated = dir.resolve("truncated.jpg");
        Files.write(truncated, Arrays.copyOf(jpeg, jpeg.length / 2));

        assertThatThrownBy(() -> ImageDecoder.decode(truncated)).isInstanceOf(ScoringException.class)
                .hasMessageContaining(truncated.toString())
                .hasMessageContaining("corrupt or truncated JPEG")
                .hasMessageContaining("Missing EOI marker");
    }

    @Test
    void truncatedPngFailsNamingTheFile(@TempDir Path dir) throws Exception {
        byte[] png = Files.readAllBytes(ImageClassificationFixtures.dir().resolve("images/coffee.png"));
        Path truncated = dir.resolve("cut.png");
        Files.write(truncated, Arrays.copyOf(png, png.length / 3));

        assertThatThrownBy(() -> ImageDecoder.decode(truncated)).isInstanceOf(ScoringException.class)
                .hasMessageContaining(truncated.toString()).hasMessageContaining("corrupt or truncated PNG");
    }

    @Test
    void jpegHeaderOnlyFails() {
        byte[] headerOnly = {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0, 0, 16, 'J', 'F', 'I', 'F', 0};

        assertThatThrownBy(() -> ImageDecoder.decode(headerOnly)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("corrupt or truncated JPEG data in image data (11 bytes)");
    }

    @Test
    void unsupportedFormatsAreNamed(@TempDir Path dir) throws Exception {
        Path pdf = dir.resolve("photo.jpg");
        Files.write(pdf, concat("%PDF-1.4\n".getBytes(StandardCharsets.ISO_8859_1), new byte[] {0, 1, 2}));
        Path bigTiff = dir.resolve("scan.tif");
        Files.write(bigTiff, concat(new byte[] {'I', 'I', 43, 0, 8, 0, 0, 0}, new byte[64]));
        Path text = dir.resolve("notes.jpg");
        Files.writeString(text, "this is not an image\n");
        Path empty = dir.resolve("empty.png");
        Files.write(empty, new byte[0]);

        assertThatThrownBy(() -> ImageDecoder.decode(pdf)).isInstanceOf(ScoringException.class)
                .hasMessage("unsupported image format in " + pdf + ": PDF; supported formats: JPEG, PNG, BMP, GIF, "
                        + "TIFF, WebP");
        assertThatThrownBy(() -> ImageDecoder.decode(bigTiff)).isInstanceOf(ScoringException.class)
                .hasMessageContaining(bigTiff.toString()).hasMessageContaining(": BigTIFF;");
        assertThatThrownBy(() -> ImageDecoder.decode(text)).isInstanceOf(ScoringException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("text, not an image");
        assertThatThrownBy(() -> ImageDecoder.decode(empty)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("empty data (0 bytes)");
        assertThatThrownBy(() -> ImageDecoder.decode(new byte[] {1, 2, 3, 4, 5})).isInstanceOf(ScoringException.class)
                .hasMessageContaining("unknown data starting with 01 02 03 04 05");
    }

    @Test
    void missingFileIsNamed(@TempDir Path dir) {
        Path missing = dir.resolve("nope.jpg");

        assertThatThrownBy(() -> ImageDecoder.decode(missing)).isInstanceOf(ScoringException.class)
                .hasMessage("image file not found: " + missing);
    }

    @Test
    void streamsAndBytesDecodeLikeFiles() throws Exception {
        Path file = ImageClassificationFixtures.dir().resolve("images/synth_palette_250x256.png");
        RgbImage expected = ImageDecoder.decode(file);

        assertThat(ImageDecoder.decode(Files.readAllBytes(file))).isEqualTo(expected);
        assertThat(ImageDecoder.decode(new ByteArrayInputStream(Files.readAllBytes(file)))).isEqualTo(expected);
    }

    @Test
    void greyBufferedImageUsesRawSamples() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_GRAY);
        grey.getRaster().setSample(0, 0, 0, 100);
        grey.getRaster().setSample(1, 0, 0, 200);

        RgbImage img = ImageDecoder.decode(grey);

        // getRGB() would go through a linear grey colour space and change the values
        assertThat(img.pixels()).containsExactly(100, 100, 100, (byte) 200, (byte) 200, (byte) 200);
    }

    @Test
    void sixteenBitGreyClipsAt255AsPillowsModeI() {
        BufferedImage grey = new BufferedImage(2, 1, BufferedImage.TYPE_USHORT_GRAY);
        grey.getRaster().setSample(0, 0, 0, 0xAB12);
        grey.getRaster().setSample(1, 0, 0, 200);

        assertThat(ImageDecoder.decode(grey).pixels()).containsExactly((byte) 255, (byte) 255, (byte) 255,
                (byte) 200, (byte) 200, (byte) 200);
    }

    @Test
    void alphaIsDroppedNotComposited() {
        BufferedImage argb = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB);
        argb.setRGB(0, 0, 0x00C86432); // fully transparent (200, 100, 50)
        BufferedImage pre = new BufferedImage(1, 1, BufferedImage.TYPE_INT_ARGB_PRE);
        pre.setRGB(0, 0, 0x80C86432);

        assertThat(ImageDecoder.decode(argb).rgb(0, 0)).isEqualTo(0xC86432);
        RgbImage unpremultiplied = ImageDecoder.decode(pre);
        assertThat(unpremultiplied.sample(0, 0, 0)).isBetween(198, 202);
        assertThat(unpremultiplied.sample(0, 0, 1)).isBetween(98, 102);
        assertThat(unpremultiplied.sample(0, 0, 2)).isBetween(48, 52);
    }

    @Test
    void fixtureRgbaPngIsNotComposited() {
        RgbImage img = ImageDecoder.decode(ImageClassificationFixtures.dir().resolve("images/synth_rgba_129x97.png"));
        // the left quarter has alpha 0; compositing over black would give 0
        int nonBlack = 0;
        for (int y = 0; y < img.height(); y++) {
            nonBlack += img.rgb(5, y) != 0 ? 1 : 0;
        }
        assertThat(nonBlack).isGreaterThan(0);
    }

    @Test
    void paletteBufferedImageIsExpanded() {
        byte[] r = {0, (byte) 255};
        byte[] g = {0, 10};
        byte[] b = {0, 20};
        BufferedImage indexed = new BufferedImage(2, 1, BufferedImage.TYPE_BYTE_BINARY, new IndexColorModel(1, 2, r, g, b));
        WritableRaster raster = indexed.getRaster();
        raster.setSample(1, 0, 0, 1);

        assertThat(ImageDecoder.decode(indexed).pixels()).containsExactly(0, 0, 0, (byte) 255, 10, 20);
    }

    @Test
    void writtenBmpAndGifRoundTrip() throws Exception {
        RgbImage original = ImageDecoder.decode(ImageClassificationFixtures.dir().resolve("images/synth_rgb_37x500.png"));
        ByteArrayOutputStream bmp = new ByteArrayOutputStream();
        ImageIO.write(original.toBufferedImage(), "bmp", bmp);

        assertThat(ImageDecoder.decode(bmp.toByteArray())).isEqualTo(original);
        assertThat(ImageDecoder.supportedFormats()).containsExactly("JPEG", "PNG", "BMP", "GIF", "TIFF", "WebP");
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }

    /** Pillow's reference for this module's resampling and decoding checks (a test resource of pipeline). */
    private static com.fasterxml.jackson.databind.JsonNode pillowReference() {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(ImageClassificationFixtures
                    .testResource(ImageDecoderTest.class, "pillow-reference.json").toFile());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
