package dev.modelbuilder.pipeline.implementation;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.testdata.DecodingFixtures;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.time.Duration;
import javax.imageio.ImageIO;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which TIFFs the strip decoder takes (and decodes as Pillow), and which it leaves to the JDK's reader. */
class TiffDecoderTest {
    private static final DecodeBudget BUDGET = DecodeBudget.of(64L << 20, Duration.ZERO, 4_000_000);

    @ParameterizedTest
    @ValueSource(strings = {"tiff_rgb_raw.tif", "tiff_grey_raw.tif", "tiff_rgb_lzw.tif", "tiff_grey_lzw.tif",
        "tiff_rgb_deflate.tif", "tiff_grey_deflate.tif", "tiff_rgb_packbits.tif", "tiff_grey_packbits.tif",
        "tiff_rgb_lzw_predictor.tif", "tiff_rgba_lzw.tif", "tiff_grey_alpha.tif", "tiff_palette.tif",
        "tiff_cmyk.tif", "tiff_multipage.tif"})
    void decodesEightBitStripsItselfExactlyAsPillow(String name) throws Exception {
        DecodingFixtures.Entry fixture = DecodingFixtures.entry(name);

        DecodedImage image = TiffDecoder.decodeOrNull(Files.readAllBytes(DecodingFixtures.file(fixture)), name,
                BUDGET);

        assertThat(image).isNotNull();
        BufferedImage pillow = ImageIO.read(DecodingFixtures.pillowDecode(fixture).toFile());
        int[] expected = pillow.getRaster().getPixels(0, 0, pillow.getWidth(), pillow.getHeight(), (int[]) null);
        byte[] ours = image.rgb();
        assertThat(ours).hasSize(expected.length);
        for (int i = 0; i < ours.length; i++) {
            assertThat(ours[i] & 0xFF).as("%s sample %d", name, i).isEqualTo(expected[i]);
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"tiff_rgb_jpeg.tif", "tiff_grey16.tif", "tiff_bilevel.tif"})
    void leavesOtherVariantsToTheJdkReader(String name) throws Exception {
        byte[] data = Files.readAllBytes(DecodingFixtures.file(DecodingFixtures.entry(name)));

        assertThat(TiffDecoder.decodeOrNull(data, name, BUDGET)).isNull();
    }
}
