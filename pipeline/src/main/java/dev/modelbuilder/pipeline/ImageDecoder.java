package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.implementation.ByteArrayImageInputStream;

import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentSampleModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.DataBufferInt;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.SinglePixelPackedSampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.spi.ImageReaderSpi;

/**
 * Decodes JPEG, PNG, BMP and GIF images into {@link RgbImage}s with the pixel values as stored in the file, the way
 * Pillow's {@code Image.open(f).convert("RGB")} does (which is what Azure AutoML and torchvision train with).
 *
 * <pre>{@code
 * RgbImage a = ImageDecoder.decode(Path.of("tulip.jpg"));
 * RgbImage b = ImageDecoder.decode(requestBodyBytes);
 * }</pre>
 *
 * <p>Rules: no colour management (an embedded ICC profile is ignored; ImageIO's JPEG reader would otherwise convert
 * Adobe RGB photos); grey is replicated to R = G = B from the raw samples (not through a linear colour space);
 * palette images are expanded through their palette; alpha is dropped, never composited; GIFs give their first
 * frame; 16-bit samples keep their high byte. Truncated or corrupt data and formats other than the four above are
 * refused with a {@link ScoringException} naming the source and the problem. Stateless and thread-safe.
 */
public final class ImageDecoder {
    /** Like Pillow's decompression-bomb limit: twice its warning threshold of 89,478,485 pixels. */
    static final long MAX_PIXELS = 2L * 89_478_485L;

    /** How much of an encoded image is read at most unless told otherwise: 256 MiB. */
    public static final long DEFAULT_MAX_ENCODED_BYTES = 256L << 20;

    private static final String SUPPORTED = "supported formats: JPEG, PNG, BMP, GIF";
    private static final Map<ImageFormat, ImageReaderSpi> READERS =
            new EnumMap<>(ImageFormat.class);

    private ImageDecoder() {
    }

    /**
     * Loads the readers of the common formats (ImageIO's plugin registry, the JPEG and PNG readers and their native
     * code) ahead of the first decode, so that a process's first image does not pay for it. Optional, safe from any
     * thread; a reader that cannot be loaded is reported by the decode that needs it.
     */
    public static void warmUp() {
        for (ImageFormat format : List.of(ImageFormat.JPEG, ImageFormat.PNG)) {
            try {
                readerSpi(format).createReaderInstance().dispose();
            } catch (IOException | RuntimeException e) {
                // decode reports it, with the image it was reading
            }
        }
    }

    /** @return the formats {@link #decode} reads: JPEG, PNG, BMP, GIF */
    public static List<String> supportedFormats() {
        return List.of("JPEG", "PNG", "BMP", "GIF");
    }

    /**
     * @param file an image file
     * @return the decoded pixels
     * @throws ScoringException if the file cannot be read, is not a supported format, or is corrupt or truncated;
     *     the message names the file
     * @throws NullPointerException if {@code file} is null
     */
    public static RgbImage decode(Path file) {
        return decode(file, DEFAULT_MAX_ENCODED_BYTES);
    }

    /**
     * Checks the format from the file's first bytes and its size from the file system before reading it, and reads
     * at most {@code maxBytes}.
     *
     * @param file an image file
     * @param maxBytes the largest file that is read
     * @return the decoded pixels
     * @throws ScoringException if the file cannot be read, is larger than {@code maxBytes}, is not a supported
     *     format, or is corrupt or truncated; the message names the file
     * @throws NullPointerException if {@code file} is null
     * @throws IllegalArgumentException if {@code maxBytes} is less than 1
     */
    public static RgbImage decode(Path file, long maxBytes) {
        Objects.requireNonNull(file, "file");
        return decode(EncodedImages.readFile(file, EncodedImages.checkLimit(maxBytes), SUPPORTED), file.toString());
    }

    /**
     * @param encoded the bytes of an encoded image (not copied, not modified)
     * @return the decoded pixels
     * @throws ScoringException if the data is not a supported format or is corrupt or truncated
     * @throws NullPointerException if {@code encoded} is null
     */
    public static RgbImage decode(byte[] encoded) {
        return decode(encoded, DEFAULT_MAX_ENCODED_BYTES);
    }

