package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainedModel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Checks {@code train --output} before any work: a folder (or one that can be created), not a file, not the
 * file-system root, writable, not inside the dataset (the next training on that data would take the model files
 * for images), and without model files unless they may be replaced.
 */
final class OutputFolder {
    static final String OPTION = "--output";
    static final List<String> ARTIFACTS = List.of(TrainedModel.ONNX_FILE, TrainedModel.LABEL_MAP_FILE,
            TrainedModel.PIPELINE_FILE);

    private OutputFolder() {
    }

    /**
     * @param output the folder given
     * @param data the dataset folder
     * @param overwrite whether model files already there may be replaced
     * @return the folder, absolute and normalized
     * @throws ValidationException saying what is wrong and what to give instead
     */
    static Path validate(Path output, Path data, boolean overwrite) {
        Path dir = output.toAbsolutePath().normalize();
        if (dir.getParent() == null) {
            throw new ValidationException(OPTION, output, "is the root of the file system: give a folder of its own"
                    + " for the model files, e.g. " + OPTION + " ./model");
        }
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw new ValidationException(OPTION, output, "is a file: give a folder for the model files (it is"
                    + " created when it does not exist)");
        }
        Path realDir = real(dir);
        Path realData = real(data.toAbsolutePath().normalize());
        if (realDir.startsWith(realData)) {
            throw new ValidationException(OPTION, output, "is inside the dataset folder " + data + ": the model"
                    + " files would be read as images by the next training; give a folder outside it");
        }
        Path existing = dir;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null || !Files.isDirectory(existing) || !Files.isWritable(existing)) {
            throw new ValidationException(OPTION, output, (existing == null ? "cannot be created"
                    : "cannot be written (" + existing + " is not a writable folder)")
                    + ": give a folder you can write to");
        }
        if (!overwrite) {
            List<String> present = ARTIFACTS.stream().filter(f -> Files.exists(dir.resolve(f))).toList();
            if (!present.isEmpty()) {
                throw new ValidationException(OPTION, output, "already holds " + String.join(", ", present)
                        + ": give --overwrite to replace them, or another folder");
            }
        }
        return dir;
    }

    /** The real path of the longest existing part, with the rest appended (symbolic links resolved). */
    private static Path real(Path p) {
        Path existing = p;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return p;
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(p)).normalize();
        } catch (IOException e) {
            return p;
        }
    }
}
