package dev.modelbuilder.scoring.evaluation;

import java.util.Objects;

/**
 * A file of the evaluated folder that could not be scored (unreadable, not an image, corrupt). Skipped images are
 * counted and named in the result; they do not stop the evaluation.
 *
 * @param image its path relative to the evaluated folder, with {@code /} separators
 * @param reason why it was skipped
 */
public record SkippedImage(String image, String reason) {
    /** Checks the fields. */
    public SkippedImage {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(reason, "reason");
    }
}
