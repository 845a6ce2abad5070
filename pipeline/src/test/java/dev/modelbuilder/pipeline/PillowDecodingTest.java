package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.testdata.DecodingFixtures;
import dev.modelbuilder.testdata.DecodingFixtures.Entry;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every decoding fixture decodes to Pillow 9.4's {@code convert('RGB')} pixels, stored beside it: maximum difference
 * 0 for every kind (WebP through libwebp's plugin, which is on this module's test class path).
 */
class PillowDecodingTest {

    static List<Entry> fixtures() {
        return DecodingFixtures.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void decodesExactlyAsPillow(Entry fixture) throws Exception {
        RgbImage image = ImageDecoder.decode(DecodingFixtures.file(fixture));
        int[] pillow = ImageClassificationFixtures.rawRgb(DecodingFixtures.pillowDecode(fixture));

        assertThat(image.width()).as("width").isEqualTo(fixture.width());
        assertThat(image.height()).as("height").isEqualTo(fixture.height());
        assertThat(maxDifference(image.pixels(), pillow)).as("max difference from Pillow").isZero();
        assertThat(ImageClassificationFixtures.sha256(image.pixels())).isEqualTo(fixture.sha256());
        assertThat(ImageDecoder.decode(Files.readAllBytes(DecodingFixtures.file(fixture)))).isEqualTo(image);
    }

    @Test
    void everyKindOfTheIssueIsCovered() {
        Map<String, List<String>> byKind = fixtures().stream().collect(Collectors.groupingBy(Entry::kind,
                TreeMap::new, Collectors.mapping(Entry::file, Collectors.toList())));

        assertThat(byKind).containsKeys("PNG", "GIF", "JPEG", "TIFF", "WEBP", "BMP");
        assertThat(fixtures()).extracting(Entry::file).contains("png_grey16.png", "png_palette_short.png",
                "gif_offset.gif", "gif_offset_trns.gif", "gif_beyond_screen.gif", "jpeg_cmyk.jpg", "jpeg_ycck.jpg",
                "webp_lossy.webp", "webp_lossless.webp", "webp_lossy_alpha.webp", "webp_animated.webp",
                "tiff_rgb_raw.tif", "tiff_rgb_lzw.tif", "tiff_rgb_deflate.tif", "tiff_rgb_packbits.tif",
                "tiff_rgb_jpeg.tif", "tiff_grey_lzw.tif", "tiff_multipage.tif", "tiff_grey16.tif", "tiff_cmyk.tif");
    }

    @Test
    void sixteenBitGreyClipsAt255() {
        RgbImage image = ImageDecoder.decode(DecodingFixtures.file(DecodingFixtures.entry("png_grey16.png")));
        // the script wrote 0, 1, 200, 255, 256, 30000, 65534, 65535 into the first row
        int[] expected = {0, 1, 200, 255, 255, 255, 255, 255};
        for (int x = 0; x < expected.length; x++) {
            assertThat(image.rgb(x, 0)).as("pixel %d", x).isEqualTo(expected[x] * 0x010101);
        }
    }

    @Test
    void paletteIndicesPastThePaletteAreGrey() {
        RgbImage image = ImageDecoder.decode(DecodingFixtures.file(DecodingFixtures.entry("png_palette_short.png")));
        // indices are (x * 7) % 256 on the first row; the palette has 5 entries, the first one red
        assertThat(image.rgb(0, 0)).isEqualTo(0xFF0000);
        assertThat(image.rgb(1, 0)).isEqualTo(0x070707);
        assertThat(image.rgb(20, 0)).isEqualTo(140 * 0x010101);
    }

    static int maxDifference(byte[] ours, int[] pillow) {
        assertThat(ours).hasSize(pillow.length);
        int max = 0;
        for (int i = 0; i < ours.length; i++) {
            max = Math.max(max, Math.abs((ours[i] & 0xFF) - pillow[i]));
        }
        return max;
    }
}
