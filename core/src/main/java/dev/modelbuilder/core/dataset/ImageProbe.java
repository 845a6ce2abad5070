package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.exception.ModelBuilderException;
import java.util.zip.CRC32;

/**
 * A quick structural read of an image file: recognises the format from its content (not its name), reads the
 * dimensions, and walks the file's segments, chunks or blocks to find truncation and corruption without
 * decoding pixels. Orders of magnitude faster than decoding, so a whole dataset is checked before upload.
 */
public final class ImageProbe {

    private ImageProbe() {
    }

    /** Why a file is not a usable image. */
    public static final class ProbeFailure extends ModelBuilderException {
        private static final long serialVersionUID = 1L;
        private final boolean recognised;

        ProbeFailure(String message, boolean recognised) {
            super(message);
            this.recognised = recognised;
        }

        /** A failed probe is an answer about the file, not a fault of the SDK: no stack trace to fill in. */
        @Override
        public synchronized Throwable fillInStackTrace() {
            return this;
        }

        /** @return whether the content was recognised as an image format (so it is corrupt, not foreign) */
        public boolean recognised() {
            return recognised;
        }
    }

    /**
     * @param data the file's bytes
     * @return the format and dimensions
     * @throws ProbeFailure when the content is not a supported image or is truncated or corrupt
     */
    public static ImageInfo probe(byte[] data) throws ProbeFailure {
        java.util.Optional<ImageFormat> format = ImageFormat.sniff(data);
        if (format.isPresent()) {
            switch (format.get()) {
                case JPEG:
                    return jpeg(data);
                case PNG:
                    return png(data);
                case GIF:
                    return gif(data);
                case WEBP:
                    return webp(data);
                case TIFF:
                    return TiffDirectory.probe(data);
                default:
                    return bmp(data);
            }
        }
        throw new ProbeFailure(foreignFormat(data), false);
    }

    private static String foreignFormat(byte[] d) {
        if (startsWith(d, 'I', 'I', 0x2B, 0) || startsWith(d, 'M', 'M', 0, 0x2B)) {
            return "BigTIFF is not supported: save it as a classic TIFF, or convert it to PNG";
        }
        if (d.length >= 12 && d[4] == 'f' && d[5] == 't' && d[6] == 'y' && d[7] == 'p') {
            return "HEIC/AVIF is not supported: convert it to JPEG or PNG";
        }
        if (d.length == 0) {
            return "the file is empty";
        }
        return "not a JPEG, PNG, BMP, GIF, WebP or TIFF image";
    }

