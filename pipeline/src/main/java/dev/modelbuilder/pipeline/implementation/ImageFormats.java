package dev.modelbuilder.pipeline.implementation;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Recognizes image formats by their first bytes, so that errors can name what a file really is. */
public final class ImageFormats {
    /** The formats the decoder reads. */
    public enum Supported {
        /** JPEG / JFIF / EXIF. */
        JPEG("jpeg"),
        /** PNG. */
        PNG("png"),
        /** Windows bitmap. */
        BMP("bmp"),
        /** GIF (first frame). */
        GIF("gif");

        private final String imageIoName;

        Supported(String imageIoName) {
            this.imageIoName = imageIoName;
        }

        /** @return the ImageIO format name */
        public String imageIoName() {
            return imageIoName;
        }
    }

    /** The result of sniffing: a supported format, or a description of what was found instead. */
    public record Sniffed(Supported format, String description) {
    }

    private ImageFormats() {
    }

    /**
     * @param b the first bytes of the data (all of it is fine)
     * @return the supported format, or {@code format == null} and a description such as "WebP" or
     *     "unknown data starting with 3c 21 44 4f"
     */
    public static Sniffed sniff(byte[] b) {
        if (b.length == 0) {
            return new Sniffed(null, "empty data (0 bytes)");
        }
        if (startsWith(b, 0, 0xFF, 0xD8, 0xFF)) {
            return new Sniffed(Supported.JPEG, "JPEG");
        }
        if (startsWith(b, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return new Sniffed(Supported.PNG, "PNG");
        }
        if (startsWith(b, 0, 'G', 'I', 'F', '8')) {
            return new Sniffed(Supported.GIF, "GIF");
        }
        if (startsWith(b, 0, 'B', 'M') && b.length >= 26) {
            return new Sniffed(Supported.BMP, "BMP");
        }
        return new Sniffed(null, describeUnsupported(b));
    }

    private static String describeUnsupported(byte[] b) {
        if (startsWith(b, 0, 'R', 'I', 'F', 'F') && startsWith(b, 8, 'W', 'E', 'B', 'P')) {
            return "WebP";
        }
        if (startsWith(b, 0, 'I', 'I', 0x2A, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2A)
                || startsWith(b, 0, 'I', 'I', 0x2B, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2B)) {
            return "TIFF";
        }
        if (startsWith(b, 4, 'f', 't', 'y', 'p') && b.length >= 12) {
            String brand = new String(b, 8, 4, StandardCharsets.ISO_8859_1);
            return brand.startsWith("avi") ? "AVIF" : "HEIF/HEIC (brand '" + brand.trim() + "')";
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x00, 0x0C, 'j', 'P', ' ', ' ') || startsWith(b, 0, 0xFF, 0x4F, 0xFF, 0x51)) {
            return "JPEG 2000";
        }
        if (startsWith(b, 0, 0xFF, 0x0A) || startsWith(b, 0, 0x00, 0x00, 0x00, 0x0C, 'J', 'X', 'L', ' ')) {
            return "JPEG XL";
        }
        if (startsWith(b, 0, 0x00, 0x00, 0x01, 0x00)) {
            return "ICO";
        }
        if (startsWith(b, 0, '8', 'B', 'P', 'S')) {
            return "Photoshop PSD";
        }
        if (startsWith(b, 0, '%', 'P', 'D', 'F')) {
            return "PDF";
        }
        if (startsWith(b, 0, 'B', 'M')) {
            return "truncated BMP (" + b.length + " bytes)";
        }
        if (startsWith(b, 0, 0xFF, 0xD8)) {
            return "truncated JPEG (" + b.length + " bytes)";
        }
        if (looksLikeText(b)) {
            return "text, not an image";
        }
        StringBuilder hex = new StringBuilder("unknown data starting with");
        for (int i = 0; i < Math.min(8, b.length); i++) {
            hex.append(String.format(Locale.ROOT, " %02x", b[i] & 0xFF));
        }
        return hex.toString();
    }

    private static boolean looksLikeText(byte[] b) {
        int n = Math.min(b.length, 512);
        for (int i = 0; i < n; i++) {
            int c = b[i] & 0xFF;
            if (c < 0x09 || (c > 0x0D && c < 0x20 && c != 0x1B)) {
                return false;
            }
        }
        return true;
    }

    private static boolean startsWith(byte[] b, int offset, int... prefix) {
        if (b.length < offset + prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if ((b[offset + i] & 0xFF) != prefix[i]) {
                return false;
            }
        }
        return true;
    }
}