    /**
     * @param encoded the bytes of an encoded image (not copied, not modified)
     * @param maxBytes the largest encoded image that is decoded
     * @return the decoded pixels
     * @throws ScoringException if the data is longer than {@code maxBytes}, is not a supported format, or is
     *     corrupt or truncated
     * @throws NullPointerException if {@code encoded} is null
     * @throws IllegalArgumentException if {@code maxBytes} is less than 1
     */
    public static RgbImage decode(byte[] encoded, long maxBytes) {
        Objects.requireNonNull(encoded, "encoded");
        String source = "image data (" + encoded.length + " bytes)";
        if (encoded.length > EncodedImages.checkLimit(maxBytes)) {
            throw EncodedImages.tooLarge(source, encoded.length, maxBytes);
        }
        return decode(encoded, source);
    }

    /**
     * Reads the stream to its end (the stream is not closed) and decodes it.
     *
     * @param in an encoded image
     * @return the decoded pixels
     * @throws ScoringException if the stream cannot be read, is not a supported format, or is corrupt or truncated
     * @throws NullPointerException if {@code in} is null
     */
    public static RgbImage decode(InputStream in) {
        return decode(in, DEFAULT_MAX_ENCODED_BYTES);
    }

    /**
     * Checks the format from the stream's first bytes, then reads it to its end, at most {@code maxBytes} (the
     * stream is not closed).
     *
     * @param in an encoded image
     * @param maxBytes the largest encoded image that is read
     * @return the decoded pixels
     * @throws ScoringException if the stream cannot be read, is longer than {@code maxBytes}, is not a supported
     *     format, or is corrupt or truncated
     * @throws NullPointerException if {@code in} is null
     * @throws IllegalArgumentException if {@code maxBytes} is less than 1
     */
    public static RgbImage decode(InputStream in, long maxBytes) {
        Objects.requireNonNull(in, "in");
        byte[] bytes;
        try {
            bytes = EncodedImages.readBounded(in, EncodedImages.checkLimit(maxBytes), -1, "the image stream", SUPPORTED);
        } catch (IOException e) {
            throw new ScoringException("cannot read the image stream: " + e.getMessage(), e);
        }
        return decode(bytes, "image stream (" + bytes.length + " bytes)");
    }

    /**
     * Converts an in-memory image, reading its raw samples (no colour conversion, alpha dropped, premultiplied alpha
     * undone first).
     *
     * @param image any image with a grey, RGB or palette colour model
     * @return the pixels as RGB
     * @throws ScoringException if the colour model is not grey, RGB or palette (e.g. CMYK)
     * @throws NullPointerException if {@code image} is null
     */
    public static RgbImage decode(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        if (cm.isAlphaPremultiplied()) {
            WritableRaster copy = image.copyData(null);
            cm = cm.coerceData(copy, false);
            raster = copy;
        }
        return fromRaster(raster, cm, "BufferedImage " + image.getWidth() + "x" + image.getHeight());
    }

