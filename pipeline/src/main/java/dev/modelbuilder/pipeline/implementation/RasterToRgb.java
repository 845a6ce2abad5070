package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.exception.ScoringException;

import java.awt.color.ColorSpace;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.util.Arrays;

/**
 * Converts samples that an ImageIO reader decoded (or an image in memory holds) to RGB by Pillow's rules:
 * <ul>
 *   <li>grey replicated to R = G = B; 16-bit grey clipped at 255 (Pillow's modes {@code I} and {@code I;16});
 *       other sample sizes: 8 bits as is, more keep the high byte, fewer scale up;</li>
 *   <li>palette through its entries, an index past them grey (i, i, i);</li>
 *   <li>CMYK naively, as Pillow's {@code cmyk2rgb}: {@code R = 255 − K − C·(255 − K)/255} rounded as Pillow rounds;
 *       </li>
 *   <li>alpha dropped, never composited.</li>
 * </ul>
 */
public final class RasterToRgb {
    private RasterToRgb() {
    }

    /**
     * Converts decoded samples to RGB by the rules above.
     *
     * @param raster the samples
     * @param cm their colour model
     * @param source the image, for messages
     * @return {@code width * height * 3} bytes
     * @throws ScoringException if the colour model is none of grey, RGB, palette or CMYK
     */
    public static byte[] convert(Raster raster, ColorModel cm, String source) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        if (w < 1 || h < 1) {
            throw new ScoringException("image " + source + " is empty (" + w + "x" + h + ")");
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (cm instanceof IndexColorModel icm) {
            expandPalette(raster, icm, out);
            return out;
        }
        int colours = cm.getNumColorComponents();
        int spaceType = cm.getColorSpace().getType();
        boolean grey = colours == 1 && spaceType == ColorSpace.TYPE_GRAY;
        boolean rgb = colours == 3 && spaceType == ColorSpace.TYPE_RGB;
        boolean cmyk = colours == 4 && spaceType == ColorSpace.TYPE_CMYK;
        if (!grey && !rgb && !cmyk) {
            throw new ScoringException("image " + source + " uses an unsupported colour model with " + colours
                    + " colour components (colour space type " + spaceType + "); grey, RGB, palette and CMYK images "
                    + "are supported");
        }
        if (raster.getNumBands() < colours) {
            throw new ScoringException("image " + source + " has " + raster.getNumBands() + " bands, expected at least "
                    + colours);
        }
        if (cmyk) {
            copyCmyk(raster, out);
        } else if (!copyBytes(raster, grey, out) && !copyPackedInts(raster, grey, out)) {
            copyGeneric(raster, grey, out);
        }
        return out;
    }

