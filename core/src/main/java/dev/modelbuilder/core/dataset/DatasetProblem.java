package dev.modelbuilder.core.dataset;

import java.nio.file.Path;
import java.util.Objects;

/**
 * One thing wrong with a dataset.
 *
 * @param kind what kind of problem
 * @param path the file or folder concerned
 * @param detail what exactly is wrong and how to fix it
 */
public record DatasetProblem(Kind kind, Path path, String detail) {
    /** The kinds of problem a dataset scan reports. */
    public enum Kind {
        /** The dataset folder does not exist or is not a folder. */
        NOT_A_FOLDER,
        /** A file could not be read at all (permissions, I/O error). */
        UNREADABLE_FILE,
        /** A file in a label folder is not an image of a supported format. */
        NOT_AN_IMAGE,
        /** A file looks like an image but is truncated or corrupt. */
        CORRUPT_IMAGE,
        /** A label folder's name cannot be a label (it holds control characters). */
        INVALID_LABEL,
        /** A label folder holds no images. */
        EMPTY_LABEL,
        /** A label folder holds fewer images than the minimum. */
        TOO_FEW_IMAGES,
        /** The dataset has fewer labels than the minimum. */
        TOO_FEW_LABELS,
        /** A labels file is missing, of a format no reader knows, or cannot be read. */
        NOT_A_LABELS_FILE,
        /** A row of a labels file cannot be read (malformed JSON or CSV, a missing column or field). */
        INVALID_ROW,
        /**
         * A row names an image the SDK will not read: an absolute path, a {@code ..} that leaves the labels file's
         * folder, a link to a file outside it, or a URL ({@code azureml://}, {@code https://}).
         */
        UNSAFE_PATH,
        /** A row names an image file that does not exist. */
        MISSING_FILE,
        /** An image is listed on two rows. */
        DUPLICATE_IMAGE,
        /** A row of a single-label dataset has no label. */
        MISSING_LABEL,
        /** A row of a single-label dataset has several labels: a multi-label dataset. */
        SEVERAL_LABELS
    }

    /** Checks the fields. */
    public DatasetProblem {
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(path, "path");
        Objects.requireNonNull(detail, "detail");
    }

    /** @return the problem in one line, path first */
    public String describe() {
        return path + ": " + detail;
    }
}
