package dev.modelbuilder.core.dataset;

import java.util.HashMap;
import java.util.Map;

/**
 * {@link ImageProbe}'s reading of a TIFF: the first page's directory, its size, whether its variant is one the decoder
 * reads exactly as Pillow does ({@link TiffVariant}), and that every strip or tile lies inside the file.
 */
final class TiffDirectory {
    private TiffDirectory() {
    }

    /** TIFF tags the probe reads. */
    private static final int WIDTH = 256;
    private static final int LENGTH = 257;
    private static final int BITS = 258;
    private static final int COMPRESSION = 259;
    private static final int PHOTOMETRIC = 262;
    private static final int STRIP_OFFSETS = 273;
    private static final int SAMPLES = 277;
    private static final int STRIP_COUNTS = 279;
    private static final int PREDICTOR = 317;
    private static final int TILE_OFFSETS = 324;
    private static final int TILE_COUNTS = 325;
    private static final int SAMPLE_FORMAT = 339;
    private static final int COLOR_MAP = 320;
    private static final int EXTRA_SAMPLES = 338;

    /**
     * Reads the first page's directory: its size, and whether its variant is one the decoder reads exactly as
     * Pillow does (the message names the variant when not), and that every strip or tile lies inside the file.
     */
    static ImageInfo probe(byte[] d) {
        int n = d.length;
        if (n < 8) {
            throw ImageProbe.truncated("TIFF", "its header");
        }
        boolean little = d[0] == 'I';
        long ifd = u32(d, 4, little);
        if (ifd < 8 || ifd + 2 > n) {
            throw ImageProbe.truncated("TIFF", "its first directory (at byte " + ifd + ")");
        }
        int entries = u16(d, (int) ifd, little);
        if (ifd + 2 + 12L * entries > n) {
            throw ImageProbe.truncated("TIFF", "the end of its first directory");
        }
        Map<Integer, long[]> tags = new HashMap<>();
        for (int i = 0; i < entries; i++) {
            int e = (int) ifd + 2 + 12 * i;
            int tag = u16(d, e, little);
            if (tag == WIDTH || tag == LENGTH || tag == BITS || tag == COMPRESSION || tag == PHOTOMETRIC
                    || tag == STRIP_OFFSETS || tag == SAMPLES || tag == STRIP_COUNTS || tag == PREDICTOR
                    || tag == TILE_OFFSETS || tag == TILE_COUNTS || tag == SAMPLE_FORMAT || tag == COLOR_MAP
                    || tag == EXTRA_SAMPLES) {
                tags.put(tag, tiffValues(d, e, little));
            }
        }
        long width = first(tags, WIDTH, -1);
        long height = first(tags, LENGTH, -1);
        if (width < 1 || height < 1 || width > Integer.MAX_VALUE || height > Integer.MAX_VALUE) {
            throw new ImageProbe.ProbeFailure("corrupt TIFF: size " + width + "x" + height, true);
        }
        String variant = TiffVariant.unsupported(first(tags, PHOTOMETRIC, -1), first(tags, SAMPLES, 1),
                tags.getOrDefault(BITS, new long[] {1}), first(tags, COMPRESSION, 1), first(tags, PREDICTOR, 1),
                first(tags, SAMPLE_FORMAT, 1));
        if (variant != null) {
            throw new ImageProbe.ProbeFailure(variant, true);
        }
        for (long extra : tags.getOrDefault(EXTRA_SAMPLES, new long[0])) {
            if (extra == 1) {
                // Pillow divides such samples by their alpha; no fixture shows it matched, so it is refused
                throw new ImageProbe.ProbeFailure("TIFF with premultiplied (associated) alpha is not supported: convert it to PNG",
                        true);
            }
        }
        if (first(tags, PHOTOMETRIC, -1) == 3 && (!tags.containsKey(COLOR_MAP) || tags.get(COLOR_MAP).length < 3)) {
            throw new ImageProbe.ProbeFailure("corrupt TIFF: a palette image without its colour map", true);
        }
        long[] offsets = tags.containsKey(TILE_OFFSETS) ? tags.get(TILE_OFFSETS) : tags.get(STRIP_OFFSETS);
        long[] counts = tags.containsKey(TILE_OFFSETS) ? tags.get(TILE_COUNTS) : tags.get(STRIP_COUNTS);
        if (offsets == null || counts == null || offsets.length != counts.length) {
            throw new ImageProbe.ProbeFailure("corrupt TIFF: the strip or tile offsets and byte counts are missing or disagree",
                    true);
        }
        for (int i = 0; i < offsets.length; i++) {
            if (offsets[i] + counts[i] > n) {
                throw ImageProbe.truncated("TIFF", "the end of strip or tile " + i);
            }
        }
        return new ImageInfo(ImageFormat.TIFF, (int) width, (int) height);
    }

    /** The values of one directory entry (BYTE, SHORT or LONG), inline or at their offset; empty for other types. */
    private static long[] tiffValues(byte[] d, int entry, boolean little) {
        int type = u16(d, entry + 2, little);
        long count = u32(d, entry + 4, little);
        int size = type == 1 ? 1 : type == 3 ? 2 : type == 4 ? 4 : 0;
        if (size == 0) {
            return new long[0];
        }
        if (count > d.length / size) {
            throw new ImageProbe.ProbeFailure("corrupt TIFF: tag " + u16(d, entry, little) + " declares " + count
                    + " values, more than the file holds", true);
        }
        long at = count * size <= 4 ? entry + 8 : u32(d, entry + 8, little);
        if (at + count * size > d.length) {
            throw ImageProbe.truncated("TIFF", "the values of tag " + u16(d, entry, little));
        }
        long[] out = new long[(int) count];
        for (int i = 0; i < count; i++) {
            int p = (int) at + i * size;
            out[i] = size == 1 ? d[p] & 0xFF : size == 2 ? u16(d, p, little) : u32(d, p, little);
        }
        return out;
    }

    private static long first(Map<Integer, long[]> tags, int tag, long otherwise) {
        long[] v = tags.get(tag);
        return v == null || v.length == 0 ? otherwise : v[0];
    }

    private static int u16(byte[] d, int p, boolean little) {
        return little ? ImageProbe.u16le(d, p) : ImageProbe.u16be(d, p);
    }

    private static long u32(byte[] d, int p, boolean little) {
        return little ? ImageProbe.u32le(d, p) : ImageProbe.u32be(d, p);
    }
}
