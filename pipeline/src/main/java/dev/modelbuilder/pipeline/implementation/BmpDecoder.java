package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.exception.ScoringException;

/**
 * Decodes a BMP as Pillow 9.4 reads it (its {@code BmpImagePlugin}), and refuses what Pillow refuses:
 * <ul>
 *   <li>headers of 12 (OS/2 1.x: 3-byte palette entries), 40, 64, 108 or 124 bytes; a negative height (top byte
 *       0xFF) means rows top-down, otherwise bottom-up; rows padded to 4 bytes;</li>
 *   <li>1, 4 and 8 bits: through the palette ({@code biClrUsed} entries, or 2^bits; past them an index is grey
 *       (i, i, i)). A palette that is exactly Pillow's grey ramp (two entries black and white, or entry i = (i, i, i)
 *       for every entry) is not used: the samples are then unpacked as 1-bit (black and white) or 8-bit grey
 *       whatever the file's depth, as Pillow does, and a file whose rows are too short for that is refused;</li>
 *   <li>16 bits: 5-5-5 ({@code BI_RGB}, or {@code BI_BITFIELDS} 7C00, 3E0, 1F) or 5-6-5 ({@code BI_BITFIELDS}
 *       F800, 7E0, 1F), each field scaled to 8 bits as {@code v * 255 / max}, truncated;</li>
 *   <li>24 bits: B, G, R; 32 bits: B, G, R and a byte ignored ({@code BI_RGB}), or {@code BI_BITFIELDS} in one of
 *       Pillow's six layouts (any alpha dropped). Other masks are refused;</li>
 *   <li>{@code BI_RLE8} and {@code BI_RLE4} exactly as Pillow 9.4's decoder walks them: runs clipped at the row's
 *       end, literal runs not clipped, an end-of-line pads the row with index 0, a delta reads its two offset bytes
 *       from the two bytes after its own, an RLE4 literal run of n pixels unpacks n / 2 bytes (rounded down), and
 *       word alignment follows the byte's offset in the file; a stream that ends before the last pixel is refused,
 *       as Pillow refuses it ("not enough image data").</li>
 * </ul>
 * Other compressions (4, JPEG; 5, PNG; 6, alpha bit fields), other depths and palettes of more than 256 entries are
 * refused.
 *
 * <p>Memory: uncompressed rows are written straight into the RGB result (3 bytes a pixel); RLE adds one byte a
 * pixel for the indices.
 */
public final class BmpDecoder {
    private static final String FORMAT = "BMP";
    private static final int BI_RGB = 0;
    private static final int BI_RLE8 = 1;
    private static final int BI_RLE4 = 2;
    private static final int BI_BITFIELDS = 3;
    /** Byte offsets of R, G and B inside a 32-bit pixel, per supported mask layout. */
    private static final int[] BGR = {2, 1, 0};

    private final byte[] d;
    private final String source;

    private BmpDecoder(byte[] data, String source) {
        this.d = data;
        this.source = source;
    }

    /**
     * @param data a whole BMP file (its signature already recognised)
     * @param source the image, for messages
     * @param budget the decode budget and pixel cap
     * @return the RGB pixels
     * @throws ScoringException if the data is corrupt or truncated, or a variant Pillow does not read
     */
    public static DecodedImage decode(byte[] data, String source, DecodeBudget budget) {
        return new BmpDecoder(data, source).run(budget);
    }