    /**
     * @param encoded encoded bytes
     * @param source what to call the data in messages (a path, "input #3", ...)
     */
    static RgbImage decode(byte[] encoded, String source) {
        ImageFormat format = ImageFormat.sniff(encoded).orElseThrow(() -> new ScoringException(
                "unsupported image format in " + source + ": " + ImageFormat.describe(encoded) + "; " + SUPPORTED));
        ImageReader reader;
        try {
            reader = readerSpi(format).createReaderInstance();
        } catch (IOException e) {
            throw new ScoringException("no ImageIO reader for " + format + " is available", e);
        }
        List<String> warnings = new ArrayList<>(1);
        try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(encoded)) {
            reader.setInput(in, true, true);
            reader.addIIOReadWarningListener(new Warnings(warnings));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if (width < 1 || height < 1 || (long) width * height > MAX_PIXELS) {
                throw new ScoringException(format + " image " + source + " has an unusable size " + width + "x"
                        + height + " (at most " + MAX_PIXELS + " pixels are decoded)");
            }
            ImageReadParam param = reader.getDefaultReadParam();
            if (format == ImageFormat.JPEG) {
                // With explicit bands the JPEG reader hands over the decoded samples without applying an
                // embedded ICC profile, as Pillow does.
                ImageTypeSpecifier raw = reader.getRawImageType(0);
                if (raw != null) {
                    int bands = raw.getSampleModel().getNumBands();
                    int[] all = new int[bands];
                    for (int i = 0; i < bands; i++) {
                        all[i] = i;
                    }
                    param.setSourceBands(all);
                    param.setDestinationBands(all);
                }
            }
            BufferedImage image = reader.read(0, param);
            for (String w : warnings) {
                String lower = w.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat")) {
                    throw new ScoringException("corrupt or truncated " + format + " data in " + source + ": " + w);
                }
            }
            return fromRaster(image.getRaster(), image.getColorModel(), source);
        } catch (ScoringException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e.getCause() != null && e.getCause().getMessage() != null) {
                detail += " (" + e.getCause().getMessage() + ")";
            }
            throw new ScoringException("corrupt or truncated " + format + " data in " + source + ": " + detail, e);
        } finally {
            reader.dispose();
        }
    }

    private static synchronized ImageReaderSpi readerSpi(ImageFormat format) {
        return READERS.computeIfAbsent(format, f -> {
            Iterator<ImageReader> it = ImageIO.getImageReadersByFormatName(f.imageIoName());
            if (!it.hasNext()) {
                throw new ScoringException("no ImageIO reader for " + f + " is installed in this JVM");
            }
            ImageReader probe = it.next();
            ImageReaderSpi spi = probe.getOriginatingProvider();
            probe.dispose();
            return spi;
        });
    }

    /** Reads raw samples: palette expanded, grey replicated, alpha ignored, other bit depths scaled to 8 bits. */
    static RgbImage fromRaster(Raster raster, ColorModel cm, String source) {
        int w = raster.getWidth();
        int h = raster.getHeight();
        if (w < 1 || h < 1) {
            throw new ScoringException("image " + source + " is empty (" + w + "x" + h + ")");
        }
        byte[] out = new byte[Math.multiplyExact(Math.multiplyExact(w, h), 3)];
        if (cm instanceof IndexColorModel icm) {
            expandPalette(raster, icm, out);
            return RgbImage.wrap(w, h, out);
        }
        int colours = cm.getNumColorComponents();
        int spaceType = cm.getColorSpace().getType();
        boolean grey = colours == 1 && spaceType == ColorSpace.TYPE_GRAY;
        boolean rgb = colours == 3 && spaceType == ColorSpace.TYPE_RGB;
        if (!grey && !rgb) {
            throw new ScoringException("image " + source + " uses an unsupported colour model with " + colours
                    + " colour components (colour space type " + spaceType + "); only grey, RGB and palette "
                    + "images are supported (CMYK and YCCK are not)");
        }
        if (raster.getNumBands() < colours) {
            throw new ScoringException("image " + source + " has " + raster.getNumBands() + " bands, expected at least "
                    + colours);
        }
        if (!copyBytes(raster, grey, out) && !copyPackedInts(raster, grey, out)) {
            copyGeneric(raster, grey, out);
        }
        return RgbImage.wrap(w, h, out);
    }

    /** Fast path: 8-bit samples in one byte array (PNG, JPEG, 24-bit BMP). */
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

    /** Any other layout: sample by sample, scaled to 8 bits. */
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
                    byte v = to8(rows[0][x], bits[0]);
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

    private static void expandPalette(Raster raster, IndexColorModel icm, byte[] out) {
        int size = icm.getMapSize();
        byte[] reds = new byte[256];
        byte[] greens = new byte[256];
        byte[] blues = new byte[256];
        byte[] r = new byte[size];
        byte[] g = new byte[size];
        byte[] b = new byte[size];
        icm.getReds(r);
        icm.getGreens(g);
        icm.getBlues(b);
        int n = Math.min(size, 256);
        System.arraycopy(r, 0, reds, 0, n);
        System.arraycopy(g, 0, greens, 0, n);
        System.arraycopy(b, 0, blues, 0, n);
        int w = raster.getWidth();
        int h = raster.getHeight();
        int[] row = new int[w];
        int o = 0;
        for (int y = 0; y < h; y++) {
            raster.getSamples(raster.getMinX(), raster.getMinY() + y, w, 1, 0, row);
            for (int x = 0; x < w; x++) {
                int i = row[x] & 0xFF; // indices beyond the palette map to black, like Pillow's zero-padded palette
                out[o++] = reds[i];
                out[o++] = greens[i];
                out[o++] = blues[i];
            }
        }
    }

    private static final class Warnings implements IIOReadWarningListener {
        private final List<String> sink;

        Warnings(List<String> sink) {
            this.sink = sink;
        }

        @Override
        public void warningOccurred(ImageReader source, String warning) {
            sink.add(warning);
        }
    }
}
