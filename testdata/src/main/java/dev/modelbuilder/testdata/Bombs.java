package dev.modelbuilder.testdata;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;

/**
 * Decompression bombs written at test time (never committed): small, valid files that declare and hold huge images,
 * and a PNG whose header lies about its size. Shared by the decoder's, the CLI's and the server's tests.
 */
public final class Bombs {
    private Bombs() {
    }

    /**
     * A decompression bomb: a valid PNG of the given size, all black, whose IDAT is a few hundred KB (13000 × 13000 RGB
     * is 507 MB of pixels, about 500 KB on disk). Deflating half a gigabyte of zeros takes seconds, so one band of rows
     * is deflated and its blocks repeated: after a full flush a deflater starts afresh, so equal input gives equal
     * blocks, and the zlib trailer of n zeros is known (Adler-32: a = 1, b = n mod 65521).
     */
    public static byte[] png(int width, int height) {
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

    /**
     * Writes {@link #png(int, int)} to a file.
     *
     * @param file where to write it
     * @param width width in pixels
     * @param height height in pixels, a multiple of 100
     * @return the file
     */
    public static Path writePng(Path file, int width, int height) {
        try {
            return Files.write(file, png(width, height));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A PNG header that declares {@code width x height} RGB pixels, followed by a few bytes of image data.
     *
     * @param file where to write it
     * @param width the width it declares
     * @param height the height it declares
     * @return the file
     */
    public static Path writeLyingPng(Path file, int width, int height) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        png.writeBytes(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        ByteArrayOutputStream ihdr = new ByteArrayOutputStream();
        writeInt(ihdr, width);
        writeInt(ihdr, height);
        ihdr.writeBytes(new byte[] {8, 2, 0, 0, 0});
        chunk(png, "IHDR", ihdr.toByteArray());
        chunk(png, "IDAT", deflateFlushed(new byte[100]));
        chunk(png, "IEND", new byte[0]);
        try {
            return Files.write(file, png.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
