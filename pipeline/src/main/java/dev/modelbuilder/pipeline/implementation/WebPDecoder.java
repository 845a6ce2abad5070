package dev.modelbuilder.pipeline.implementation;

import dev.modelbuilder.core.dataset.ImageInfo;
import dev.modelbuilder.core.dataset.ImageProbe;
import dev.modelbuilder.core.exception.DecoderUnavailableException;
import dev.modelbuilder.core.exception.ScoringException;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.spi.ImageReaderSpi;

/**
 * WebP through libwebp, the library Pillow uses, by way of the optional {@code com.github.usefulness:webp-imageio}
 * ImageIO plugin (its natives cover Linux, macOS and Windows): lossy WebP decodes exactly as Pillow only with
 * libwebp's own upsampling, which pure-Java decoders do not reproduce (TwelveMonkeys' differed by up to 39 levels),
 * so no other reader is used. Without the plugin a WebP image fails with a {@link DecoderUnavailableException}
 * that names the artifact.
 *
 * <p>Pillow 9.4 opens every WebP with libwebp's animation decoder and {@code convert("RGB")} drops alpha: the
 * colours are libwebp's non-premultiplied RGBA samples, whatever the alpha. For an animation the first frame is
 * used: libwebp decodes it onto a canvas of zeros (a key frame is never blended), so the pixels outside the frame are
 * black. This class cuts the first frame out of the container as a still WebP, decodes it and pastes it at its
 * offset.
 */
public final class WebPDecoder {
    private static final String FORMAT = "WebP";
    /** The plugin's reader, by name: it is detected at run time, never compiled against. */
    static final String LIBWEBP_READER_SPI = "com.luciad.imageio.webp.WebPImageReaderSpi";
    /** What to add for WebP, for messages and the README. */
    public static final String ARTIFACT = "com.github.usefulness:webp-imageio:0.10.2";

    private WebPDecoder() {
    }

    /** @return whether the libwebp reader is on the class path */
    public static boolean available() {
        return readerSpi() != null;
    }

    /**
     * @param data a whole WebP file (its signature already recognised)
     * @param source the image, for messages
     * @param budget the decode budget and pixel cap
     * @return the RGB pixels (of the first frame, on its canvas, for an animation)
     * @throws ScoringException if the data is corrupt or truncated, the image is too large, or libwebp's reader is
     *     missing ({@link DecoderUnavailableException})
     */
    public static DecodedImage decode(byte[] data, String source, DecodeBudget budget) {
        ImageInfo info;
        try {
            info = ImageProbe.probe(data);
        } catch (ImageProbe.ProbeFailure e) {
            throw Decoding.corrupt(FORMAT, source, e.getMessage());
        }
        ImageReaderSpi spi = readerSpi();
        if (spi == null) {
            throw new DecoderUnavailableException("cannot decode the WebP image " + source + ": WebP is decoded by "
                    + "libwebp through the optional artifact " + ARTIFACT + " (and its dependency kotlin-stdlib), "
                    + "which is not on the class path; add it to the application (the modelbuilder command-line tool "
                    + "includes it), or convert the image to PNG");
        }
        Frame frame = firstFrame(data, source);
        long canvasPixels = (long) info.width() * info.height();
        long framePixels = (long) frame.width * frame.height;
        // libwebp's native ARGB buffer and the reader's int[] copy of the frame, then the RGB result
        long peak = 8 * framePixels + 3 * canvasPixels + frame.data.length;
        try (DecodeBudget.Reservation reservation = Decoding.reserve(budget, FORMAT, source, info.width(),
                info.height(), peak)) {
            if (framePixels > canvasPixels || frame.x + frame.width > info.width()
                    || frame.y + frame.height > info.height()) {
                throw Decoding.corrupt(FORMAT, source, "the first frame (" + frame.width + "x" + frame.height + " at "
                        + frame.x + "," + frame.y + ") does not fit the " + info.width() + "x" + info.height()
                        + " canvas");
            }
            BufferedImage image = read(spi, frame.data, source);
            if (image.getWidth() != frame.width || image.getHeight() != frame.height) {
                throw Decoding.corrupt(FORMAT, source, "libwebp decoded " + image.getWidth() + "x"
                        + image.getHeight() + " where the header declares " + frame.width + "x" + frame.height);
            }
            byte[] rgb = new byte[Math.toIntExact(3 * canvasPixels)];
            int[] row = new int[frame.width];
            for (int y = 0; y < frame.height; y++) {
                // getRGB of the reader's TYPE_INT_(A)RGB image is its raw int: straight, non-premultiplied samples
                image.getRGB(0, y, frame.width, 1, row, 0, frame.width);
                int o = ((frame.y + y) * info.width() + frame.x) * 3;
                for (int x = 0; x < frame.width; x++, o += 3) {
                    int v = row[x];
                    rgb[o] = (byte) (v >>> 16);
                    rgb[o + 1] = (byte) (v >>> 8);
                    rgb[o + 2] = (byte) v;
                }
            }
            return new DecodedImage(info.width(), info.height(), reservation.keep(rgb));
        }
    }

