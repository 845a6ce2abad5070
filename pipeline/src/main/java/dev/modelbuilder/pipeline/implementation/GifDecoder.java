package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.exception.ScoringException;

/**
 * Decodes a GIF's first frame as Pillow 9.4 shows it: on a canvas the size of the logical screen (grown to hold a
 * frame that reaches past it), filled with the frame's transparency index when its graphic control extension has
 * one and with index 0 otherwise (not the background colour index), the frame pasted at its offset, every pixel
 * then looked up in the frame's colour table (the local one, else the global one; an index past the table's
 * entries, or any index when there is no table, is the grey (i, i, i)). A stream that ends, or that holds an
 * end-of-information code, before the frame's last pixel is refused as truncated, as Pillow refuses it.
 *
 * <p>Memory: the canvas's indices are decoded into the last third of the RGB result and expanded forwards in place,
 * so a decode holds 3 bytes a canvas pixel and the 16 KiB code table.
 */
public final class GifDecoder {
    private static final String FORMAT = "GIF";
    private static final int MAX_CODES = 4096;

    private final byte[] d;
    private final String source;

    private GifDecoder(byte[] data, String source) {
        this.d = data;
        this.source = source;
    }

    /**
     * @param data a whole GIF file (its signature already recognised)
     * @param source the image, for messages
     * @param budget the decode budget and pixel cap
     * @return the RGB pixels of the first frame on its canvas
     * @throws ScoringException if the data is corrupt or truncated, or the canvas is too large
     */
    public static DecodedImage decode(byte[] data, String source, DecodeBudget budget) {
        return new GifDecoder(data, source).run(budget);
    }

