package dev.modelbuilder.serving.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import javax.imageio.ImageIO;

/** Images the serving tests send (shared with the CLI's tests of {@code serve} through the starter's test-jar). */
public final class TestImages {
    private TestImages() {
    }

    /**
     * A decompression bomb: a valid PNG of the given size, all black, whose IDAT is a few hundred KB (13000 × 13000 RGB
     * is 507 MB of pixels, about 500 KB on disk). Deflating half a gigabyte of zeros takes seconds, so one band of rows
     * is deflated and its blocks repeated: after a full flush a deflater starts afresh, so equal input gives equal
     * blocks, and the zlib trailer of n zeros is known (Adler-32: a = 1, b = n mod 65521).
     */
    public static byte[] pngBomb(int width, int height) throws IOException {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        writeInt(ihdr, width);
        writeInt(ihdr, height);
        ihdr.writeBytes(new byte[] {8, 2, 0, 0, 0}); // 8-bit RGB, deflate, adaptive filtering, no interlace
        chunk(png, "IHDR", ihdr.toByteArray());
        int rowsPerBand = 100;
        if (height % rowsPerBand != 0) {
            throw new IllegalArgumentException("height must be a multiple of " + rowsPerBand);
        }
        long rowBytes = 1L + 3L * width; // filter byte 0, then the pixels
        byte[] band = deflateFlushed(new byte[(int) (rowBytes * rowsPerBand)]);
        ByteArrayOutputStream idat = new ByteArrayOutputStream();
        idat.writeBytes(new byte[] {0x78, (byte) 0xDA});
        for (int i = 0; i < height / rowsPerBand; i++) {
            idat.writeBytes(band);
        }
        Deflater end = new Deflater(Deflater.BEST_COMPRESSION, true);
        end.finish();
        byte[] last = new byte[64];
        idat.write(last, 0, end.deflate(last));
        end.end();
        writeInt(idat, (int) ((rowBytes * height % 65_521) << 16 | 1));
        chunk(png, "IDAT", idat.toByteArray());
        chunk(png, "IEND", new byte[0]);
        return png.toByteArray();
    }

    private static byte[] deflateFlushed(byte[] data) {
        Deflater deflater = new Deflater(Deflater.BEST_COMPRESSION, true);
        deflater.setInput(data);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] buffer = new byte[1 << 16];
        int n;
        do {
            n = deflater.deflate(buffer, 0, buffer.length, Deflater.FULL_FLUSH);
            out.write(buffer, 0, n);
        } while (n == buffer.length || !deflater.needsInput());
        deflater.end();
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) {
        writeInt(out, data.length);
        byte[] name = type.getBytes(StandardCharsets.US_ASCII);
        out.writeBytes(name);
        out.writeBytes(data);
        CRC32 crc = new CRC32();
        crc.update(name);
        crc.update(data);
        writeInt(out, (int) crc.getValue());
    }

    private static void writeInt(ByteArrayOutputStream out, int v) {
        out.write(v >>> 24);
        out.write(v >>> 16);
        out.write(v >>> 8);
        out.write(v);
    }

    /** A small PNG of its own colour, so that batch answers can be told apart. */
    public static byte[] colourPng(int rgb) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, rgb ^ (x * 5 + y * 3));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

}