    private DecodedImage run(DecodeBudget budget) {
        if (d.length < 18) {
            throw Decoding.corrupt(FORMAT, source, "the file ends inside its header");
        }
        long dataOffset = u32(10);
        int headerSize = (int) Math.min(u32(14), Integer.MAX_VALUE);
        if (headerSize != 12 && headerSize != 40 && headerSize != 64 && headerSize != 108 && headerSize != 124) {
            throw unsupported("header size " + headerSize + " (supported: 12, 40, 64, 108, 124)");
        }
        if (14L + headerSize > d.length) {
            throw Decoding.corrupt(FORMAT, source, "the file ends inside its " + headerSize + "-byte header");
        }
        long width;
        long height;
        boolean topDown = false;
        int bits;
        int compression = BI_RGB;
        long colours = 0;
        int paletteEntrySize = 4;
        int paletteOffset = 14 + headerSize;
        int[] masks = null;
        if (headerSize == 12) {
            width = u16(18);
            height = u16(20);
            bits = u16(24);
            paletteEntrySize = 3;
        } else {
            width = u32(18);
            topDown = (d[25] & 0xFF) == 0xFF;
            height = topDown ? (1L << 32) - u32(22) : u32(22);
            bits = u16(28);
            compression = (int) Math.min(u32(30), Integer.MAX_VALUE);
            colours = u32(46);
            if (compression == BI_BITFIELDS) {
                if (paletteOffset + (headerSize >= 56 ? 0 : 12) > d.length) {
                    throw Decoding.corrupt(FORMAT, source, "the file ends inside its colour masks");
                }
                // masks right after the 40-byte part; a 40-byte header has no alpha mask (Pillow ignores a 4th)
                masks = new int[] {(int) u32(54), (int) u32(58), (int) u32(62), headerSize >= 56 ? (int) u32(66) : 0};
                if (headerSize == 40) {
                    paletteOffset += 12;
                }
            }
        }
        if (colours == 0) {
            colours = 1L << Math.min(bits, 32);
        }
        if (dataOffset == 14L + headerSize && bits <= 8) {
            dataOffset += 4 * colours; // an offset that points at the palette: Pillow skips the palette's length
        }
        if (bits != 1 && bits != 4 && bits != 8 && bits != 16 && bits != 24 && bits != 32) {
            throw unsupported(bits + " bits a pixel (supported: 1, 4, 8, 16, 24, 32)");
        }
        int[] layout = null; // 16 bits: {5 or 6 green bits}; 24 and 32 bits: byte offsets of R, G, B
        if (compression == BI_BITFIELDS) {
            layout = bitfields(bits, masks);
        } else if (compression == BI_RGB) {
            layout = bits == 16 ? new int[] {5} : BGR;
        } else if (compression != BI_RLE8 && compression != BI_RLE4) {
            throw unsupported("compression " + compression + compressionName(compression)
                    + " (supported: none, RLE8, RLE4, bit fields)");
        }
        boolean rle = compression == BI_RLE8 || compression == BI_RLE4;
        byte[] lookup = null;
        int rawBits = bits;
        boolean bilevel = false;
        if (bits <= 8) {
            if (colours > 256) {
                throw unsupported("palette of " + colours + " entries (at most 256)");
            }
            int entries = (int) colours;
            if (paletteOffset + (long) entries * paletteEntrySize > d.length) {
                throw Decoding.corrupt(FORMAT, source, "the file ends inside its palette");
            }
            if (greyRamp(paletteOffset, entries, paletteEntrySize)) {
                // Pillow drops a grey palette and reads the samples as mode 1 or L, whatever the file's depth
                bilevel = entries == 2;
                rawBits = bilevel ? 1 : 8;
                if (rle && bilevel) {
                    throw unsupported("RLE with a black-and-white palette");
                }
            } else {
                lookup = palette(paletteOffset, entries, paletteEntrySize);
            }
        } else if (rle) {
            throw unsupported("RLE at " + bits + " bits a pixel (RLE is for 4- and 8-bit palettes)");
        }
        if (dataOffset == 0) {
            dataOffset = paletteOffset + (bits <= 8 ? colours * paletteEntrySize : 0); // Pillow: where it stopped
        }
        if (dataOffset >= d.length) {
            throw Decoding.corrupt(FORMAT, source, "the pixel data's offset " + dataOffset + " is past the end of the "
                    + "file (" + d.length + " bytes)");
        }
        long stride = ((width * bits + 31) >> 3) & ~3L;
        if (!rle) {
            if ((width * rawBits + 7) / 8 > stride) {
                throw unsupported(bits + "-bit data with the grey ramp 0.." + (colours - 1) + " as palette (Pillow "
                        + "unpacks them as " + rawBits + "-bit samples, which the rows are too short for)");
            }
            boolean beyond = stride > (Long.MAX_VALUE / 4) / Math.max(1, height); // no overflow below
            if (beyond || dataOffset + stride * height > d.length) {
                throw Decoding.corrupt(FORMAT, source, "the pixel data (" + height + " rows of " + stride
                        + " bytes from offset " + dataOffset + ") run past the end of the file (" + d.length
                        + " bytes)");
            }
        }
        long pixels = width * height;
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, FORMAT, source, width, height,
                (rle ? 4 : 3) * pixels)) {
            int w = (int) width;
            int h = (int) height;
            byte[] rgb = new byte[Math.toIntExact(3 * pixels)];
            if (rle) {
                byte[] indices = rleIndices((int) dataOffset, w, h, compression == BI_RLE4);
                expandIndices(indices, w, h, topDown, lookup, rgb);
            } else {
                for (int y = 0; y < h; y++) {
                    int row = Math.toIntExact(dataOffset + stride * (topDown ? y : h - 1 - y));
                    int o = 3 * w * y;
                    if (bits > 8) {
                        direct(row, w, bits, layout, rgb, o);
                    } else {
                        indexed(row, w, rawBits, bilevel, lookup, rgb, o);
                    }
                }
            }
            return new DecodedImage(w, h, reservation.keep(rgb));
        }
    }

    /** Pillow's supported {@code BI_BITFIELDS} layouts, as for {@code BI_RGB}. */
    private int[] bitfields(int bits, int[] m) {
        if (bits == 32) {
            if (m[1] == 0xFF00 && m[2] == 0xFF && (m[3] == 0 || m[3] == 0xFF000000) && m[0] == 0xFF0000
                    || m[0] == 0 && m[1] == 0 && m[2] == 0 && m[3] == 0) {
                return BGR; // BGRX, BGRA, and no masks at all (read as BGRA)
            }
            if (m[0] == 0xFF000000 && m[1] == 0xFF0000 && m[2] == 0xFF00 && (m[3] == 0 || m[3] == 0xFF)) {
                return new int[] {3, 2, 1}; // XBGR, ABGR
            }
            if (m[0] == 0xFF && m[1] == 0xFF00 && m[2] == 0xFF0000 && m[3] == 0xFF000000) {
                return new int[] {0, 1, 2}; // RGBA
            }
        } else if (bits == 24 && m[0] == 0xFF0000 && m[1] == 0xFF00 && m[2] == 0xFF) {
            return BGR;
        } else if (bits == 16 && m[2] == 0x1F && (m[0] == 0xF800 && m[1] == 0x7E0 || m[0] == 0x7C00 && m[1] == 0x3E0)) {
            return new int[] {m[1] == 0x7E0 ? 6 : 5};
        }
        throw unsupported(String.format("%d-bit colour masks R %X, G %X, B %X, A %X (supported: 5-5-5 and 5-6-5 "
                + "at 16 bits; 8-bit fields in the orders BGR, BGRA, XBGR, ABGR, RGBA)", bits, m[0], m[1], m[2], m[3]));
    }

    private void direct(int p, int w, int bits, int[] layout, byte[] rgb, int o) {
        if (bits == 16) {
            boolean green6 = layout[0] == 6;
            for (int x = 0; x < w; x++, p += 2, o += 3) {
                int v = (d[p] & 0xFF) | (d[p + 1] & 0xFF) << 8;
                if (green6) {
                    rgb[o] = (byte) ((v >> 11 & 31) * 255 / 31);
                    rgb[o + 1] = (byte) ((v >> 5 & 63) * 255 / 63);
                } else {
                    rgb[o] = (byte) ((v >> 10 & 31) * 255 / 31);
                    rgb[o + 1] = (byte) ((v >> 5 & 31) * 255 / 31);
                }
                rgb[o + 2] = (byte) ((v & 31) * 255 / 31);
            }
            return;
        }
        int step = bits / 8;
        int r = layout[0];
        int g = layout[1];
        int b = layout[2];
        for (int x = 0; x < w; x++, p += step, o += 3) {
            rgb[o] = d[p + r];
            rgb[o + 1] = d[p + g];
            rgb[o + 2] = d[p + b];
        }
    }

    /** Samples of {@code rawBits} (1, 4 or 8), high bits first, through the palette, or as grey. */
    private void indexed(int p, int w, int rawBits, boolean bilevel, byte[] lookup, byte[] rgb, int o) {
        int mask = (1 << rawBits) - 1;
        for (int x = 0; x < w; x++, o += 3) {
            int bit = x * rawBits;
            int v = (d[p + (bit >> 3)] & 0xFF) >> (8 - rawBits - (bit & 7)) & mask;
            if (lookup != null) {
                rgb[o] = lookup[3 * v];
                rgb[o + 1] = lookup[3 * v + 1];
                rgb[o + 2] = lookup[3 * v + 2];
            } else {
                byte grey = (byte) (bilevel ? (v == 0 ? 0 : 255) : v);
                rgb[o] = grey;
                rgb[o + 1] = grey;
                rgb[o + 2] = grey;
            }
        }
    }

    /** The indices of an RLE stream in stored row order, walked as Pillow 9.4's {@code BmpRleDecoder} walks it. */
    private byte[] rleIndices(int pos, int w, int h, boolean four) {
        long total = (long) w * h;
        byte[] out = new byte[(int) total];
        long n = 0; // indices produced so far; those past the image are dropped, as Pillow's raw unpacking drops them
        long x = 0;
        while (n < total) {
            if (pos + 2 > d.length) {
                break;
            }
            int count = d[pos] & 0xFF;
            int value = d[pos + 1] & 0xFF;
            pos += 2;
            if (count > 0) {
                if (x + count > w) {
                    count = (int) Math.max(0, w - x);
                }
                for (int i = 0; i < count; i++) {
                    put(out, n++, four ? ((i & 1) == 0 ? value >> 4 : value & 15) : value);
                }
                x += count;
            } else if (value == 0) {
                n = (n + w - 1) / w * w; // end of line: the rest of the row is index 0
                x = 0;
            } else if (value == 1) {
                break;
            } else if (value == 2) {
                if (pos + 2 > d.length) {
                    break;
                }
                pos += 2; // Pillow 9.4 reads the delta's offsets from the next two bytes, not these
                if (pos + 2 > d.length) {
                    throw Decoding.corrupt(FORMAT, source, "the file ends inside an RLE delta");
                }
                n += (d[pos] & 0xFF) + (long) (d[pos + 1] & 0xFF) * w;
                pos += 2;
                x = n % w;
            } else {
                int bytes = four ? value / 2 : value;
                int available = Math.min(bytes, d.length - pos);
                for (int i = 0; i < available; i++) {
                    int b = d[pos + i] & 0xFF;
                    if (four) {
                        put(out, n++, b >> 4);
                        put(out, n++, b & 15);
                    } else {
                        put(out, n++, b);
                    }
                }
                pos += available;
                if (available < bytes) {
                    break;
                }
                x += value;
                if ((pos & 1) != 0) {
                    pos++; // word alignment by the position in the file
                }
            }
        }
        if (n < total) {
            throw Decoding.corrupt(FORMAT, source, "the RLE data end after " + n + " of " + total + " pixels");
        }
        return out;
    }

    private static void put(byte[] out, long n, int value) {
        if (n < out.length) {
            out[(int) n] = (byte) value;
        }
    }

    private static void expandIndices(byte[] indices, int w, int h, boolean topDown, byte[] lookup, byte[] rgb) {
        for (int y = 0; y < h; y++) {
            int i = w * (topDown ? y : h - 1 - y);
            for (int x = 0, o = 3 * w * y; x < w; x++, o += 3) {
                int v = indices[i + x] & 0xFF;
                if (lookup != null) {
                    rgb[o] = lookup[3 * v];
                    rgb[o + 1] = lookup[3 * v + 1];
                    rgb[o + 2] = lookup[3 * v + 2];
                } else {
                    rgb[o] = (byte) v;
                    rgb[o + 1] = (byte) v;
                    rgb[o + 2] = (byte) v;
                }
            }
        }
    }

    /** Pillow's test: two entries black then white, or every entry i equal to (i, i, i). */
    private boolean greyRamp(int at, int entries, int entrySize) {
        for (int i = 0; i < entries; i++) {
            int expected = entries == 2 ? i * 255 : i & 0xFF;
            int p = at + i * entrySize;
            if ((d[p] & 0xFF) != expected || (d[p + 1] & 0xFF) != expected || (d[p + 2] & 0xFF) != expected) {
                return false;
            }
        }
        return true;
    }

    /** 256 RGB entries: the file's (stored B, G, R), then the grey ramp that Pillow's palettes start as. */
    private byte[] palette(int at, int entries, int entrySize) {
        byte[] lookup = new byte[3 * 256];
        for (int i = 0; i < 256; i++) {
            int p = at + i * entrySize;
            boolean stored = i < entries;
            lookup[3 * i] = stored ? d[p + 2] : (byte) i;
            lookup[3 * i + 1] = stored ? d[p + 1] : (byte) i;
            lookup[3 * i + 2] = stored ? d[p] : (byte) i;
        }
        return lookup;
    }

    private static String compressionName(int compression) {
        return switch (compression) {
            case 4 -> " (embedded JPEG)";
            case 5 -> " (embedded PNG)";
            case 6 -> " (bit fields with alpha)";
            default -> "";
        };
    }

    private ScoringException unsupported(String variant) {
        return new ScoringException("cannot decode " + source + ": BMP " + variant + " is not supported, as Pillow "
                + "does not read it either: convert it to PNG");
    }

    private int u16(int at) {
        return (d[at] & 0xFF) | (d[at + 1] & 0xFF) << 8;
    }

    private long u32(int at) {
        if (at + 4 > d.length) {
            throw Decoding.corrupt(FORMAT, source, "the file ends inside its header");
        }
        return (d[at] & 0xFFL) | (d[at + 1] & 0xFFL) << 8 | (d[at + 2] & 0xFFL) << 16 | (d[at + 3] & 0xFFL) << 24;
    }
}
