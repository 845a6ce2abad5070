package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.exception.ScoringException;

import java.util.HashMap;
import java.util.Map;
import java.util.zip.DataFormatException;
import java.util.zip.Inflater;

/**
 * The common TIFFs, decoded strip by strip straight into the RGB result: 8-bit samples in strips, one plane,
 * uncompressed, LZW, deflate or PackBits, with or without horizontal differencing; grey, grey + alpha, RGB, RGBA,
 * palette or CMYK. A decode holds 3 bytes a pixel and one strip. The JDK's TIFF reader (which the caller uses for
 * the other supported variants: JPEG compression, tiles, separate planes, 1- and 16-bit samples) holds a raster
 * beside the result and decompresses LZW about ten times slower than libtiff, allocating an array per code.
 *
 * <p>Conversions as Pillow's: grey replicated, alpha and other extra samples dropped, a palette's 16-bit entries
 * reduced to their high byte, CMYK converted naively. The caller has run the dataset probe first, so the variant is
 * one of those supported and every strip lies inside the file.
 */
public final class TiffDecoder {
    private static final String FORMAT = "TIFF";
    private static final int MAX_CODES = 4096;

    private final byte[] d;
    private final String source;
    private final boolean little;
    private final Map<Integer, long[]> tags = new HashMap<>();

    private TiffDecoder(byte[] data, String source) {
        this.d = data;
        this.source = source;
        this.little = data[0] == 'I';
    }

    /**
     * @param data a whole TIFF file that the dataset probe accepted
     * @param source the image, for messages
     * @param budget the decode budget and pixel cap
     * @return the RGB pixels of the first page, or null when the file is a variant this class leaves to ImageIO
     * @throws ScoringException if the data is corrupt or truncated, or the image is too large
     */
    public static DecodedImage decodeOrNull(byte[] data, String source, DecodeBudget budget) {
        return new TiffDecoder(data, source).run(budget);
    }

