package dev.modelbuilder.pipeline.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.testdata.DecodingFixtures;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Every decoder against hostile input: truncated files, damaged bytes, headers that declare huge sizes. Each must end
 * in a {@link ScoringException} (an {@link ImageTooLargeException} for sizes) before any large allocation: a small
 * budget here makes an allocation attempt show up as a refusal, never as memory taken.
 */
class HostileImagesTest {
    /** 32 MiB and 4 million pixels: far below what any declared bomb asks for. */
    private static final DecodeBudget SMALL = DecodeBudget.of(32L << 20, Duration.ZERO, 4_000_000);
    private static final List<String> ONE_PER_DECODER = List.of("png_rgb8.png", "png_rgb8_interlaced.png",
            "png_palette4_interlaced_trns.png", "png_grey16.png", "gif_offset.gif", "gif_interlaced.gif",
            "jpeg_rgb420.jpg", "jpeg_progressive.jpg", "jpeg_cmyk.jpg", "jpeg_grey.jpg", "tiff_rgb_lzw.tif",
            "tiff_rgb_jpeg.tif", "tiff_palette.tif", "webp_lossy.webp", "webp_lossless.webp", "webp_animated.webp",
            "bmp_rgb24.bmp", "bmp_rle8.bmp", "bmp_rle4.bmp", "bmp_rgb16_565_bitfields.bmp", "bmp_palette4.bmp");

    static DecodedImage decode(byte[] data, DecodeBudget budget) {
        ImageFormat format = ImageFormat.sniff(data).orElseThrow();
        return switch (format) {
            case PNG -> PngDecoder.decode(data, "test", budget);
            case GIF -> GifDecoder.decode(data, "test", budget);
            case WEBP -> WebPDecoder.decode(data, "test", budget);
            case BMP -> BmpDecoder.decode(data, "test", budget);
            default -> ImageIoDecoder.decode(format, data, "test", budget);
        };
    }

    private static byte[] fixture(String name) throws Exception {
        return Files.readAllBytes(DecodingFixtures.file(DecodingFixtures.entry(name)));
    }

    @ParameterizedTest
    @ValueSource(strings = {"png_rgb8.png", "png_rgb8_interlaced.png", "png_palette4_interlaced_trns.png",
        "png_grey16.png", "gif_offset.gif", "gif_interlaced.gif", "jpeg_rgb420.jpg", "jpeg_progressive.jpg",
        "jpeg_cmyk.jpg", "jpeg_grey.jpg", "tiff_rgb_lzw.tif", "tiff_rgb_jpeg.tif", "tiff_palette.tif",
        "webp_lossy.webp", "webp_lossless.webp", "webp_animated.webp", "bmp_rgb24.bmp", "bmp_rle8.bmp", "bmp_rle4.bmp",
        "bmp_rgb16_565_bitfields.bmp", "bmp_palette4.bmp"})
    void truncatedFilesAreRefusedAsTruncated(String name) throws Exception {
        byte[] full = fixture(name);
        DecodedImage whole = decode(full, SMALL);
        for (double keep : new double[] {0.02, 0.25}) {
            byte[] cut = Arrays.copyOf(full, Math.max(16, (int) (full.length * keep)));
            assertThatThrownBy(() -> decode(cut, SMALL)).as("%s cut to %d of %d bytes", name, cut.length, full.length)
                    .isInstanceOf(ScoringException.class).isNotInstanceOf(ImageTooLargeException.class)
                    .hasMessageContaining("truncated");
        }
        // Cut later, a file may have lost only what Pillow does not need either (a TIFF's ICC profile after its
        // directory, which Pillow skips with a warning): then the pixels must be the whole file's.
        int refused = 0;
        for (double keep : new double[] {0.5, 0.75, 0.9}) {
            byte[] cut = Arrays.copyOf(full, (int) (full.length * keep));
            try {
                assertThat(decode(cut, SMALL).rgb()).as("%s cut to %d bytes", name, cut.length).isEqualTo(whole.rgb());
            } catch (ScoringException e) {
                assertThat(e).isNotInstanceOf(ImageTooLargeException.class).hasMessageContaining("truncated");
                refused++;
            }
        }
        if (!name.endsWith(".tif")) {
            assertThat(refused).as("cuts of " + name + " refused").isEqualTo(3);
        }
    }