    private static BufferedImage read(ImageReaderSpi spi, byte[] still, String source) {
        ImageReader reader;
        try {
            reader = spi.createReaderInstance();
        } catch (IOException | LinkageError e) {
            throw new DecoderUnavailableException("cannot load libwebp's reader for " + source + " (" + ARTIFACT
                    + "): " + e, e);
        }
        try (ByteArrayImageInputStream in = new ByteArrayImageInputStream(still)) {
            reader.setInput(in, true, true);
            BufferedImage image = reader.read(0);
            int type = image.getType();
            if (type != BufferedImage.TYPE_INT_ARGB && type != BufferedImage.TYPE_INT_RGB) {
                throw new ScoringException("libwebp's reader returned an image of type " + type + " for " + source
                        + "; expected straight ARGB or RGB");
            }
            return image;
        } catch (IOException | RuntimeException e) {
            if (e instanceof ScoringException s) {
                throw s;
            }
            throw Decoding.corrupt(FORMAT, source, e.getMessage() == null ? e.toString() : e.getMessage());
        } catch (LinkageError e) {
            throw new DecoderUnavailableException("cannot load libwebp for " + source + " (" + ARTIFACT + "): "
                    + e, e);
        } finally {
            reader.dispose();
        }
    }

    private static ImageReaderSpi readerSpi() {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("webp");
        while (readers.hasNext()) {
            ImageReader r = readers.next();
            ImageReaderSpi spi = r.getOriginatingProvider();
            r.dispose();
            if (spi != null && LIBWEBP_READER_SPI.equals(spi.getClass().getName())) {
                return spi;
            }
        }
        return null;
    }

    /** A still WebP to decode and where it goes on the canvas. */
    private record Frame(byte[] data, int x, int y, int width, int height) {
    }

    /** The file itself when it is a still image; for an animation, its first frame rewrapped as a still WebP. */
    private static Frame firstFrame(byte[] d, String source) {
        long riffEnd = Math.min(d.length, u32(d, 4) + 8);
        int pos = 12;
        int[] stillSize = null;
        while (pos + 8 <= riffEnd) {
            String type = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
            long size = u32(d, pos + 4);
            int data = pos + 8;
            if ("ANMF".equals(type)) {
                int x = 2 * u24(d, data);
                int y = 2 * u24(d, data + 3);
                int w = u24(d, data + 6) + 1;
                int h = u24(d, data + 9) + 1;
                return new Frame(still(d, data + 16, (int) Math.min(riffEnd, data + size), w, h), x, y, w, h);
            }
            if ("VP8 ".equals(type) || "VP8L".equals(type)) {
                stillSize = "VP8L".equals(type)
                        ? new int[] {(int) (u32(d, data + 1) & 0x3FFF) + 1, (int) ((u32(d, data + 1) >> 14) & 0x3FFF) + 1}
                        : new int[] {u16(d, data + 6) & 0x3FFF, u16(d, data + 8) & 0x3FFF};
            }
            pos = (int) (data + size + (size & 1));
        }
        if (stillSize == null) {
            throw Decoding.corrupt(FORMAT, source, "no image data");
        }
        return new Frame(d, 0, 0, stillSize[0], stillSize[1]);
    }

    /** Wraps a frame's chunks (an optional ALPH, then VP8 or VP8L) in a RIFF container of their own. */
    private static byte[] still(byte[] d, int from, int to, int w, int h) {
        boolean alpha = false;
        ByteArrayOutputStream chunks = new ByteArrayOutputStream();
        int pos = from;
        while (pos + 8 <= to) {
            String type = new String(d, pos, 4, StandardCharsets.ISO_8859_1);
            long size = u32(d, pos + 4);
            int end = (int) Math.min(to, pos + 8 + size + (size & 1));
            if ("ALPH".equals(type) || "VP8 ".equals(type) || "VP8L".equals(type)) {
                alpha |= "ALPH".equals(type);
                chunks.write(d, pos, end - pos);
            }
            pos = end;
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(chunks.size() + 40);
        byte[] body = chunks.toByteArray();
        int riffSize = 4 + (alpha ? 18 : 0) + body.length;
        out.writeBytes("RIFF".getBytes(StandardCharsets.ISO_8859_1));
        writeU32(out, riffSize);
        out.writeBytes("WEBP".getBytes(StandardCharsets.ISO_8859_1));
        if (alpha) {
            // an ALPH chunk is read only inside an extended (VP8X) file that says it has alpha
            out.writeBytes("VP8X".getBytes(StandardCharsets.ISO_8859_1));
            writeU32(out, 10);
            out.write(0x10);
            out.write(0);
            out.write(0);
            out.write(0);
            writeU24(out, w - 1);
            writeU24(out, h - 1);
        }
        out.writeBytes(body);
        return out.toByteArray();
    }

    private static void writeU32(ByteArrayOutputStream out, long v) {
        out.write((int) v);
        out.write((int) (v >>> 8));
        out.write((int) (v >>> 16));
        out.write((int) (v >>> 24));
    }

    private static void writeU24(ByteArrayOutputStream out, int v) {
        out.write(v);
        out.write(v >>> 8);
        out.write(v >>> 16);
    }

    private static long u32(byte[] d, int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8) | ((d[p + 2] & 0xFF) << 16) | ((long) (d[p + 3] & 0xFF) << 24);
    }

    private static int u24(byte[] d, int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8) | ((d[p + 2] & 0xFF) << 16);
    }

    private static int u16(byte[] d, int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8);
    }
}
