package dev.modelbuilder.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageProbeTest {

    @ParameterizedTest
    @CsvSource({"jpg, JPEG", "png, PNG", "bmp, BMP", "gif, GIF", "tif, TIFF"})
    void recognisesFormatsAndSizes(String format, ImageFormat expected) throws Exception {
        ImageInfo info = ImageProbe.probe(TestImages.encode(TestImages.picture(33, 17, 1), format));
        assertThat(info).isEqualTo(new ImageInfo(expected, 33, 17));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "bmp", "gif", "tif"})
    void findsTruncationInEveryFormat(String format) {
        byte[] full = TestImages.encode(TestImages.picture(64, 64, 2), format);
        byte[] cut = Arrays.copyOf(full, full.length - 40);
        assertThatThrownBy(() -> ImageProbe.probe(cut)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> {
                    assertThat(e.recognised()).isTrue();
                    assertThat(e.getMessage()).containsAnyOf("truncated", "corrupt");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "II+\u0000abcd | BigTIFF is not supported: save it as a classic TIFF, or convert it to PNG",
        "xxxxftypheic | HEIC/AVIF is not supported: convert it to JPEG or PNG",
        "hello world | not a JPEG, PNG, BMP, GIF, WebP or TIFF image"})
    void namesForeignFormats(String content, String message) {
        byte[] bytes = content.strip().getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ImageProbe.probe(bytes)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> {
                    assertThat(e.recognised()).isFalse();
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }

    @Test
    void readsWebPSizesFromEveryKindOfHeader() throws Exception {
        // VP8L: signature 0x2f, then 14 bits of width - 1 and 14 bits of height - 1
        long bits = (33 - 1) | ((long) (17 - 1) << 14);
        byte[] lossless = webp(chunk("VP8L", new byte[] {0x2f, (byte) bits, (byte) (bits >> 8), (byte) (bits >> 16),
            (byte) (bits >> 24)}));
        // VP8: a key frame's start code, then 14-bit width and height
        byte[] lossy = webp(chunk("VP8 ", new byte[] {0, 0, 0, (byte) 0x9d, 1, 0x2a, 33, 0, 17, 0}));
        // VP8X: the canvas size, 24 bits each, minus one; then the frame
        byte[] extended = webp(chunk("VP8X", new byte[] {0x10, 0, 0, 0, 99, 0, 0, 49, 0, 0}),
                chunk("VP8 ", new byte[] {0, 0, 0, (byte) 0x9d, 1, 0x2a, 100, 0, 50, 0}));

        assertThat(ImageProbe.probe(lossless)).isEqualTo(new ImageInfo(ImageFormat.WEBP, 33, 17));
        assertThat(ImageProbe.probe(lossy)).isEqualTo(new ImageInfo(ImageFormat.WEBP, 33, 17));
        assertThat(ImageProbe.probe(extended)).isEqualTo(new ImageInfo(ImageFormat.WEBP, 100, 50));
        byte[] cut = Arrays.copyOf(lossy, lossy.length - 3);
        assertThatThrownBy(() -> ImageProbe.probe(cut)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> assertThat(e.getMessage()).startsWith("truncated WebP"));
        byte[] noFrame = webp(chunk("EXIF", new byte[4]));
        assertThatThrownBy(() -> ImageProbe.probe(noFrame)).hasMessageContaining("no image data");
    }

    @Test
    void namesTiffVariantsTheDecoderDoesNotRead() throws Exception {
        byte[] tiff = TestImages.encode(TestImages.picture(20, 10, 3), "tif");
        byte[] fax = withTiffTag(tiff, 259, 4); // compression: CCITT Group 4

        assertThatThrownBy(() -> ImageProbe.probe(fax)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> {
                    assertThat(e.recognised()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("TIFF compression 4 (CCITT Group 4 fax) is not supported "
                            + "(supported: none, LZW, deflate, PackBits, JPEG): convert it to PNG");
                });
        byte[] lab = withTiffTag(tiff, 262, 8); // photometric: CIE L*a*b*
        assertThatThrownBy(() -> ImageProbe.probe(lab)).hasMessageStartingWith("TIFF with CIE L*a*b*, 3 samples of 8 "
                + "bits, no compression is not supported");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "14 | 52 | header size 52 (supported: 12, 40, 64, 108, 124)",
        "28 | 2  | 2 bits a pixel (supported: 1, 4, 8, 16, 24, 32)",
        "30 | 4  | compression 4 (supported: none, RLE8, RLE4, bit fields)",
        "30 | 1  | RLE at 24 bits a pixel (RLE is for 4- and 8-bit palettes)"})
    void refusesBmpVariantsThatScoringCannotRead(int offset, int value, String variant) throws Exception {
        byte[] bmp = TestImages.encode(TestImages.picture(20, 10, 3), "bmp");
        assertThat(ImageProbe.probe(bmp)).isEqualTo(new ImageInfo(ImageFormat.BMP, 20, 10));
        byte[] odd = bmp.clone();
        java.nio.ByteBuffer.wrap(odd).order(java.nio.ByteOrder.LITTLE_ENDIAN).put(offset, (byte) value);

        assertThatThrownBy(() -> ImageProbe.probe(odd)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> {
                    assertThat(e.recognised()).isTrue();
                    assertThat(e.getMessage()).isEqualTo("unsupported BMP: " + variant + "; Pillow (and so scoring) "
                            + "does not read it: save it as a 24-bit BMP or a PNG");
                });
    }

    @Test
    void refusesBmpColourMasksThatScoringCannotRead() throws Exception {
        // a 40-byte header with BI_BITFIELDS: the three masks follow it (R, G, B), then the pixels
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(14 + 40 + 12 + 4 * 2 * 2)
                .order(java.nio.ByteOrder.LITTLE_ENDIAN);
        b.put((byte) 'B').put((byte) 'M').putInt(b.capacity()).putInt(0).putInt(14 + 40 + 12);
        b.putInt(40).putInt(2).putInt(2).putShort((short) 1).putShort((short) 16).putInt(3).putInt(0).putInt(0)
                .putInt(0).putInt(0).putInt(0);
        b.putInt(0xF800).putInt(0x7E0).putInt(0x1F); // 5-6-5: read by Pillow
        byte[] rgb565 = b.array();
        byte[] rgb444 = rgb565.clone();
        java.nio.ByteBuffer.wrap(rgb444).order(java.nio.ByteOrder.LITTLE_ENDIAN).putInt(54, 0xF00).putInt(58, 0xF0)
                .putInt(62, 0xF);

        assertThat(ImageProbe.probe(rgb565)).isEqualTo(new ImageInfo(ImageFormat.BMP, 2, 2));
        assertThatThrownBy(() -> ImageProbe.probe(rgb444)).isInstanceOf(ImageProbe.ProbeFailure.class)
                .hasMessage("unsupported BMP: 16-bit colour masks R F00, G F0, B F, A 0 (supported: 5-5-5 and 5-6-5 "
                        + "at 16 bits; 8-bit fields in the orders BGR, BGRA, XBGR, ABGR, RGBA); Pillow (and so "
                        + "scoring) does not read it: save it as a 24-bit BMP or a PNG");
    }

    @Test
    void refusesTiffDirectoriesThatLie() throws Exception {
        byte[] tiff = TestImages.encode(TestImages.picture(20, 10, 3), "tif");
        byte[] strips = withTiffTag(tiff, 273, tiff.length + 100); // a strip past the end of the file
        byte[] directory = Arrays.copyOf(tiff, 8);
        directory[4] = (byte) 0xF0; // the first directory past the end

        assertThatThrownBy(() -> ImageProbe.probe(strips)).hasMessageStartingWith("truncated TIFF");
        assertThatThrownBy(() -> ImageProbe.probe(directory)).hasMessageStartingWith("truncated TIFF");
    }

    /** Sets a SHORT or LONG tag of the first directory whose value is inline, in place. */
    private static byte[] withTiffTag(byte[] tiff, int tag, long value) {
        byte[] out = tiff.clone();
        java.nio.ByteBuffer b = java.nio.ByteBuffer.wrap(out).order(out[0] == 'I'
                ? java.nio.ByteOrder.LITTLE_ENDIAN : java.nio.ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            if ((b.getShort(e) & 0xFFFF) == tag) {
                if (b.getShort(e + 2) == 3) {
                    b.putShort(e + 8, (short) value);
                } else {
                    b.putInt(e + 8, (int) value);
                }
                return out;
            }
        }
        throw new IllegalStateException("tag " + tag + " not in the test TIFF");
    }

    private static byte[] chunk(String type, byte[] data) {
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes(type.getBytes(StandardCharsets.ISO_8859_1));
        out.write(data.length);
        out.write(data.length >> 8);
        out.write(0);
        out.write(0);
        out.writeBytes(data);
        if (data.length % 2 == 1) {
            out.write(0);
        }
        return out.toByteArray();
    }

    private static byte[] webp(byte[]... chunks) {
        java.io.ByteArrayOutputStream body = new java.io.ByteArrayOutputStream();
        body.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        for (byte[] c : chunks) {
            body.writeBytes(c);
        }
        java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream();
        out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
        int size = body.size();
        out.write(size);
        out.write(size >> 8);
        out.write(size >> 16);
        out.write(size >> 24);
        out.writeBytes(body.toByteArray());
        return out.toByteArray();
    }
}
