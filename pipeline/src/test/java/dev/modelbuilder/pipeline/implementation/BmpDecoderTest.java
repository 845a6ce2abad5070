package dev.modelbuilder.pipeline.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.testdata.DecodingFixtures;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/**
 * The BMP variants Pillow 9.4 refuses are refused too, naming the variant (each case below was checked against
 * Pillow: the error it raises is in the comment), and the rules that the fixtures' equality with Pillow rests on
 * hold on chosen pixels. Every variant Pillow reads is compared with Pillow's pixels in {@code PillowDecodingTest}.
 */
class BmpDecoderTest {
    private static final DecodeBudget SMALL = DecodeBudget.of(32L << 20, Duration.ZERO, 4_000_000);

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(DecodingFixtures.file(DecodingFixtures.entry(name)));
    }

    private static ByteBuffer le(byte[] data) {
        return ByteBuffer.wrap(data).order(ByteOrder.LITTLE_ENDIAN);
    }

    private static DecodedImage decode(byte[] data) {
        return BmpDecoder.decode(data, "test", SMALL);
    }

    private static int rgb(DecodedImage image, int x, int y) {
        int o = 3 * (y * image.width() + x);
        byte[] p = image.rgb();
        return (p[o] & 0xFF) << 16 | (p[o + 1] & 0xFF) << 8 | (p[o + 2] & 0xFF);
    }

    @Test
    void sixteenBitFieldsScaleAsPillowDoes() throws Exception {
        // first row written by the script: 0, FFFF, blue 1F, green 7E0, red F800, 0821, 8410, 0020 (5-6-5)
        DecodedImage image = decode(fixture("bmp_rgb16_565_bitfields.bmp"));
        int top = 0;

        assertThat(rgb(image, 0, top)).isEqualTo(0x000000);
        assertThat(rgb(image, 1, top)).isEqualTo(0xFFFFFF);
        assertThat(rgb(image, 2, top)).isEqualTo(0x0000FF);
        assertThat(rgb(image, 5, top)).as("1, 1, 1: 255 / 31 and 255 / 63 truncated").isEqualTo(0x080408);
        assertThat(rgb(image, 6, top)).as("16, 32, 16").isEqualTo(0x838183);
    }

    @Test
    void aPaletteThatIsExactlyTheGreyRampIsReadAsGrey() throws Exception {
        // 64 entries (i, i, i), indices (5 * n) % 256: past the 64 entries still grey (i, i, i)
        DecodedImage image = decode(fixture("bmp_grey_ramp8_short.bmp"));

        assertThat(rgb(image, 13, 0)).isEqualTo(65 * 0x010101);
        assertThat(rgb(image, 40, 0)).isEqualTo(200 * 0x010101);
    }

    @Test
    void aFourBitGreyRampPaletteIsRefusedAsPillowRefusesIt() throws Exception {
        byte[] bmp = fixture("bmp_palette4.bmp");
        for (int i = 0; i < 16; i++) {
            le(bmp).putInt(54 + 4 * i, i * 0x010101);
        }

        // Pillow: OSError "codec configuration error" (it unpacks the 4-bit rows as 8-bit grey)
        assertThatThrownBy(() -> decode(bmp)).isInstanceOf(ScoringException.class)
                .hasMessage("cannot decode test: BMP 4-bit data with the grey ramp 0..15 as palette (Pillow unpacks "
                        + "them as 8-bit samples, which the rows are too short for) is not supported, as Pillow does "
                        + "not read it either: convert it to PNG");
    }

    @Test
    void bitFieldLayoutsPillowDoesNotReadAreRefused() throws Exception {
        byte[] rgb444 = fixture("bmp_rgb16_565_bitfields.bmp");
        le(rgb444).putInt(54, 0xF00).putInt(58, 0xF0).putInt(62, 0xF);
        byte[] rgbx = fixture("bmp_bitfields32_bgrx.bmp");
        le(rgbx).putInt(54, 0xFF).putInt(58, 0xFF00).putInt(62, 0xFF0000);

        // Pillow: OSError "Unsupported BMP bitfields layout", for both
        assertThatThrownBy(() -> decode(rgb444)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("BMP 16-bit colour masks R F00, G F0, B F, A 0 (supported: 5-5-5 and 5-6-5 at 16 "
                        + "bits; 8-bit fields in the orders BGR, BGRA, XBGR, ABGR, RGBA) is not supported");
        assertThatThrownBy(() -> decode(rgbx)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("BMP 32-bit colour masks R FF, G FF00, B FF0000, A 0 (supported:");
    }

    @Test
    void compressionsDepthsHeadersAndPalettesPillowDoesNotReadAreRefused() throws Exception {
        byte[] jpeg = fixture("bmp_rgb24.bmp");
        le(jpeg).putInt(30, 4);
        byte[] twoBits = fixture("bmp_rgb24.bmp");
        le(twoBits).putShort(28, (short) 2);
        byte[] header56 = fixture("bmp_rgb24.bmp");
        le(header56).putInt(14, 56);
        byte[] bigPalette = fixture("bmp_palette8_short.bmp");
        le(bigPalette).putInt(46, 300);

        // Pillow: "Unsupported BMP compression (4)", "Unsupported BMP pixel depth (2)", "Unsupported BMP header type
        // (56)", "invalid palette size"
        assertThatThrownBy(() -> decode(jpeg)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("BMP compression 4 (embedded JPEG) (supported: none, RLE8, RLE4, bit fields) is "
                        + "not supported");
        assertThatThrownBy(() -> decode(twoBits)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("BMP 2 bits a pixel (supported: 1, 4, 8, 16, 24, 32) is not supported");
        assertThatThrownBy(() -> decode(header56)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("BMP header size 56 (supported: 12, 40, 64, 108, 124) is not supported");
        assertThatThrownBy(() -> decode(bigPalette)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("BMP palette of 300 entries (at most 256) is not supported");
    }

    @Test
    void rleDataThatEndEarlyAreRefusedAsPillowRefusesThem() throws Exception {
        byte[] rle = fixture("bmp_rle8.bmp");
        byte[] cut = Arrays.copyOf(rle, rle.length / 2);
        byte[] early = rle.clone();
        int data = le(rle).getInt(10);
        early[data] = 0; // end of bitmap as the first code
        early[data + 1] = 1;

        // Pillow: ValueError "not enough image data", for both
        assertThatThrownBy(() -> decode(cut)).isInstanceOf(ScoringException.class)
                .isNotInstanceOf(ImageTooLargeException.class).hasMessageContaining("truncated BMP")
                .hasMessageContaining("the RLE data end after");
        assertThatThrownBy(() -> decode(early)).isInstanceOf(ScoringException.class)
                .hasMessageContaining("the RLE data end after 0 of 1350 pixels");
    }

    @Test
    void aTopDownFileIsTheBottomUpFileFlipped() throws Exception {
        DecodedImage bottomUp = decode(fixture("bmp_rgb24.bmp"));
        byte[] flipped = fixture("bmp_rgb24.bmp");
        int w = bottomUp.width();
        int h = bottomUp.height();
        int stride = (3 * w + 3) & ~3;
        int data = le(flipped).getInt(10);
        byte[] original = flipped.clone();
        for (int y = 0; y < h; y++) {
            System.arraycopy(original, data + y * stride, flipped, data + (h - 1 - y) * stride, stride);
        }
        le(flipped).putInt(22, -h);

        assertThat(decode(flipped).rgb()).isEqualTo(bottomUp.rgb());
    }
}