    @Test
    void damagedBytesEndInAScoringExceptionOrAnImage() throws Exception {
        Random random = new Random(20240607);
        int refused = 0;
        int decoded = 0;
        for (String name : ONE_PER_DECODER) {
            byte[] full = fixture(name);
            for (int trial = 0; trial < 120; trial++) {
                byte[] damaged = full.clone();
                int flips = 1 + random.nextInt(8);
                for (int f = 0; f < flips; f++) {
                    // keep the signature, so that the damage reaches the format's own decoder
                    int at = 12 + random.nextInt(damaged.length - 12);
                    damaged[at] = (byte) random.nextInt(256);
                }
                try {
                    DecodedImage image = decode(damaged, SMALL);
                    assertThat(image.rgb()).hasSize(3 * image.width() * image.height());
                    decoded++;
                } catch (ScoringException e) {
                    assertThat(e.getMessage()).as("%s trial %d", name, trial).contains("test");
                    refused++;
                }
            }
        }
        assertThat(refused).isPositive();
        assertThat(refused + decoded).isEqualTo(120 * ONE_PER_DECODER.size());
    }

    @Test
    void pngHeadersThatDeclareHugeImagesAreRefusedBeforeAllocating() throws Exception {
        byte[] png = fixture("png_rgb8.png");

        assertThatThrownBy(() -> decode(withPngSize(png, 100_000, 100_000), SMALL))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("PNG image test (100000x100000) has 10000000000 pixels, over the cap of 4000000");
        // under the cap but over the budget: the 13000x13000 decompression bomb of the hostile-input sweep
        DecodeBudget roomy = DecodeBudget.of(64L << 20, Duration.ZERO, DecodeBudget.DEFAULT_MAX_PIXELS);
        assertThatThrownBy(() -> decode(withPngSize(png, 13_000, 13_000), roomy))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("PNG image test (13000x13000) needs 483 MiB to decode, more than the whole "
                        + "decode budget of 64 MiB");
        assertThatThrownBy(() -> decode(withPngSize(png, 0, 5), SMALL)).isInstanceOf(ScoringException.class)
                .isNotInstanceOf(ImageTooLargeException.class).hasMessageContaining("unusable size 0x5");
    }