    private static ImageInfo jpeg(byte[] d) throws ProbeFailure {
        int n = d.length;
        int pos = 2;
        int width = -1;
        int height = -1;
        boolean scanSeen = false;
        while (true) {
            if (pos + 1 >= n) {
                throw truncated("JPEG", "its end-of-image marker");
            }
            if ((d[pos] & 0xFF) != 0xFF) {
                throw new ProbeFailure("corrupt JPEG: no segment marker at byte " + pos, true);
            }
            while (pos + 1 < n && (d[pos + 1] & 0xFF) == 0xFF) {
                pos++; // fill bytes
            }
            if (pos + 1 >= n) {
                throw truncated("JPEG", "its end-of-image marker");
            }
            int marker = d[pos + 1] & 0xFF;
            if (marker == 0xD9) {
                if (width <= 0 || height <= 0 || !scanSeen) {
                    throw new ProbeFailure("corrupt JPEG: it ends without a frame or image data", true);
                }
                return new ImageInfo(ImageFormat.JPEG, width, height);
            }
            if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
                pos += 2;
                continue;
            }
            if (pos + 3 >= n) {
                throw truncated("JPEG", "its end-of-image marker");
            }
            int length = u16be(d, pos + 2);
            if (length < 2) {
                throw new ProbeFailure("corrupt JPEG: segment length " + length + " at byte " + pos, true);
            }
            if (pos + 2 + length > n) {
                throw truncated("JPEG", "the end of a segment");
            }
            boolean startOfFrame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8
                    && marker != 0xCC;
            if (startOfFrame) {
                if (length < 7) {
                    throw new ProbeFailure("corrupt JPEG: short frame header", true);
                }
                height = u16be(d, pos + 5);
                width = u16be(d, pos + 7);
            }
            pos += 2 + length;
            if (marker == 0xDA) {
                scanSeen = true;
                pos = skipEntropyCodedData(d, pos);
            }
        }
    }

    private static int skipEntropyCodedData(byte[] d, int pos) throws ProbeFailure {
        int n = d.length;
        while (pos + 1 < n) {
            if ((d[pos] & 0xFF) == 0xFF) {
                int next = d[pos + 1] & 0xFF;
                if (next == 0x00 || (next >= 0xD0 && next <= 0xD7) || next == 0xFF) {
                    pos += next == 0xFF ? 1 : 2;
                    continue;
                }
                return pos;
            }
            pos++;
        }
        throw truncated("JPEG", "its end-of-image marker");
    }

    private static ImageInfo png(byte[] d) throws ProbeFailure {
        int n = d.length;
        int pos = 8;
        int width = -1;
        int height = -1;
        boolean first = true;
        boolean data = false;
        CRC32 crc = new CRC32();
        while (true) {
            if (pos + 8 > n) {
                throw truncated("PNG", "its IEND chunk");
            }
            long length = u32be(d, pos);
            if (length > Integer.MAX_VALUE || pos + 12 + length > n) {
                throw truncated("PNG", "the end of a chunk");
            }
            String type = new String(d, pos + 4, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            crc.reset();
            crc.update(d, pos + 4, 4 + (int) length);
            if (crc.getValue() != u32be(d, pos + 8 + (int) length)) {
                throw new ProbeFailure("corrupt PNG: checksum mismatch in chunk " + type + " at byte " + pos, true);
            }
            if (first) {
                if (!"IHDR".equals(type) || length < 8) {
                    throw new ProbeFailure("corrupt PNG: the first chunk is not IHDR", true);
                }
                width = (int) u32be(d, pos + 8);
                height = (int) u32be(d, pos + 12);
                first = false;
            }
            data |= "IDAT".equals(type);
            if ("IEND".equals(type)) {
                if (!data || width <= 0 || height <= 0) {
                    throw new ProbeFailure("corrupt PNG: no image data", true);
                }
                return new ImageInfo(ImageFormat.PNG, width, height);
            }
            pos += 12 + (int) length;
        }
    }

    private static ImageInfo gif(byte[] d) throws ProbeFailure {
        int n = d.length;
        if (n < 13) {
            throw truncated("GIF", "its header");
        }
        int width = u16le(d, 6);
        int height = u16le(d, 8);
        int flags = d[10] & 0xFF;
        int pos = 13 + ((flags & 0x80) != 0 ? 3 * (1 << ((flags & 7) + 1)) : 0);
        boolean image = false;
        while (pos < n) {
            int block = d[pos] & 0xFF;
            if (block == 0x3B) {
                break;
            } else if (block == 0x21) {
                pos = skipSubBlocks(d, pos + 2);
            } else if (block == 0x2C) {
                if (pos + 10 > n) {
                    throw truncated("GIF", "the end of an image descriptor");
                }
                int imageFlags = d[pos + 9] & 0xFF;
                pos += 10 + ((imageFlags & 0x80) != 0 ? 3 * (1 << ((imageFlags & 7) + 1)) : 0);
                pos = skipSubBlocks(d, pos + 1); // +1: LZW minimum code size
                image = true;
            } else {
                throw new ProbeFailure("corrupt GIF: unknown block 0x" + Integer.toHexString(block) + " at byte "
                        + pos, true);
            }
        }
        if (!image) {
            throw pos >= n ? truncated("GIF", "its first frame") : new ProbeFailure("corrupt GIF: no frame", true);
        }
        if (width <= 0 || height <= 0) {
            throw new ProbeFailure("corrupt GIF: size " + width + "x" + height, true);
        }
        return new ImageInfo(ImageFormat.GIF, width, height);
    }

    private static int skipSubBlocks(byte[] d, int pos) throws ProbeFailure {
        while (true) {
            if (pos >= d.length) {
                throw truncated("GIF", "the end of a data block");
            }
            int size = d[pos] & 0xFF;
            pos += 1 + size;
            if (size == 0) {
                return pos;
            }
        }
    }

    private static ImageInfo bmp(byte[] d) throws ProbeFailure {
        int n = d.length;
        if (n < 26) {
            throw truncated("BMP", "its header");
        }
        long offset = u32le(d, 10);
        long dib = u32le(d, 14);
        int width;
        int height;
        int bpp;
        long compression = 0;
        if (dib == 12) {
            width = u16le(d, 18);
            height = u16le(d, 20);
            bpp = u16le(d, 24);
        } else if (dib >= 40 && n >= 34) {
            width = (int) u32le(d, 18);
            height = Math.abs((int) u32le(d, 22));
            bpp = u16le(d, 28);
            compression = u32le(d, 30);
        } else {
            throw new ProbeFailure("corrupt BMP: unknown header size " + dib, true);
        }
        if (width <= 0 || height <= 0 || bpp == 0) {
            throw new ProbeFailure("corrupt BMP: size " + width + "x" + height + " at " + bpp + " bits", true);
        }
        String variant = unsupportedBmpVariant(d, dib, bpp, compression);
        if (variant != null) {
            throw new ProbeFailure("unsupported BMP: " + variant + "; Pillow (and so scoring) does not read it: "
                    + "save it as a 24-bit BMP or a PNG", true);
        }
        long needed = offset;
        if (compression == 0 || compression == 3 || compression == 6) {
            needed += ((long) width * bpp + 31) / 32 * 4 * height;
        }
        if (offset >= n || needed > n) {
            throw truncated("BMP", "the end of its pixel data");
        }
        return new ImageInfo(ImageFormat.BMP, width, height);
    }

    /**
     * The header-level variants that Pillow 9.4's BMP reader (and so scoring's decoder) refuses, so that a dataset
     * scan does not accept what cannot be scored. Masks and RLE streams are left to the decoder.
     */
    private static String unsupportedBmpVariant(byte[] d, long dib, int bpp, long compression) {
        if (dib != 12 && dib != 40 && dib != 64 && dib != 108 && dib != 124) {
            return "header size " + dib + " (supported: 12, 40, 64, 108, 124)";
        }
        if (bpp != 1 && bpp != 4 && bpp != 8 && bpp != 16 && bpp != 24 && bpp != 32) {
            return bpp + " bits a pixel (supported: 1, 4, 8, 16, 24, 32)";
        }
        if (compression > 3) {
            return "compression " + compression + " (supported: none, RLE8, RLE4, bit fields)";
        }
        if ((compression == 1 || compression == 2) && bpp > 8) {
            return "RLE at " + bpp + " bits a pixel (RLE is for 4- and 8-bit palettes)";
        }
        if (dib >= 40 && bpp <= 8 && d.length >= 50 && u32le(d, 46) > 256) {
            return "palette of " + u32le(d, 46) + " entries (at most 256)";
        }
        if (compression == 3 && d.length >= 66) {
            long alpha = dib >= 56 && d.length >= 70 ? u32le(d, 66) : 0;
            if (!pillowMasks(bpp, u32le(d, 54), u32le(d, 58), u32le(d, 62), alpha)) {
                return String.format(java.util.Locale.ROOT, "%d-bit colour masks R %X, G %X, B %X, A %X (supported: "
                        + "5-5-5 and 5-6-5 at 16 bits; 8-bit fields in the orders BGR, BGRA, XBGR, ABGR, RGBA)", bpp,
                        u32le(d, 54), u32le(d, 58), u32le(d, 62), alpha);
            }
        }
        return null;
    }

    /** The bit-field layouts Pillow 9.4 reads (its BMP plugin's table); no masks at all at 32 bits reads as BGRA. */
    private static boolean pillowMasks(int bpp, long r, long g, long b, long a) {
        return switch (bpp) {
            case 32 -> r == 0xFF0000 && g == 0xFF00 && b == 0xFF && (a == 0 || a == 0xFF000000L)
                    || r == 0 && g == 0 && b == 0 && a == 0
                    || r == 0xFF000000L && g == 0xFF0000 && b == 0xFF00 && (a == 0 || a == 0xFF)
                    || r == 0xFF && g == 0xFF00 && b == 0xFF0000 && a == 0xFF000000L;
            case 24 -> r == 0xFF0000 && g == 0xFF00 && b == 0xFF;
            case 16 -> b == 0x1F && (r == 0xF800 && g == 0x7E0 || r == 0x7C00 && g == 0x3E0);
            default -> false;
        };
    }

    private static ImageInfo webp(byte[] d) throws ProbeFailure {
        int n = d.length;
        if (n < 20) {
            throw truncated("WebP", "its first chunk");
        }
        long riff = u32le(d, 4) + 8;
        if (riff > n) {
            throw truncated("WebP", "the end its RIFF header declares (" + riff + " bytes)");
        }
        int pos = 12;
        int width = -1;
        int height = -1;
        boolean frame = false;
        while (pos + 8 <= riff) {
            String type = new String(d, pos, 4, java.nio.charset.StandardCharsets.ISO_8859_1);
            long size = u32le(d, pos + 4);
            int data = pos + 8;
            if (data + size > riff) {
                throw truncated("WebP", "the end of its " + type.trim() + " chunk");
            }
            switch (type) {
                case "VP8X" -> {
                    if (size < 10) {
                        throw new ProbeFailure("corrupt WebP: short VP8X chunk", true);
                    }
                    width = u24le(d, data + 4) + 1;
                    height = u24le(d, data + 7) + 1;
                }
                case "VP8 ", "VP8L", "ANMF" -> {
                    int[] size2 = webpFrameSize(d, type, data, (int) size);
                    if (width < 0) {
                        width = size2[0];
                        height = size2[1];
                    }
                    frame = true;
                }
                default -> {
                    // ALPH, ANIM, ICCP, EXIF, XMP and unknown chunks: nothing to check
                }
            }
            pos = (int) (data + size + (size & 1));
        }
        if (!frame) {
            throw new ProbeFailure("corrupt WebP: no image data (no VP8, VP8L or ANMF chunk)", true);
        }
        return new ImageInfo(ImageFormat.WEBP, width, height);
    }

    private static int[] webpFrameSize(byte[] d, String type, int data, int size) throws ProbeFailure {
        if ("VP8 ".equals(type)) {
            if (size < 10 || (d[data + 3] & 0xFF) != 0x9D || (d[data + 4] & 0xFF) != 0x01
                    || (d[data + 5] & 0xFF) != 0x2A) {
                throw new ProbeFailure("corrupt WebP: the VP8 chunk has no key-frame header", true);
            }
            return new int[] {u16le(d, data + 6) & 0x3FFF, u16le(d, data + 8) & 0x3FFF};
        }
        if ("VP8L".equals(type)) {
            if (size < 5 || (d[data] & 0xFF) != 0x2F) {
                throw new ProbeFailure("corrupt WebP: the VP8L chunk has no signature", true);
            }
            long bits = u32le(d, data + 1);
            return new int[] {(int) (bits & 0x3FFF) + 1, (int) ((bits >> 14) & 0x3FFF) + 1};
        }
        if (size < 16) {
            throw new ProbeFailure("corrupt WebP: short ANMF chunk", true);
        }
        return new int[] {u24le(d, data + 6) + 1, u24le(d, data + 9) + 1};
    }

    private static int u24le(byte[] d, int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8) | ((d[p + 2] & 0xFF) << 16);
    }

    static ProbeFailure truncated(String format, String what) {
        return new ProbeFailure("truncated " + format + ": the file ends before " + what, true);
    }

    private static boolean startsWith(byte[] d, int... prefix) {
        if (d.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((d[i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    static int u16be(byte[] d, int p) {
        return ((d[p] & 0xFF) << 8) | (d[p + 1] & 0xFF);
    }

    static int u16le(byte[] d, int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8);
    }

    static long u32be(byte[] d, int p) {
        return ((long) (d[p] & 0xFF) << 24) | ((d[p + 1] & 0xFF) << 16) | ((d[p + 2] & 0xFF) << 8) | (d[p + 3] & 0xFF);
    }

    static long u32le(byte[] d, int p) {
        return (d[p] & 0xFF) | ((d[p + 1] & 0xFF) << 8) | ((d[p + 2] & 0xFF) << 16) | ((long) (d[p + 3] & 0xFF) << 24);
    }
}
