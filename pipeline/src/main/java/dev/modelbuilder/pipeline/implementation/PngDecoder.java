package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.exception.ScoringException;

import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * A PNG decoder that writes each row straight into the RGB result, so that a decode holds 3 bytes a pixel and two
 * rows (ImageIO's reader plus a conversion held the image twice). Conversions follow Pillow 9.4's
 * {@code convert("RGB")} for each PNG mode:
 * <ul>
 *   <li>grey 1, 2, 4 bits: scaled to 8 bits (×255, ×85, ×17); 8 bits as is; 16 bits: Pillow's mode {@code I},
 *       clipped at 255 (200 stays 200, 30000 becomes 255) — not the high byte;</li>
 *   <li>RGB, RGBA, grey + alpha at 16 bits: the high byte of each sample; alpha dropped, never composited;</li>
 *   <li>palette: through {@code PLTE}; an index past the palette's entries is grey (i, i, i), because Pillow's
 *       palette starts as a grey ramp that {@code PLTE} overwrites;</li>
 *   <li>{@code tRNS}, gamma, ICC profiles and other ancillary chunks change nothing.</li>
 * </ul>
 * Like Pillow, the chunks before the image data must have good CRCs, the image data must hold every row, and what
 * follows the last row is not read.
 */
public final class PngDecoder {
    private static final String FORMAT = "PNG";
    /** Adam7 passes: first column, first row, column step, row step. */
    private static final int[][] ADAM7 = {{0, 0, 8, 8}, {4, 0, 8, 8}, {0, 4, 4, 8}, {2, 0, 4, 4}, {0, 2, 2, 4},
        {1, 0, 2, 2}, {0, 1, 1, 2}};
    private static final int[][] SINGLE_PASS = {{0, 0, 1, 1}};

    private final byte[] d;
    private final String source;
    private int width;
    private int height;
    private int depth;
    private int colourType;
    private boolean interlaced;
    private final byte[] palette = greyRamp();
    private int nextChunk; // where the chunk after the current image data chunk starts
    private Inflater inflater;
    private int rowsDone;

    private PngDecoder(byte[] data, String source) {
        this.d = data;
        this.source = source;
    }

    /**
     * @param data a whole PNG file (its signature already recognised)
     * @param source the image, for messages
     * @param budget the decode budget and pixel cap
     * @return the RGB pixels
     * @throws ScoringException if the data is corrupt or truncated, or the image is too large
     */
    public static DecodedImage decode(byte[] data, String source, DecodeBudget budget) {
        return new PngDecoder(data, source).run(budget);
    }

    private DecodedImage run(DecodeBudget budget) {
        int firstData = readHeader();
        int channels = channels();
        int bitsPerPixel = channels * depth;
        long rowBytes = ((long) width * bitsPerPixel + 7) / 8;
        // the result, plus two rows of raw samples
        long peak = 3L * width * height + 2 * (rowBytes + 1);
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, FORMAT, source, width, height, peak)) {
            byte[] rgb = new byte[Math.multiplyExact(Math.multiplyExact(width, height), 3)];
            inflater = new Inflater();
            try {
                nextChunk = firstData;
                decodePasses(rgb, bitsPerPixel);
            } finally {
                inflater.end();
            }
            return new DecodedImage(width, height, reservation.keep(rgb));
        }
    }

    /** Reads the chunks before the first IDAT; returns where that IDAT starts. */
    private int readHeader() {
        int pos = 8;
        boolean first = true;
        CRC32 crc = new CRC32();
        while (true) {
            if (pos + 8 > d.length) {
                throw Decoding.corrupt(FORMAT, source, "the file ends before its image data");
            }
            long length = u32(pos);
            String type = new String(d, pos + 4, 4, StandardCharsets.ISO_8859_1);
            if (first && !"IHDR".equals(type)) {
                throw Decoding.corrupt(FORMAT, source, "the first chunk is " + printable(type) + ", not IHDR");
            }
            if ("IDAT".equals(type)) {
                if (first) {
                    throw Decoding.corrupt(FORMAT, source, "image data before the header");
                }
                return pos;
            }
            if (pos + 12 + length > d.length) {
                throw Decoding.corrupt(FORMAT, source, "the file ends inside the " + printable(type) + " chunk");
            }
            int data = pos + 8;
            crc.reset();
            crc.update(d, pos + 4, 4 + (int) length);
            if (crc.getValue() != u32(data + (int) length)) {
                throw Decoding.corrupt(FORMAT, source, "bad checksum in the " + printable(type) + " chunk at byte "
                        + pos);
            }
            if (first) {
                header(data, (int) length);
                first = false;
            } else if ("PLTE".equals(type)) {
                // entries past 256 cannot be indexed; entries past the chunk keep the grey ramp (also when a
                // palette image has no PLTE at all, which Pillow opens the same way)
                int entries = (int) Math.min(256, length / 3);
                System.arraycopy(d, data, palette, 0, entries * 3);
            } else if ("IEND".equals(type)) {
                throw Decoding.corrupt(FORMAT, source, "no image data (IEND before any IDAT)");
            }
            pos = data + (int) length + 4;
        }
    }

    private void header(int p, int length) {
        if (length < 13) {
            throw Decoding.corrupt(FORMAT, source, "the IHDR chunk is " + length + " bytes, not 13");
        }
        long w = u32(p);
        long h = u32(p + 4);
        depth = d[p + 8] & 0xFF;
        colourType = d[p + 9] & 0xFF;
        int compression = d[p + 10] & 0xFF;
        int filter = d[p + 11] & 0xFF;
        int interlace = d[p + 12] & 0xFF;
        if (w < 1 || h < 1 || w > Integer.MAX_VALUE || h > Integer.MAX_VALUE) {
            throw new ScoringException(FORMAT + " image " + source + " has an unusable size " + w + "x" + h);
        }
        width = (int) w;
        height = (int) h;
        boolean valid = switch (colourType) {
            case 0 -> depth == 1 || depth == 2 || depth == 4 || depth == 8 || depth == 16;
            case 3 -> depth == 1 || depth == 2 || depth == 4 || depth == 8;
            case 2, 4, 6 -> depth == 8 || depth == 16;
            default -> false;
        };
        if (!valid) {
            throw Decoding.corrupt(FORMAT, source, "colour type " + colourType + " with " + depth
                    + "-bit samples is not a PNG mode");
        }
        if (compression != 0 || filter != 0 || interlace > 1) {
            throw Decoding.corrupt(FORMAT, source, "unknown compression, filter or interlace method ("
                    + compression + ", " + filter + ", " + interlace + ")");
        }
        interlaced = interlace == 1;
    }

    private int channels() {
        return switch (colourType) {
            case 2 -> 3;
            case 4 -> 2;
            case 6 -> 4;
            default -> 1;
        };
    }

    private void decodePasses(byte[] rgb, int bitsPerPixel) {
        int filterUnit = Math.max(1, bitsPerPixel / 8);
        long fullRow = ((long) width * bitsPerPixel + 7) / 8;
        byte[] previous = new byte[(int) fullRow + 1];
        byte[] current = new byte[(int) fullRow + 1];
        for (int[] pass : interlaced ? ADAM7 : SINGLE_PASS) {
            int passWidth = (width - pass[0] + pass[2] - 1) / pass[2];
            int passHeight = (height - pass[1] + pass[3] - 1) / pass[3];
            if (passWidth <= 0 || passHeight <= 0) {
                continue; // an empty pass has no rows, not even filter bytes
            }
            int rowBytes = (int) (((long) passWidth * bitsPerPixel + 7) / 8);
            java.util.Arrays.fill(previous, 0, rowBytes + 1, (byte) 0);
            for (int r = 0; r < passHeight; r++) {
                inflateRow(current, rowBytes + 1);
                unfilter(current, previous, rowBytes, filterUnit);
                convertRow(current, rgb, pass[1] + r * pass[3], pass[0], pass[2], passWidth);
                byte[] t = previous;
                previous = current;
                current = t;
                rowsDone++;
            }
        }
    }

    /** Fills {@code row[0, n)} from the compressed stream, moving on through consecutive IDAT chunks. */
    private void inflateRow(byte[] row, int n) {
        int filled = 0;
        try {
            while (filled < n) {
                int got = inflater.inflate(row, filled, n - filled);
                filled += got;
                if (got == 0) {
                    if (inflater.finished()) {
                        throw truncated("the compressed image data ends");
                    }
                    if (inflater.needsDictionary()) {
                        throw Decoding.corrupt(FORMAT, source, "the image data asks for a preset dictionary");
                    }
                    if (inflater.needsInput() && !nextImageData()) {
                        throw truncated("the file ends");
                    }
                }
            }
        } catch (DataFormatException e) {
            throw Decoding.corrupt(FORMAT, source, "invalid compressed data after row " + rowsDone + " ("
                    + e.getMessage() + ")");
        }
    }

    private ScoringException truncated(String what) {
        return Decoding.corrupt(FORMAT, source, what + " after " + rowsDone + " of " + (interlaced
                ? "the interlaced image's rows" : height + " rows") + " (the image is truncated)");
    }

    /** Hands the next IDAT chunk's data to the inflater; false when no IDAT follows or the file ends. */
    private boolean nextImageData() {
        int pos = nextChunk;
        if (pos + 8 > d.length || !(d[pos + 4] == 'I' && d[pos + 5] == 'D' && d[pos + 6] == 'A' && d[pos + 7] == 'T')) {
            return false;
        }
        long length = u32(pos);
        int data = pos + 8;
        int available = (int) Math.min(length, d.length - (long) data);
        inflater.setInput(d, data, available);
        nextChunk = (int) Math.min(d.length, data + length + 4);
        return available > 0 || nextImageData();
    }

    /** Undoes the row's filter in place; {@code row[0]} is the filter type, samples start at 1. */
    private void unfilter(byte[] row, byte[] up, int n, int bpp) {
        int type = row[0] & 0xFF;
        switch (type) {
            case 0 -> {
            }
            case 1 -> {
                for (int i = 1 + bpp; i <= n; i++) {
                    row[i] += row[i - bpp];
                }
            }
            case 2 -> {
                for (int i = 1; i <= n; i++) {
                    row[i] += up[i];
                }
            }
            case 3 -> {
                for (int i = 1; i <= n; i++) {
                    int left = i > bpp ? row[i - bpp] & 0xFF : 0;
                    row[i] += (byte) ((left + (up[i] & 0xFF)) >>> 1);
                }
            }
            case 4 -> {
                for (int i = 1; i <= n; i++) {
                    int a = i > bpp ? row[i - bpp] & 0xFF : 0;
                    int b = up[i] & 0xFF;
                    int c = i > bpp ? up[i - bpp] & 0xFF : 0;
                    int p = a + b - c;
                    int pa = Math.abs(p - a);
                    int pb = Math.abs(p - b);
                    int pc = Math.abs(p - c);
                    row[i] += (byte) (pa <= pb && pa <= pc ? a : pb <= pc ? b : c);
                }
            }
            default -> throw Decoding.corrupt(FORMAT, source, "unknown filter type " + type + " in row "
                    + rowsDone);
        }
    }

    /** Writes one unfiltered row ({@code row[1..]}) into the result at row y, columns x0, x0 + dx, ... */
    private void convertRow(byte[] row, byte[] rgb, int y, int x0, int dx, int n) {
        int o = (y * width + x0) * 3;
        int step = dx * 3;
        switch (colourType) {
            case 0 -> {
                if (depth == 8) {
                    for (int i = 0; i < n; i++, o += step) {
                        byte v = row[1 + i];
                        rgb[o] = v;
                        rgb[o + 1] = v;
                        rgb[o + 2] = v;
                    }
                } else if (depth == 16) {
                    for (int i = 0; i < n; i++, o += step) {
                        // Pillow reads 16-bit grey as mode I, and I to RGB clips at 255
                        byte v = row[1 + 2 * i] != 0 ? (byte) 255 : row[2 + 2 * i];
                        rgb[o] = v;
                        rgb[o + 1] = v;
                        rgb[o + 2] = v;
                    }
                } else {
                    int scale = depth == 1 ? 255 : depth == 2 ? 85 : 17;
                    for (int i = 0; i < n; i++, o += step) {
                        byte v = (byte) (packed(row, i) * scale);
                        rgb[o] = v;
                        rgb[o + 1] = v;
                        rgb[o + 2] = v;
                    }
                }
            }
            case 2 -> {
                if (depth == 8 && dx == 1) {
                    System.arraycopy(row, 1, rgb, o, 3 * n);
                } else {
                    int bytes = depth / 8; // 16-bit samples: the high byte comes first
                    for (int i = 0, p = 1; i < n; i++, o += step, p += 3 * bytes) {
                        rgb[o] = row[p];
                        rgb[o + 1] = row[p + bytes];
                        rgb[o + 2] = row[p + 2 * bytes];
                    }
                }
            }
            case 3 -> {
                for (int i = 0; i < n; i++, o += step) {
                    int index = depth == 8 ? row[1 + i] & 0xFF : packed(row, i);
                    rgb[o] = palette[3 * index];
                    rgb[o + 1] = palette[3 * index + 1];
                    rgb[o + 2] = palette[3 * index + 2];
                }
            }
            case 4 -> {
                int stride = 2 * (depth / 8);
                for (int i = 0, p = 1; i < n; i++, o += step, p += stride) {
                    byte v = row[p];
                    rgb[o] = v;
                    rgb[o + 1] = v;
                    rgb[o + 2] = v;
                }
            }
            default -> {
                int bytes = depth / 8;
                for (int i = 0, p = 1; i < n; i++, o += step, p += 4 * bytes) {
                    rgb[o] = row[p];
                    rgb[o + 1] = row[p + bytes];
                    rgb[o + 2] = row[p + 2 * bytes];
                }
            }
        }
    }

    /** The i-th sample of a row packed at 1, 2 or 4 bits, most significant bits first. */
    private int packed(byte[] row, int i) {
        int bit = i * depth;
        int b = row[1 + (bit >>> 3)] & 0xFF;
        return (b >>> (8 - depth - (bit & 7))) & ((1 << depth) - 1);
    }

    private static byte[] greyRamp() {
        byte[] p = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            p[3 * i] = (byte) i;
            p[3 * i + 1] = (byte) i;
            p[3 * i + 2] = (byte) i;
        }
        return p;
    }

    private long u32(int p) {
        return ((long) (d[p] & 0xFF) << 24) | ((d[p + 1] & 0xFF) << 16) | ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
    }

    private static String printable(String type) {
        return type.chars().allMatch(c -> c >= 'A' && c <= 'z') ? type : "unnamed";
    }
}