    @Test
    void gifScreensAndFramesThatDeclareHugeCanvasesAreRefused() throws Exception {
        byte[] gif = fixture("gif_offset.gif");
        byte[] screen = gif.clone();
        ByteBuffer.wrap(screen).order(ByteOrder.LITTLE_ENDIAN).putShort(6, (short) 0xFFFF).putShort(8, (short) 0xFFFF);
        byte[] offset = gif.clone();
        int descriptor = indexOf(offset, (byte) 0x2C, 13 + 3 * (2 << (offset[10] & 7)));
        ByteBuffer.wrap(offset).order(ByteOrder.LITTLE_ENDIAN).putShort(descriptor + 1, (short) 60_000)
                .putShort(descriptor + 3, (short) 60_000);

        assertThatThrownBy(() -> decode(screen, SMALL)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("(65535x65535)");
        assertThatThrownBy(() -> decode(offset, SMALL)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("(60040x60030)");
    }

    @Test
    void jpegTiffAndWebPHeadersThatDeclareHugeImagesAreRefused() throws Exception {
        byte[] jpeg = fixture("jpeg_rgb420.jpg");
        int sof = indexOf(jpeg, (byte) 0xC0, 2) - 1;
        ByteBuffer.wrap(jpeg).putShort(sof + 5, (short) 60_000).putShort(sof + 7, (short) 60_000);
        byte[] tiff = fixture("tiff_rgb_raw.tif");
        setTiffTag(tiff, 256, 50_000);
        setTiffTag(tiff, 257, 50_000);
        byte[] webp = webpWithCanvas(16_384, 16_384);

        assertThatThrownBy(() -> decode(jpeg, SMALL)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("JPEG image test (60000x60000)");
        assertThatThrownBy(() -> decode(tiff, SMALL)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("TIFF image test (50000x50000)");
        assertThatThrownBy(() -> decode(webp, SMALL)).isInstanceOf(ImageTooLargeException.class)
                .hasMessageContaining("WebP image test (16384x16384)");
    }

    @Test
    void bmpHeadersThatLieAboutTheirDataAreRefusedAsTruncated() throws Exception {
        byte[] bmp = fixture("bmp_rgb24.bmp");
        ByteBuffer.wrap(bmp).order(ByteOrder.LITTLE_ENDIAN).putInt(18, 10_000).putInt(22, 10_000);

        assertThatThrownBy(() -> decode(bmp, SMALL)).isInstanceOf(ScoringException.class)
                .isNotInstanceOf(ImageTooLargeException.class).hasMessageContaining("truncated BMP");
    }

    @Test
    void gifStreamsWithBadCodesOrAnEarlyEndAreRefusedAsPillowRefusesThem() throws Exception {
        // 20x10, LZW minimum code size 7: a clear code, then literals, packed at 8 bits a code
        int[] literals = new int[50];
        Arrays.fill(literals, 5);
        byte[] early = gifWithCodes(20, 10, concat(new int[] {128}, literals, new int[] {129}));
        byte[] beyond = gifWithCodes(20, 10, concat(new int[] {128}, literals, new int[] {200}));
        int[] all = new int[200];
        Arrays.fill(all, 9);
        byte[] whole = gifWithCodes(20, 10, concat(new int[] {128}, Arrays.copyOf(all, 100), new int[] {128},
                Arrays.copyOfRange(all, 100, 200), new int[] {129}));

        assertThatThrownBy(() -> decode(early, SMALL)).hasMessageContaining("ends after 50 of 200 pixels");
        assertThatThrownBy(() -> decode(beyond, SMALL)).hasMessageContaining("LZW code 200 beyond the table");
        DecodedImage image = decode(whole, SMALL);
        assertThat(image.rgb()[0] & 0xFF).isEqualTo(27); // index 9 of the palette i -> (3i, 3i+1, 3i+2)
    }

    @Test
    void unsupportedTiffVariantsAreRefusedNamingThem() throws Exception {
        byte[] tiff = fixture("tiff_rgb_raw.tif");
        setTiffTag(tiff, 259, 3); // CCITT Group 3

        assertThatThrownBy(() -> decode(tiff, SMALL)).isInstanceOf(ScoringException.class)
                .hasMessage("cannot decode test: TIFF compression 3 (CCITT Group 3 fax) is not supported (supported: "
                        + "none, LZW, deflate, PackBits, JPEG): convert it to PNG");
    }

    private static byte[] withPngSize(byte[] png, int w, int h) {
        byte[] out = png.clone();
        ByteBuffer b = ByteBuffer.wrap(out);
        b.putInt(16, w).putInt(20, h);
        CRC32 crc = new CRC32();
        crc.update(out, 12, 17);
        b.putInt(29, (int) crc.getValue());
        return out;
    }

    private static void setTiffTag(byte[] tiff, int tag, int value) {
        ByteBuffer b = ByteBuffer.wrap(tiff).order(tiff[0] == 'I' ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN);
        int ifd = b.getInt(4);
        int n = b.getShort(ifd) & 0xFFFF;
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            if ((b.getShort(e) & 0xFFFF) == tag) {
                if (b.getShort(e + 2) == 3) {
                    b.putShort(e + 8, (short) value);
                } else {
                    b.putInt(e + 8, value);
                }
                return;
            }
        }
        throw new IllegalStateException("no tag " + tag);
    }

    private static byte[] webpWithCanvas(int w, int h) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] vp8x = {'V', 'P', '8', 'X', 10, 0, 0, 0, 0, 0, 0, 0, (byte) (w - 1), (byte) ((w - 1) >> 8), 0,
            (byte) (h - 1), (byte) ((h - 1) >> 8), 0};
        long bits = (w - 1) | ((long) (h - 1) << 14);
        byte[] vp8l = {'V', 'P', '8', 'L', 6, 0, 0, 0, 0x2F, (byte) bits, (byte) (bits >> 8), (byte) (bits >> 16),
            (byte) (bits >> 24), 0};
        int size = 4 + vp8x.length + vp8l.length;
        out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[] {(byte) size, (byte) (size >> 8), 0, 0});
        out.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(vp8x);
        out.writeBytes(vp8l);
        return out.toByteArray();
    }

    /** A GIF with a 128-entry palette (entry i = 3i, 3i+1, 3i+2) whose frame data are the given 8-bit codes. */
    private static byte[] gifWithCodes(int w, int h, int[] codes) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.writeBytes("GIF89a".getBytes(StandardCharsets.ISO_8859_1));
        out.writeBytes(new byte[] {(byte) w, 0, (byte) h, 0, (byte) (0x80 | 6), 0, 0});
        for (int i = 0; i < 128 * 3; i++) {
            out.write(i);
        }
        out.writeBytes(new byte[] {0x2C, 0, 0, 0, 0, (byte) w, 0, (byte) h, 0, 0, 7});
        for (int i = 0; i < codes.length; i += 255) {
            int n = Math.min(255, codes.length - i);
            out.write(n);
            for (int k = 0; k < n; k++) {
                out.write(codes[i + k]);
            }
        }
        out.write(0);
        out.write(0x3B);
        return out.toByteArray();
    }

    private static int[] concat(int[]... parts) {
        return Arrays.stream(parts).flatMapToInt(Arrays::stream).toArray();
    }

    private static int indexOf(byte[] d, byte value, int from) {
        for (int i = from; i < d.length; i++) {
            if (d[i] == value) {
                return i;
            }
        }
        throw new IllegalStateException("not found");
    }
}
