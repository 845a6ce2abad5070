package dev.modelbuilder.serving;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ValidationException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/** Finds the MLModel.zip to serve from a file or a folder (as Azure ML mounts a registered model). */
public final class ModelLocation {
    /** The package's file name, looked for in folders. */
    public static final String PACKAGE_FILE = "MLModel.zip";
    /** How deep a folder is searched: Azure ML nests a model a few folders down ({@code AZUREML_MODEL_DIR}). */
    static final int MAX_DEPTH = 8;

    private ModelLocation() {
    }

    /**
     * @param fileOrFolder an MLModel.zip (any file name), or a folder holding exactly one {@value #PACKAGE_FILE} at any
     *     depth up to 8 (symbolic links to folders are not followed)
     * @param field what the caller calls this setting in errors, e.g. {@code --model} or {@code modelbuilder.model}
     * @return the package file
     * @throws ValidationException if nothing is there, the folder holds no package, or it holds several (all listed)
     * @throws FileAccessException if the folder cannot be read
     */
    public static Path find(Path fileOrFolder, String field) {
        Objects.requireNonNull(fileOrFolder, "fileOrFolder");
        Objects.requireNonNull(field, "field");
        if (Files.isRegularFile(fileOrFolder)) {
            return fileOrFolder;
        }
        if (!Files.isDirectory(fileOrFolder)) {
            throw new ValidationException(field, fileOrFolder, "give an existing MLModel.zip or a folder holding one");
        }
        List<Path> found;
        try (Stream<Path> files = Files.walk(fileOrFolder, MAX_DEPTH)) {
            found = files.filter(p -> p.getFileName().toString().equals(PACKAGE_FILE) && Files.isRegularFile(p))
                    .sorted().toList();
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new FileAccessException(fileOrFolder, "cannot search " + fileOrFolder + " for " + PACKAGE_FILE + ": "
                    + e.getMessage(), e);
        }
        if (found.isEmpty()) {
            throw new ValidationException(field, fileOrFolder, "the folder holds no " + PACKAGE_FILE
                    + ": give the package itself or the folder a training run wrote");
        }
        if (found.size() > 1) {
            throw new ValidationException(field, fileOrFolder, "the folder holds " + found.size() + " packages ("
                    + found.stream().map(Path::toString).collect(Collectors.joining(", "))
                    + "): name one of them");
        }
        return found.get(0);
    }
}