    private DecodedImage run(DecodeBudget budget) {
        int n = d.length;
        if (n < 13) {
            throw Decoding.corrupt(FORMAT, source, "the file ends inside its header");
        }
        int screenWidth = u16(6);
        int screenHeight = u16(8);
        int flags = d[10] & 0xFF;
        int pos = 13;
        int globalTable = -1;
        int globalEntries = 0;
        if ((flags & 0x80) != 0) {
            globalEntries = 2 << (flags & 7);
            globalTable = pos;
            pos += 3 * globalEntries;
        }
        int transparency = -1;
        while (true) {
            if (pos >= n) {
                throw Decoding.corrupt(FORMAT, source, "the file ends before its first frame");
            }
            int block = d[pos] & 0xFF;
            if (block == 0x3B) {
                throw Decoding.corrupt(FORMAT, source, "no frame before the trailer");
            } else if (block == 0x21) {
                if (pos + 1 >= n) {
                    throw Decoding.corrupt(FORMAT, source, "the file ends inside an extension");
                }
                if ((d[pos + 1] & 0xFF) == 0xF9 && pos + 6 < n && (d[pos + 2] & 0xFF) >= 4) {
                    // graphic control extension: the last one before the frame decides
                    transparency = (d[pos + 3] & 1) != 0 ? d[pos + 6] & 0xFF : -1;
                }
                pos = skipSubBlocks(pos + 2);
            } else if (block == 0x2C) {
                break;
            } else {
                pos++; // Pillow skips stray bytes between blocks
            }
        }
        if (pos + 10 > n) {
            throw Decoding.corrupt(FORMAT, source, "the file ends inside the first frame's descriptor");
        }
        int x = u16(pos + 1);
        int y = u16(pos + 3);
        int w = u16(pos + 5);
        int h = u16(pos + 7);
        int frameFlags = d[pos + 9] & 0xFF;
        pos += 10;
        int table = globalTable;
        int entries = globalEntries;
        if ((frameFlags & 0x80) != 0) {
            entries = 2 << (frameFlags & 7);
            table = pos;
            pos += 3 * entries;
        }
        if (table >= 0 && table + 3 * entries > n) {
            throw Decoding.corrupt(FORMAT, source, "the file ends inside a colour table");
        }
        if (pos >= n) {
            throw Decoding.corrupt(FORMAT, source, "the file ends before the first frame's image data");
        }
        int minCodeSize = d[pos++] & 0xFF;
        if (minCodeSize < 1 || minCodeSize > 11) {
            throw Decoding.corrupt(FORMAT, source, "LZW minimum code size " + minCodeSize + " (1 to 11 allowed)");
        }
        int canvasWidth = Math.max(screenWidth, x + w);
        int canvasHeight = Math.max(screenHeight, y + h);
        long pixels = (long) canvasWidth * canvasHeight;
        // the result (indices live in its last third until expanded) and the code table
        long peak = 3 * pixels + 4L * MAX_CODES + MAX_CODES;
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, FORMAT, source, canvasWidth,
                canvasHeight, peak)) {
            byte[] rgb = new byte[Math.toIntExact(3 * pixels)];
            int base = (int) (2 * pixels);
            java.util.Arrays.fill(rgb, base, rgb.length, (byte) (transparency >= 0 ? transparency : 0));
            if (w > 0 && h > 0) {
                new Lzw(pos, minCodeSize).decode(rgb, base, canvasWidth, x, y, w, h, (frameFlags & 0x40) != 0);
            }
            byte[] lookup = colours(table, entries);
            for (int i = 0, o = 0; i < pixels; i++, o += 3) {
                // forwards in place: pixel i's index sits at base + i, at or after the bytes written so far
                int v = (rgb[base + i] & 0xFF) * 3;
                rgb[o] = lookup[v];
                rgb[o + 1] = lookup[v + 1];
                rgb[o + 2] = lookup[v + 2];
            }
            return new DecodedImage(canvasWidth, canvasHeight, reservation.keep(rgb));
        }
    }

    /** The 256 colours of a frame: a grey ramp with the colour table's entries over its start. */
    private byte[] colours(int table, int entries) {
        byte[] lookup = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            lookup[3 * i] = (byte) i;
            lookup[3 * i + 1] = (byte) i;
            lookup[3 * i + 2] = (byte) i;
        }
        if (table >= 0) {
            System.arraycopy(d, table, lookup, 0, 3 * entries);
        }
        return lookup;
    }

    private int skipSubBlocks(int pos) {
        while (true) {
            if (pos >= d.length) {
                throw Decoding.corrupt(FORMAT, source, "the file ends inside an extension's data");
            }
            int size = d[pos] & 0xFF;
            pos += 1 + size;
            if (size == 0) {
                return pos;
            }
        }
    }

    private int u16(int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8);
    }

    /** GIF's variable-width LZW over the frame's data sub-blocks. */
    private final class Lzw {
        private final int minCodeSize;
        private int block; // position of the current sub-block's size byte
        private int blockEnd; // end of the current sub-block's data
        private int next; // next byte to read
        private boolean ended;
        private int bits;
        private int bitCount;

        Lzw(int firstBlock, int minCodeSize) {
            this.minCodeSize = minCodeSize;
            this.block = firstBlock;
            this.next = firstBlock;
            this.blockEnd = firstBlock;
        }

        /** The next code, or -1 when the data ends. */
        private int read(int width) {
            while (bitCount < width) {
                if (next >= blockEnd) {
                    if (ended || !nextBlock()) {
                        return -1;
                    }
                    continue;
                }
                bits |= (d[next++] & 0xFF) << bitCount;
                bitCount += 8;
            }
            int code = bits & ((1 << width) - 1);
            bits >>>= width;
            bitCount -= width;
            return code;
        }

        private boolean nextBlock() {
            block = blockEnd;
            if (block >= d.length) {
                ended = true;
                return false;
            }
            int size = d[block] & 0xFF;
            if (size == 0) {
                ended = true;
                return false;
            }
            next = block + 1;
            blockEnd = Math.min(d.length, next + size);
            return next < blockEnd;
        }

        void decode(byte[] out, int base, int canvasWidth, int x0, int y0, int w, int h, boolean interlaced) {
            short[] prefix = new short[MAX_CODES];
            byte[] suffix = new byte[MAX_CODES];
            byte[] first = new byte[MAX_CODES];
            byte[] stack = new byte[MAX_CODES];
            int clear = 1 << minCodeSize;
            int end = clear + 1;
            for (int i = 0; i < clear; i++) {
                suffix[i] = (byte) i;
                first[i] = (byte) i;
            }
            int width = minCodeSize + 1;
            int available = clear + 2;
            int previous = -1;
            long total = (long) w * h;
            long done = 0;
            int column = 0;
            int row = 0;
            int pass = 0;
            int rowStep = interlaced ? 8 : 1;
            int rowAt = base + ((y0) * canvasWidth) + x0;
            while (done < total) {
                int code = read(width);
                if (code < 0 || code == end) {
                    throw Decoding.corrupt(FORMAT, source, "the image data ends after " + done + " of " + total
                            + " pixels (the image is truncated)");
                }
                if (code == clear) {
                    width = minCodeSize + 1;
                    available = clear + 2;
                    previous = -1;
                    continue;
                }
                int length;
                if (previous < 0) {
                    if (code > clear) {
                        throw Decoding.corrupt(FORMAT, source, "LZW code " + code + " before any string");
                    }
                    stack[0] = (byte) code;
                    length = 1;
                } else {
                    int c;
                    byte head;
                    if (code < available) {
                        c = code;
                        head = first[code];
                    } else if (code == available) {
                        c = previous;
                        head = first[previous];
                    } else {
                        throw Decoding.corrupt(FORMAT, source, "LZW code " + code + " beyond the table of "
                                + available + " (broken data stream)");
                    }
                    int stringLength = 0;
                    for (int k = c; ; k = prefix[k]) {
                        stringLength++;
                        if (k < clear) {
                            break;
                        }
                    }
                    length = stringLength + (code == available ? 1 : 0);
                    int p = stringLength - 1;
                    for (int k = c; ; k = prefix[k]) {
                        stack[p--] = suffix[k];
                        if (k < clear) {
                            break;
                        }
                    }
                    if (code == available) {
                        stack[length - 1] = head;
                    }
                    if (available < MAX_CODES) {
                        prefix[available] = (short) previous;
                        suffix[available] = head;
                        first[available] = first[previous];
                        available++;
                        if (available == 1 << width && width < 12) {
                            width++;
                        }
                    }
                }
                previous = code;
                for (int i = 0; i < length && done < total; i++, done++) {
                    out[rowAt + column] = stack[i];
                    if (++column == w) {
                        column = 0;
                        row += rowStep;
                        while (interlaced && row >= h && pass < 3) {
                            pass++;
                            row = pass == 1 ? 4 : pass == 2 ? 2 : 1;
                            rowStep = pass == 1 ? 8 : pass == 2 ? 4 : 2;
                        }
                        rowAt = base + (y0 + row) * canvasWidth + x0;
                    }
                }
            }
        }
    }
}
