package dev.modelbuilder.core.dataset;

import java.util.Locale;
import java.util.Optional;
import java.util.Set;

/** The image formats a dataset may hold. */
public enum ImageFormat {
    /** JPEG (JFIF/Exif). */
    JPEG(Set.of("jpg", "jpeg", "jpe", "jfif")),
    /** PNG. */
    PNG(Set.of("png")),
    /** Windows bitmap. */
    BMP(Set.of("bmp", "dib")),
    /** GIF (the first frame is used). */
    GIF(Set.of("gif"));

    private final Set<String> extensions;

    ImageFormat(Set<String> extensions) {
        this.extensions = extensions;
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
