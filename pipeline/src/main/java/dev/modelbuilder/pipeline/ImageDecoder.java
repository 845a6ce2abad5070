package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.exception.DecoderUnavailableException;
import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.implementation.BmpDecoder;
import dev.modelbuilder.pipeline.implementation.DecodeBudget;
import dev.modelbuilder.pipeline.implementation.DecodedImage;
import dev.modelbuilder.pipeline.implementation.GifDecoder;
import dev.modelbuilder.pipeline.implementation.ImageIoDecoder;
import dev.modelbuilder.pipeline.implementation.PngDecoder;
import dev.modelbuilder.pipeline.implementation.RasterToRgb;
import dev.modelbuilder.pipeline.implementation.WebPDecoder;

import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * Decodes JPEG, PNG, BMP, GIF, TIFF and WebP images into {@link RgbImage}s with exactly the pixels of Pillow
 * 9.4's {@code Image.open(f).convert("RGB")} (which is what Azure AutoML and torchvision train with). The format is
 * recognised from the content, never the file name.
 *
 * <pre>{@code
 * RgbImage a = ImageDecoder.decode(Path.of("tulip.jpg"));
 * RgbImage b = ImageDecoder.decode(requestBodyBytes);
 * }</pre>
 *
 * <p>Rules (the table per format and mode is in docs/mlmodel-zip.md, "Decoding, format by format"): samples as
 * stored, no colour management (an embedded ICC profile is ignored), no EXIF rotation; grey replicated to
 * R = G = B; alpha dropped, never composited; palette images through their palette, an index past the palette's
 * entries becoming the grey (i, i, i); 1-, 2- and 4-bit grey scaled to 8 bits; 16-bit grey (PNG, TIFF) clipped at
 * 255, other 16-bit PNG samples reduced to their high byte; CMYK and YCCK JPEG and CMYK TIFF converted naively
 * ({@code R = nk - C * nk / 255} with {@code nk = 255 - K}, rounded as Pillow), an Adobe JPEG's inverted samples
 * inverted back first; a GIF's first frame on its logical screen, filled with its transparency index (else index 0)
 * where the frame does not reach; a TIFF's first page (8-bit grey, grey + alpha, RGB, RGBA, palette or CMYK, 1- or
 * 16-bit grey; uncompressed, LZW, deflate, PackBits or JPEG; other variants are refused naming them); a BMP as
 * Pillow reads it (1-, 4- and 8-bit palettes, 16-bit 5-5-5 and 5-6-5 scaled as {@code v * 255 / max}, 24- and 32-bit,
 * RLE4 and RLE8; the bit-field layouts and compressions Pillow does not read are refused naming them); a WebP's
 * first frame, on a black canvas when it is smaller. WebP needs the optional artifact
 * {@code com.github.usefulness:webp-imageio} (libwebp, as Pillow uses) and fails with a
 * {@link DecoderUnavailableException} without it.
 *
 * <p>Limits, checked before any large allocation: the encoded size ({@link #DEFAULT_MAX_ENCODED_BYTES} unless
 * told), the pixel cap, and the process's decode budget, which concurrent decodes share and wait for; an image
 * beyond them fails with an {@link ImageTooLargeException} (settings: {@link DecodeBudget}). Truncated or corrupt
 * data and other formats are refused with a {@link ScoringException} naming the source and the problem. Stateless
 * apart from the budget, and thread-safe.
 */
public final class ImageDecoder {
    /** How much of an encoded image is read at most unless told otherwise: 256 MiB. */
    public static final long DEFAULT_MAX_ENCODED_BYTES = 256L << 20;

    private static final String SUPPORTED = "supported formats: JPEG, PNG, BMP, GIF, TIFF, WebP";

    private ImageDecoder() {
    }

    /**
     * Loads ImageIO's plugin registry and its JPEG reader (and its native code) ahead of the first decode, so that a
     * process's first image does not pay for it. Optional, safe from any thread; a reader that cannot be loaded is
     * reported by the decode that needs it.
     */
    public static void warmUp() {
        ImageIoDecoder.warmUp();
    }

    /** @return the formats {@link #decode} reads: JPEG, PNG, BMP, GIF, TIFF, WebP (WebP with libwebp's plugin) */
    public static List<String> supportedFormats() {
        return List.of("JPEG", "PNG", "BMP", "GIF", "TIFF", "WebP");
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
     * Converts an in-memory image, reading its raw samples by the rules above (no colour conversion, alpha dropped,
     * premultiplied alpha undone first). The result's memory is counted in the decode budget like a decode's.
     *
     * @param image any image with a grey, RGB, palette or CMYK colour model
     * @return the pixels as RGB
     * @throws ScoringException if the colour model is none of these
     * @throws ImageTooLargeException if the result does not fit the decode budget
     * @throws NullPointerException if {@code image} is null
     */
    public static RgbImage decode(BufferedImage image) {
        Objects.requireNonNull(image, "image");
        ColorModel cm = image.getColorModel();
        Raster raster = image.getRaster();
        String source = "BufferedImage " + image.getWidth() + "x" + image.getHeight();
        long bytes = 3L * image.getWidth() * image.getHeight() * (cm.isAlphaPremultiplied() ? 2 : 1);
        try (DecodeBudget.Reservation reservation = DecodeBudget.global().reserve(bytes, source)) {
            if (cm.isAlphaPremultiplied()) {
                WritableRaster copy = image.copyData(null);
                cm = cm.coerceData(copy, false);
                raster = copy;
            }
            byte[] rgb = RasterToRgb.convert(raster, cm, source);
            return RgbImage.wrap(image.getWidth(), image.getHeight(), reservation.keep(rgb));
        }
    }

    /**
     * @param encoded encoded bytes
     * @param source what to call the data in messages (a path, "input #3", ...)
     */
    static RgbImage decode(byte[] encoded, String source) {
        ImageFormat format = ImageFormat.sniff(encoded).orElseThrow(() -> new ScoringException(
                "unsupported image format in " + source + ": " + ImageFormat.describe(encoded) + "; " + SUPPORTED));
        DecodeBudget budget = DecodeBudget.global();
        DecodedImage image;
        try {
            image = switch (format) {
                case PNG -> PngDecoder.decode(encoded, source, budget);
                case GIF -> GifDecoder.decode(encoded, source, budget);
                case WEBP -> WebPDecoder.decode(encoded, source, budget);
                case BMP -> BmpDecoder.decode(encoded, source, budget);
                case JPEG, TIFF -> ImageIoDecoder.decode(format, encoded, source, budget);
            };
        } catch (OutOfMemoryError e) {
            // The budget should have prevented it (a budget set too high, or other parts of the program holding the
            // heap): the failed allocation was this decode's, so report it as this image's size, not as corruption.
            throw new ImageTooLargeException(format + " image " + source + " ran out of memory while decoding ("
                    + e.getMessage() + "); lower the decode budget (-D" + DecodeBudget.BUDGET_PROPERTY + " or "
                    + DecodeBudget.BUDGET_ENV + ") or raise the maximum heap (-Xmx)", e);
        }
        return RgbImage.wrap(image.width(), image.height(), image.rgb());
    }
}