    private DecodedImage run(DecodeBudget budget) {
        readDirectory();
        long width = first(256, 0);
        long height = first(257, 0);
        int samples = (int) first(277, 1);
        long compression = first(259, 1);
        long photometric = first(262, -1);
        long predictor = first(317, 1);
        long[] bits = tags.getOrDefault(258, new long[] {1});
        boolean eightBit = bits.length > 0 && java.util.Arrays.stream(bits).allMatch(b -> b == 8);
        boolean ours = eightBit && first(284, 1) == 1 && !tags.containsKey(322) && !tags.containsKey(324)
                && (compression == 1 || compression == 5 || compression == 8 || compression == 32946
                        || compression == 32773)
                && (predictor == 1 || predictor == 2)
                && ((photometric == 1 && samples >= 1) || (photometric == 2 && samples >= 3)
                        || (photometric == 3 && samples == 1 && tags.containsKey(320))
                        || (photometric == 5 && samples >= 4));
        if (!ours) {
            return null;
        }
        long rowsPerStrip = Math.max(1, Math.min(height, first(278, height)));
        long rowBytes = width * samples;
        long stripBytes = rowsPerStrip * rowBytes;
        long[] offsets = tags.get(273);
        long[] counts = tags.get(279);
        long strips = (height + rowsPerStrip - 1) / rowsPerStrip;
        long peak = 3 * width * height + stripBytes + 6L * MAX_CODES;
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, FORMAT, source, width, height, peak)) {
            if (offsets == null || counts == null || offsets.length < strips || counts.length < strips) {
                throw Decoding.corrupt(FORMAT, source, "the first page has " + (offsets == null ? 0 : offsets.length)
                        + " strips where its " + height + " rows need " + strips);
            }
            byte[] palette = photometric == 3 ? palette() : null;
            byte[] rgb = new byte[Math.toIntExact(3 * width * height)];
            byte[] strip = new byte[Math.toIntExact(stripBytes)];
            int w = (int) width;
            for (int s = 0; s < strips; s++) {
                int rows = (int) Math.min(rowsPerStrip, height - s * rowsPerStrip);
                int need = Math.toIntExact(rows * rowBytes);
                int got = decompress(compression, (int) offsets[s], (int) counts[s], strip, need);
                if (got < need) {
                    throw Decoding.corrupt(FORMAT, source, "strip " + s + " holds " + got + " bytes where its " + rows
                            + " rows need " + need + " (the image is truncated)");
                }
                for (int r = 0; r < rows; r++) {
                    int at = (int) (r * rowBytes);
                    if (predictor == 2) {
                        // horizontal differencing: each sample is stored as the difference from the same sample
                        // of the pixel on its left
                        for (int i = at + samples, end = at + (int) rowBytes; i < end; i++) {
                            strip[i] += strip[i - samples];
                        }
                    }
                    convertRow(strip, at, samples, (int) photometric, palette, rgb,
                            (int) ((s * rowsPerStrip + r) * w * 3L), w);
                }
            }
            return new DecodedImage(w, (int) height, reservation.keep(rgb));
        }
    }

    private static void convertRow(byte[] row, int at, int samples, int photometric, byte[] palette, byte[] rgb,
            int o, int w) {
        switch (photometric) {
            case 1 -> {
                for (int x = 0, p = at; x < w; x++, p += samples, o += 3) {
                    byte v = row[p];
                    rgb[o] = v;
                    rgb[o + 1] = v;
                    rgb[o + 2] = v;
                }
            }
            case 2 -> {
                if (samples == 3) {
                    System.arraycopy(row, at, rgb, o, 3 * w);
                } else {
                    for (int x = 0, p = at; x < w; x++, p += samples, o += 3) {
                        rgb[o] = row[p];
                        rgb[o + 1] = row[p + 1];
                        rgb[o + 2] = row[p + 2];
                    }
                }
            }
            case 3 -> {
                for (int x = 0, p = at; x < w; x++, p++, o += 3) {
                    int i = (row[p] & 0xFF) * 3;
                    rgb[o] = palette[i];
                    rgb[o + 1] = palette[i + 1];
                    rgb[o + 2] = palette[i + 2];
                }
            }
            default -> {
                for (int x = 0, p = at; x < w; x++, p += samples, o += 3) {
                    int nk = 255 - (row[p + 3] & 0xFF);
                    rgb[o] = (byte) Math.max(0, nk - mulDiv255(row[p] & 0xFF, nk));
                    rgb[o + 1] = (byte) Math.max(0, nk - mulDiv255(row[p + 1] & 0xFF, nk));
                    rgb[o + 2] = (byte) Math.max(0, nk - mulDiv255(row[p + 2] & 0xFF, nk));
                }
            }
        }
    }

    /** Pillow's MULDIV255: a * b / 255, rounded, in integers. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    /** The colour map's 16-bit entries (all reds, then greens, then blues), high bytes; past them grey. */
    private byte[] palette() {
        long[] map = tags.get(320);
        int n = map.length / 3;
        byte[] p = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            boolean mapped = i < n;
            p[3 * i] = (byte) (mapped ? map[i] >> 8 : i);
            p[3 * i + 1] = (byte) (mapped ? map[n + i] >> 8 : i);
            p[3 * i + 2] = (byte) (mapped ? map[2 * n + i] >> 8 : i);
        }
        return p;
    }

    /** @return how many bytes of {@code out[0, need)} the strip filled */
    private int decompress(long compression, int offset, int count, byte[] out, int need) {
        int end = (int) Math.min(d.length, (long) offset + count);
        return switch ((int) compression) {
            case 1 -> {
                int n = Math.min(need, end - offset);
                System.arraycopy(d, offset, out, 0, n);
                yield n;
            }
            case 5 -> lzw(offset, end, out, need);
            case 32773 -> packBits(offset, end, out, need);
            default -> inflate(offset, end, out, need);
        };
    }

    private int packBits(int pos, int end, byte[] out, int need) {
        int o = 0;
        while (o < need && pos < end) {
            int n = d[pos++];
            if (n >= 0) {
                int copy = Math.min(Math.min(n + 1, end - pos), need - o);
                System.arraycopy(d, pos, out, o, copy);
                pos += n + 1;
                o += copy;
            } else if (n != -128 && pos < end) {
                byte v = d[pos++];
                int repeat = Math.min(1 - n, need - o);
                java.util.Arrays.fill(out, o, o + repeat, v);
                o += repeat;
            }
        }
        return o;
    }

    private int inflate(int pos, int end, byte[] out, int need) {
        Inflater inflater = new Inflater();
        try {
            inflater.setInput(d, pos, end - pos);
            int o = 0;
            while (o < need) {
                int n = inflater.inflate(out, o, need - o);
                if (n == 0 && (inflater.finished() || inflater.needsInput() || inflater.needsDictionary())) {
                    break;
                }
                o += n;
            }
            return o;
        } catch (DataFormatException e) {
            throw Decoding.corrupt(FORMAT, source, "invalid deflate data (" + e.getMessage() + ")");
        } finally {
            inflater.end();
        }
    }

    /** TIFF's LZW: codes most significant bit first, 9 to 12 bits wide, widening one code early. */
    private int lzw(int pos, int end, byte[] out, int need) {
        if (end - pos >= 2 && d[pos] == 0 && (d[pos + 1] & 1) != 0) {
            throw new ScoringException("cannot decode " + source + ": TIFF with old-style (TIFF 5.0) LZW compression "
                    + "is not supported: convert it to PNG");
        }
        short[] prefix = new short[MAX_CODES];
        byte[] suffix = new byte[MAX_CODES];
        byte[] head = new byte[MAX_CODES];
        short[] length = new short[MAX_CODES];
        for (int i = 0; i < 256; i++) {
            suffix[i] = (byte) i;
            head[i] = (byte) i;
            length[i] = 1;
        }
        int width = 9;
        int next = 258;
        int previous = -1;
        long buffer = 0;
        int buffered = 0;
        int o = 0;
        while (o < need) {
            while (buffered < width && pos < end) {
                buffer = (buffer << 8) | (d[pos++] & 0xFF);
                buffered += 8;
            }
            if (buffered < width) {
                break; // the strip's data end
            }
            int code = (int) (buffer >>> (buffered - width)) & ((1 << width) - 1);
            buffered -= width;
            if (code == 257) {
                break;
            }
            if (code == 256) {
                width = 9;
                next = 258;
                previous = -1;
                continue;
            }
            int c;
            if (previous < 0) {
                if (code > 255) {
                    throw Decoding.corrupt(FORMAT, source, "LZW code " + code + " after a clear code");
                }
                c = code;
            } else if (code < next) {
                c = code;
            } else if (code == next) {
                c = previous;
            } else {
                throw Decoding.corrupt(FORMAT, source, "LZW code " + code + " beyond the table of " + next);
            }
            // write the string of c backwards from its end, then the extra head byte for the not-yet-known code
            int len = length[c];
            int stop = o + len;
            for (int k = c, p = stop - 1; p >= o; k = prefix[k], p--) {
                if (p < need) {
                    out[p] = suffix[k];
                }
            }
            o = Math.min(stop, need);
            if (previous >= 0) {
                byte added = code == next ? head[previous] : head[code];
                if (code == next && o < need) {
                    out[o++] = added;
                }
                if (next < MAX_CODES) {
                    prefix[next] = (short) previous;
                    suffix[next] = added;
                    head[next] = head[previous];
                    length[next] = (short) (length[previous] + 1);
                    next++;
                    if (next == (1 << width) - 1 && width < 12) {
                        width++;
                    }
                }
            }
            previous = code;
        }
        return o;
    }

    private void readDirectory() {
        int ifd = (int) u32(4);
        int n = u16(ifd);
        for (int i = 0; i < n; i++) {
            int e = ifd + 2 + 12 * i;
            int tag = u16(e);
            int type = u16(e + 2);
            long count = u32(e + 4);
            int size = type == 1 ? 1 : type == 3 ? 2 : type == 4 ? 4 : 0;
            if (size == 0 || count > (d.length / size)) {
                continue;
            }
            long at = count * size <= 4 ? e + 8 : u32(e + 8);
            if (at + count * size > d.length) {
                continue; // like Pillow, a tag whose values lie past the end is skipped (the probe checked those read)
            }
            long[] values = new long[(int) count];
            for (int k = 0; k < count; k++) {
                int p = (int) at + k * size;
                values[k] = size == 1 ? d[p] & 0xFF : size == 2 ? u16(p) : u32(p);
            }
            tags.put(tag, values);
        }
    }

    private long first(int tag, long otherwise) {
        long[] v = tags.get(tag);
        return v == null || v.length == 0 ? otherwise : v[0];
    }

    private int u16(int p) {
        return little ? (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8) : ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
    }

    private long u32(int p) {
        long a = d[p] & 0xFF;
        long b = d[p + 1] & 0xFF;
        long c = d[p + 2] & 0xFF;
        long e = d[p + 3] & 0xFF;
        return little ? a | (b << 8) | (c << 16) | (e << 24) : (a << 24) | (b << 16) | (c << 8) | e;
    }
}
