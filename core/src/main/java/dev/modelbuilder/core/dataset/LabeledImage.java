package dev.modelbuilder.core.dataset;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One image of a dataset.
 *
 * @param path the file
 * @param label its label (the name of the top-level folder it lies in)
 * @param relativePath its path relative to the dataset folder, with {@code /} separators
 * @param info its format and size
 * @param sizeBytes its file size
 */
public record LabeledImage(Path path, String label, String relativePath, ImageInfo info, long sizeBytes) {
    /** Checks the fields. */
    public LabeledImage {
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(label, "label");
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(info, "info");
    }
}
