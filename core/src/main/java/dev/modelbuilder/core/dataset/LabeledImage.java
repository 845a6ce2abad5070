package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.exception.InvalidStateException;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * One image of a dataset with its labels: exactly one in a single-label dataset, any number (none included) in a
 * multi-label one.
 *
 * @param path the file
 * @param labels its labels, distinct, in the order the dataset gave them (copied)
 * @param relativePath its path relative to the dataset's root folder, with {@code /} separators
 * @param info its format and size
 * @param sizeBytes its file size
 */
public record LabeledImage(Path path, List<String> labels, String relativePath, ImageInfo info, long sizeBytes) {
    /** Checks and copies the fields. */
    public LabeledImage {
        Objects.requireNonNull(path, "path");
        labels = List.copyOf(labels);
        Objects.requireNonNull(relativePath, "relativePath");
        Objects.requireNonNull(info, "info");
    }

    /**
     * An image with one label.
     *
     * @param path the file
     * @param label its label
     * @param relativePath its path relative to the dataset folder, with {@code /} separators
     * @param info its format and size
     * @param sizeBytes its file size
     */
    public LabeledImage(Path path, String label, String relativePath, ImageInfo info, long sizeBytes) {
        this(path, List.of(Objects.requireNonNull(label, "label")), relativePath, info, sizeBytes);
    }

    /**
     * @return the image's only label (in a folder dataset, the name of the top-level folder it lies in)
     * @throws InvalidStateException when the image has no label or several (a multi-label dataset's image)
     */
    public String label() {
        if (labels.size() != 1) {
            throw new InvalidStateException(relativePath + " has " + labels.size() + " labels " + labels
                    + ", not one: read labels() in a multi-label dataset");
        }
        return labels.get(0);
    }
}