    /** Fast path: 8-bit samples in one byte array (JPEG, TIFF, images in memory). */
    private static boolean copyBytes(Raster raster, boolean grey, byte[] out) {
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (!(db instanceof DataBufferByte) || !(sm instanceof ComponentSampleModel csm) || db.getNumBanks() != 1) {
            return false;
        }
        int bands = grey ? 1 : 3;
        int[] offsets = csm.getBandOffsets();
        int[] banks = csm.getBankIndices();
        for (int b = 0; b < bands; b++) {
            if (csm.getSampleSize(b) != 8 || banks[b] != 0) {
                return false;
            }
        }
        byte[] data = ((DataBufferByte) db).getData();
        int pixelStride = csm.getPixelStride();
        int scanline = csm.getScanlineStride();
        int base = db.getOffset() + (raster.getMinY() - raster.getSampleModelTranslateY()) * scanline
                + (raster.getMinX() - raster.getSampleModelTranslateX()) * pixelStride;
        int w = raster.getWidth();
        int h = raster.getHeight();
        int o = 0;
        if (grey) {
            int g = offsets[0];
            for (int y = 0; y < h; y++) {
                int p = base + y * scanline + g;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    byte v = data[p];
                    out[o++] = v;
                    out[o++] = v;
                    out[o++] = v;
                }
            }
        } else {
            int r = offsets[0];
            int g = offsets[1];
            int b = offsets[2];
            for (int y = 0; y < h; y++) {
                int p = base + y * scanline;
                for (int x = 0; x < w; x++, p += pixelStride) {
                    out[o++] = data[p + r];
                    out[o++] = data[p + g];
                    out[o++] = data[p + b];
                }
            }
        }
        return true;
    }

    /** Fast path: 8-bit samples packed in ints ({@code TYPE_INT_RGB}, {@code TYPE_INT_ARGB}, ...). */
    private static boolean copyPackedInts(Raster raster, boolean grey, byte[] out) {
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (grey || !(db instanceof DataBufferInt) || !(sm instanceof SinglePixelPackedSampleModel sp)
                || db.getNumBanks() != 1) {
            return false;
        }
        int[] shifts = sp.getBitOffsets();
        int[] masks = sp.getBitMasks();
        for (int b = 0; b < 3; b++) {
            if (sp.getSampleSize(b) != 8) {
                return false;
            }
        }
        int[] data = ((DataBufferInt) db).getData();
        int scanline = sp.getScanlineStride();
        int base = db.getOffset() + (raster.getMinY() - raster.getSampleModelTranslateY()) * scanline
                + (raster.getMinX() - raster.getSampleModelTranslateX());
        int w = raster.getWidth();
        int h = raster.getHeight();
        int o = 0;
        for (int y = 0; y < h; y++) {
            int p = base + y * scanline;
            for (int x = 0; x < w; x++) {
                int v = data[p + x];
                out[o++] = (byte) ((v & masks[0]) >>> shifts[0]);
                out[o++] = (byte) ((v & masks[1]) >>> shifts[1]);
                out[o++] = (byte) ((v & masks[2]) >>> shifts[2]);
            }
        }
        return true;
    }

    /** Any other layout: sample by sample, to 8 bits by the rules above. */
    private static void copyGeneric(Raster raster, boolean grey, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        int bands = grey ? 1 : 3;
        int[][] rows = new int[bands][w];
        int[] bits = new int[bands];
        for (int b = 0; b < bands; b++) {
            bits[b] = raster.getSampleModel().getSampleSize(b);
        }
        int o = 0;
        for (int y = 0; y < h; y++) {
            for (int b = 0; b < bands; b++) {
                raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, b, rows[b]);
            }
            for (int x = 0; x < w; x++) {
                if (grey) {
                    // Pillow holds 16-bit grey as an integer mode, and its conversion to RGB clips at 255
                    byte v = bits[0] == 16 ? (byte) Math.min(255, rows[0][x]) : to8(rows[0][x], bits[0]);
                    out[o++] = v;
                    out[o++] = v;
                    out[o++] = v;
                } else {
                    out[o++] = to8(rows[0][x], bits[0]);
                    out[o++] = to8(rows[1][x], bits[1]);
                    out[o++] = to8(rows[2][x], bits[2]);
                }
            }
        }
    }

    /** 8 bits as is; more bits keep the high byte; fewer bits scale up ({@code v * 255 / max}, truncating). */
    private static byte to8(int v, int bits) {
        if (bits == 8) {
            return (byte) v;
        }
        if (bits > 8) {
            return (byte) (v >>> (bits - 8));
        }
        int max = (1 << bits) - 1;
        return (byte) (v * 255 / max);
    }

    /** Pillow's cmyk2rgb: {@code nk = 255 - k; out = nk - round(c * nk / 255)} with its 8-bit rounding. */
    private static void copyCmyk(Raster raster, byte[] out) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        SampleModel sm = raster.getSampleModel();
        DataBuffer db = raster.getDataBuffer();
        if (db instanceof DataBufferByte bytes && sm instanceof ComponentSampleModel csm && db.getNumBanks() == 1
                && csm.getPixelStride() == 4 && Arrays.equals(csm.getBandOffsets(), new int[] {0, 1, 2, 3})
                && raster.getMinX() == raster.getSampleModelTranslateX()
                && raster.getMinY() == raster.getSampleModelTranslateY()) {
            // the JPEG and TIFF readers' interleaved CMYK bytes: straight from the array, no per-row int copies
            byte[] data = bytes.getData();
            int scanline = csm.getScanlineStride();
            int o = 0;
            for (int y = 0; y < h; y++) {
                for (int x = 0, p = db.getOffset() + y * scanline; x < w; x++, p += 4) {
                    int nk = 255 - (data[p + 3] & 0xFF);
                    out[o++] = (byte) Math.max(0, nk - mulDiv255(data[p] & 0xFF, nk));
                    out[o++] = (byte) Math.max(0, nk - mulDiv255(data[p + 1] & 0xFF, nk));
                    out[o++] = (byte) Math.max(0, nk - mulDiv255(data[p + 2] & 0xFF, nk));
                }
            }
            return;
        }
        int[] row = new int[4 * w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getPixels(raster.getMinX(), raster.getMinY() + y, w, 1, row);
            for (int x = 0, p = 0; x < w; x++, p += 4) {
                int nk = 255 - (row[p + 3] & 0xFF);
                out[o++] = (byte) Math.max(0, nk - mulDiv255(row[p] & 0xFF, nk));
                out[o++] = (byte) Math.max(0, nk - mulDiv255(row[p + 1] & 0xFF, nk));
                out[o++] = (byte) Math.max(0, nk - mulDiv255(row[p + 2] & 0xFF, nk));
            }
        }
    }

    /** Pillow's MULDIV255: a * b / 255, rounded, in integers. */
    private static int mulDiv255(int a, int b) {
        int t = a * b + 128;
        return ((t >> 8) + t) >> 8;
    }

    private static void expandPalette(Raster raster, IndexColorModel icm, byte[] out) {
        int size = Math.min(icm.getMapSize(), 256);
        byte[] r = new byte[icm.getMapSize()];
        byte[] g = new byte[icm.getMapSize()];
        byte[] b = new byte[icm.getMapSize()];
        icm.getReds(r);
        icm.getGreens(g);
        icm.getBlues(b);
        // past the map: grey (i, i, i), as Pillow's palettes start as a grey ramp
        byte[] lookup = greyRamp();
        for (int i = 0; i < size; i++) {
            lookup[3 * i] = r[i];
            lookup[3 * i + 1] = g[i];
            lookup[3 * i + 2] = b[i];
        }
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = (row[x] & 0xFF) * 3;
                out[o++] = lookup[i];
                out[o++] = lookup[i + 1];
                out[o++] = lookup[i + 2];
            }
        }
    }

    /** @return 256 RGB entries (i, i, i): Pillow's palettes start as this ramp */
    static byte[] greyRamp() {
        byte[] p = new byte[256 * 3];
        for (int i = 0; i < 256; i++) {
            p[3 * i] = (byte) i;
            p[3 * i + 1] = (byte) i;
            p[3 * i + 2] = (byte) i;
        }
        return p;
    }

    /** Indices (their low 8 bits) through a 256-entry RGB palette. */
    static byte[] throughPalette(Raster raster, byte[] palette) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = (row[x] & 0xFF) * 3;
                out[o++] = palette[i];
                out[o++] = palette[i + 1];
                out[o++] = palette[i + 2];
            }
        }
        return out;
    }
}
