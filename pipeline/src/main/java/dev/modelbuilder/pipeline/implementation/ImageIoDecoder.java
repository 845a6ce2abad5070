package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.dataset.ImageProbe;
import dev.modelbuilder.core.exception.ScoringException;

import java.awt.Point;
import java.awt.Transparency;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.DataBufferByte;
import java.awt.image.Raster;
import java.awt.image.SampleModel;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadWarningListener;
import javax.imageio.plugins.tiff.TIFFDirectory;
import javax.imageio.plugins.tiff.TIFFField;
import javax.imageio.spi.ImageReaderSpi;

/**
 * JPEG and the TIFF variants {@link TiffDecoder} leaves (JPEG compression, tiles, separate planes, 1- and
 * 16-bit samples) through the JDK's ImageIO readers, which give Pillow's samples for these formats when asked
 * for raw bands (no ICC conversion); {@link RasterToRgb} then converts them by Pillow's rules. The JDK's JPEG reader
 * already undoes an Adobe CMYK file's inversion, as Pillow does, and converts YCCK to CMYK as libjpeg does.
 *
 * <p>Memory: an RGB or grey JPEG is decoded straight into the result (grey into its first third, then expanded in
 * place); other images hold the reader's raster beside the result, and the budget counts both, plus libjpeg's
 * coefficient buffers for a progressive JPEG.
 */
public final class ImageIoDecoder {
    private static final Map<ImageFormat, ImageReaderSpi> READERS = new EnumMap<>(ImageFormat.class);
    private static final int TIFF_COLOR_MAP = 320;
    private static final int TIFF_ROWS_PER_STRIP = 278;
    private static final int TIFF_TILE_WIDTH = 322;
    private static final int TIFF_TILE_LENGTH = 323;
    private static final int TIFF_STRIP_BYTE_COUNTS = 279;
    private static final int TIFF_TILE_BYTE_COUNTS = 325;

    private ImageIoDecoder() {
    }

    /**
     * Loads ImageIO's JPEG reader (and its native code) ahead of the first decode.
     */
    public static void warmUp() {
        try {
            readerSpi(ImageFormat.JPEG).createReaderInstance().dispose();
        } catch (IOException | RuntimeException e) {
            // decode reports it, with the image it was reading
        }
    }

