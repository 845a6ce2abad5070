package dev.modelbuilder.core.dataset;

import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/**
 * The image formats a dataset may hold and the scoring pipeline decodes, and the one place that recognises them
 * from their first bytes ({@link #sniff}), for the dataset probe and the image decoder alike.
 */
public enum ImageFormat {
    /** JPEG (JFIF/Exif). */
    JPEG(Set.of("jpg", "jpeg", "jpe", "jfif")),
    /** PNG. */
    PNG(Set.of("png")),
    /** Windows bitmap. */
    BMP(Set.of("bmp", "dib")),
    /** GIF (the first frame, on its logical screen, is used). */
    GIF(Set.of("gif")),
    /** WebP, lossy or lossless (the first frame of an animation is used). */
    WEBP(Set.of("webp")),
    /** TIFF (the first page is used). */
    TIFF(Set.of("tif", "tiff"));

    private final Set<String> extensions;

    ImageFormat(Set<String> extensions) {
        this.extensions = extensions;
    }

    /** The number of leading bytes {@link #sniff} and {@link #describe} look at (more are ignored). */
    public static final int SNIFF_BYTES = 512;

    /** @return the format's ImageIO name ("jpeg", "png", "bmp", "gif", "webp", "tiff") */
    public String imageIoName() {
        return name().toLowerCase(Locale.ROOT);
    }

    /**
     * Recognises a format from the content, not the name: JPEG ({@code FF D8 FF}), PNG (its 8-byte signature),
     * GIF ({@code GIF87a} / {@code GIF89a}), BMP ({@code BM}), WebP ({@code RIFF....WEBP}) and TIFF ({@code II*\0}
     * or {@code MM\0*}; BigTIFF is not recognised).
     *
     * @param head the first bytes of the data (at least 12 to tell every format; all of it is fine)
     * @return the format, or empty when the data is none of these
     */
    public static Optional<ImageFormat> sniff(byte[] head) {
        if (startsWith(head, 0, 0xFF, 0xD8, 0xFF)) {
            return Optional.of(JPEG);
        }
        if (startsWith(head, 0, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
            return Optional.of(PNG);
        }
        if (startsWith(head, 0, 'G', 'I', 'F', '8') && head.length > 5 && (head[4] == '7' || head[4] == '9')
                && head[5] == 'a') {
            return Optional.of(GIF);
        }
        if (startsWith(head, 0, 'B', 'M')) {
            return Optional.of(BMP);
        }
        if (startsWith(head, 0, 'R', 'I', 'F', 'F') && startsWith(head, 8, 'W', 'E', 'B', 'P')) {
            return Optional.of(WEBP);
        }
        if (startsWith(head, 0, 'I', 'I', 0x2A, 0x00) || startsWith(head, 0, 'M', 'M', 0x00, 0x2A)) {
            return Optional.of(TIFF);
        }
        return Optional.empty();
    }

    /**
     * Names what data is, for messages: one of the formats, or what was found instead ("BigTIFF", "AVIF",
     * "text, not an image", "unknown data starting with 3c 21 44 4f", ...).
     *
     * @param head the first bytes of the data (the first {@value #SNIFF_BYTES} are enough)
     * @return the description
     */
    public static String describe(byte[] head) {
        Optional<ImageFormat> known = sniff(head);
        if (known.isPresent()) {
            return known.get().name();
        }
        byte[] b = head;
        if (b.length == 0) {
            return "empty data (0 bytes)";
        }
        if (startsWith(b, 0, 'I', 'I', 0x2B, 0x00) || startsWith(b, 0, 'M', 'M', 0x00, 0x2B)) {
            return "BigTIFF";
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
        int n = Math.min(b.length, SNIFF_BYTES);
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

    /** @return the file extensions of the format, lower case, without dot */
    public Set<String> extensions() {
        return extensions;
    }

    /**
     * @param fileName a file name
     * @return the format its extension names, if any
     */
    public static Optional<ImageFormat> byExtension(String fileName) {
        int dot = fileName.lastIndexOf('.');
        if (dot < 0) {
            return Optional.empty();
        }
        String ext = fileName.substring(dot + 1).toLowerCase(Locale.ROOT);
        for (ImageFormat f : values()) {
            if (f.extensions.contains(ext)) {
                return Optional.of(f);
            }
        }
        return Optional.empty();
    }
}