    /**
     * @param format JPEG or TIFF
     * @param data the whole file
     * @param source the image, for messages
     * @param budget the decode budget and pixel cap
     * @return the RGB pixels
     * @throws ScoringException if the data is corrupt, truncated or of an unsupported variant, or the image is too
     *     large
     */
    public static DecodedImage decode(ImageFormat format, byte[] data, String source, DecodeBudget budget) {
        if (format == ImageFormat.TIFF) {
            // a structural check first: a header that lies about its data, or an unsupported TIFF variant, is
            // refused before the reader allocates a raster for it
            try {
                ImageProbe.probe(data);
            } catch (ImageProbe.ProbeFailure e) {
                String message = e.getMessage();
                if (message.contains("is not supported")) {
                    throw new ScoringException("cannot decode " + source + ": " + message);
                }
                throw Decoding.corrupt(format.name(), source, message);
            }
            DecodedImage strips = TiffDecoder.decodeOrNull(data, source, budget);
            if (strips != null) {
                return strips;
            }
        }
        ImageReader reader;
        try {
            reader = readerSpi(format).createReaderInstance();
        } catch (IOException e) {
            throw new ScoringException("no ImageIO reader for " + format + " is available", e);
        }
        List<String> warnings = new ArrayList<>(1);
        try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(data)) {
            reader.setInput(in, true, format != ImageFormat.TIFF);
            reader.addIIOReadWarningListener(new Warnings(warnings));
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            ImageTypeSpecifier raw = reader.getRawImageType(0);
            DecodedImage image = format == ImageFormat.JPEG
                    ? jpeg(reader, raw, data, source, budget, width, height)
                    : other(format, reader, raw, source, budget, width, height);
            for (String w : warnings) {
                String lower = w.toLowerCase(Locale.ROOT);
                if (lower.contains("premature end") || lower.contains("truncat")) {
                    throw Decoding.corrupt(format.name(), source, w);
                }
            }
            return image;
        } catch (ScoringException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (e.getCause() != null && e.getCause().getMessage() != null) {
                detail += " (" + e.getCause().getMessage() + ")";
            }
            throw Decoding.corrupt(format.name(), source, detail);
        } finally {
            reader.dispose();
        }
    }

    private static DecodedImage jpeg(ImageReader reader, ImageTypeSpecifier raw, byte[] data, String source,
            DecodeBudget budget, int width, int height) throws IOException {
        int bands = raw == null ? 0 : raw.getSampleModel().getNumBands();
        long pixels = (long) width * height;
        long peak = 3 * pixels + (bands == 1 || bands == 3 ? 0 : 4 * pixels) + progressiveBuffers(data, width, height);
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, "JPEG", source, width, height, peak)) {
            ImageReadParam param = reader.getDefaultReadParam();
            if (raw != null) {
                // With explicit bands the reader hands over the decoded samples without applying an embedded ICC
                // profile, as Pillow does.
                int[] all = new int[bands];
                for (int i = 0; i < bands; i++) {
                    all[i] = i;
                }
                param.setSourceBands(all);
                param.setDestinationBands(all);
            }
            byte[] rgb = null;
            if (bands == 3 || bands == 1) {
                rgb = new byte[Math.toIntExact(3 * pixels)];
                param.setDestination(bands == 3 ? rgbInto(rgb, width, height) : greyInto(rgb, width, height));
            }
            BufferedImage image = reader.read(0, param);
            if (rgb == null) {
                rgb = RasterToRgb.convert(image.getRaster(), image.getColorModel(), source);
            } else if (bands == 1) {
                expandGrey(rgb, (int) pixels);
            }
            return new DecodedImage(width, height, reservation.keep(rgb));
        }
    }

    /** A 3-band sRGB image over the result array: the reader writes RGB straight into it. */
    private static BufferedImage rgbInto(byte[] rgb, int width, int height) {
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(rgb, rgb.length), width, height,
                3 * width, 3, new int[] {0, 1, 2}, new Point(0, 0));
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_sRGB), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, raster, false, null);
    }

    /** A grey image over the first third of the result array. */
    private static BufferedImage greyInto(byte[] rgb, int width, int height) {
        int pixels = width * height;
        WritableRaster raster = Raster.createInterleavedRaster(new DataBufferByte(rgb, pixels), width, height, width,
                1, new int[] {0}, new Point(0, 0));
        ColorModel cm = new ComponentColorModel(ColorSpace.getInstance(ColorSpace.CS_GRAY), false, false,
                Transparency.OPAQUE, DataBuffer.TYPE_BYTE);
        return new BufferedImage(cm, raster, false, null);
    }

    /** Grey samples in the first third of {@code rgb} become R = G = B, backwards in place. */
    static void expandGrey(byte[] rgb, int pixels) {
        for (int i = pixels - 1, o = 3 * i; i >= 0; i--, o -= 3) {
            byte v = rgb[i]; // pixel i's writes land at 3i and after: on samples already expanded, never on j < i
            rgb[o] = v;
            rgb[o + 1] = v;
            rgb[o + 2] = v;
        }
    }

    /**
     * libjpeg keeps a progressive JPEG's coefficients (2 bytes each, blocks padded to 8 samples) for the whole image
     * in native memory; a baseline JPEG needs a few rows of them.
     */
    static long progressiveBuffers(byte[] d, int width, int height) {
        int pos = 2;
        while (pos + 4 <= d.length && (d[pos] & 0xFF) == 0xFF) {
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xFF) {
                pos++;
                continue;
            }
            int length = ((d[pos + 2] & 0xFF) << 8) | (d[pos + 3] & 0xFF);
            boolean progressive = marker == 0xC2 || marker == 0xC6 || marker == 0xCA || marker == 0xCE;
            boolean frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
            if (frame) {
                if (!progressive || pos + 10 > d.length) {
                    return 0;
                }
                int components = d[pos + 9] & 0xFF;
                int hMax = 1;
                int vMax = 1;
                for (int c = 0; c < components && pos + 12 + 3 * c < d.length; c++) {
                    int s = d[pos + 11 + 3 * c] & 0xFF;
                    hMax = Math.max(hMax, s >> 4);
                    vMax = Math.max(vMax, s & 15);
                }
                long bytes = 0;
                for (int c = 0; c < components && pos + 12 + 3 * c < d.length; c++) {
                    int s = d[pos + 11 + 3 * c] & 0xFF;
                    long w = ((long) width * Math.max(1, s >> 4) / hMax + 7) / 8 * 8 + 8 * 8;
                    long h = ((long) height * Math.max(1, s & 15) / vMax + 7) / 8 * 8 + 8 * 8;
                    bytes += 2 * w * h;
                }
                return bytes;
            }
            if (marker == 0xDA || length < 2) {
                return 0;
            }
            pos += 2 + length;
        }
        return 0;
    }

    private static DecodedImage other(ImageFormat format, ImageReader reader, ImageTypeSpecifier raw, String source,
            DecodeBudget budget, int width, int height) throws IOException {
        long pixels = (long) width * height;
        long rasterBytes = raw == null ? 4 * pixels : rasterBytesPerPixel(raw.getSampleModel()) * pixels;
        byte[] palette = null;
        long buffer = 0;
        if (format == ImageFormat.TIFF) {
            TIFFDirectory directory = TIFFDirectory.createFromMetadata(reader.getImageMetadata(0));
            palette = tiffPalette(directory);
            buffer = tiffStripBytes(directory, width, height, rasterBytes / Math.max(1, pixels));
        }
        long peak = 3 * pixels + rasterBytes + buffer;
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, format.name(), source, width, height,
                peak)) {
            ImageReadParam param = reader.getDefaultReadParam();
            BufferedImage image = reader.read(0, param);
            byte[] rgb = palette != null
                    ? RasterToRgb.throughPalette(image.getRaster(), palette)
                    : RasterToRgb.convert(image.getRaster(), image.getColorModel(), source);
            return new DecodedImage(width, height, reservation.keep(rgb));
        }
    }

    private static long rasterBytesPerPixel(SampleModel sm) {
        return Math.max(1, (long) sm.getNumDataElements() * DataBuffer.getDataTypeSize(sm.getDataType()) / 8);
    }

    /**
     * The JDK's TIFF reader reads one strip or tile at a time: its compressed bytes into an array, then its samples
     * into a buffer of their own.
     */
    private static long tiffStripBytes(TIFFDirectory directory, int width, int height, long bytesPerPixel) {
        long compressed = 0;
        for (int tag : new int[] {TIFF_STRIP_BYTE_COUNTS, TIFF_TILE_BYTE_COUNTS}) {
            TIFFField counts = directory.getTIFFField(tag);
            for (int i = 0; counts != null && i < counts.getCount(); i++) {
                compressed = Math.max(compressed, counts.getAsLong(i));
            }
        }
        TIFFField tileWidth = directory.getTIFFField(TIFF_TILE_WIDTH);
        TIFFField tileLength = directory.getTIFFField(TIFF_TILE_LENGTH);
        if (tileWidth != null && tileLength != null) {
            return compressed + tileWidth.getAsLong(0) * tileLength.getAsLong(0) * bytesPerPixel;
        }
        TIFFField rows = directory.getTIFFField(TIFF_ROWS_PER_STRIP);
        long strip = rows == null ? height : Math.min(height, rows.getAsLong(0));
        return compressed + strip * width * bytesPerPixel;
    }

    /**
     * Pillow reads a TIFF colour map's 16-bit entries as their high byte; ImageIO rounds them to 8 bits (one level
     * off for some), so palette TIFFs are expanded through the file's own map.
     */
    private static byte[] tiffPalette(TIFFDirectory directory) {
        TIFFField map = directory.getTIFFField(TIFF_COLOR_MAP);
        if (map == null) {
            return null;
        }
        char[] entries = map.getAsChars();
        int n = entries.length / 3;
        byte[] palette = RasterToRgb.greyRamp();
        for (int i = 0; i < Math.min(n, 256); i++) {
            palette[3 * i] = (byte) (entries[i] >> 8);
            palette[3 * i + 1] = (byte) (entries[n + i] >> 8);
            palette[3 * i + 2] = (byte) (entries[2 * n + i] >> 8);
        }
        return palette;
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

    /** Collects a reader's warnings: the JPEG reader reports truncation as a warning, not an error. */
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
