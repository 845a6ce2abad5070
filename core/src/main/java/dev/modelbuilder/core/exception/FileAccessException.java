package dev.modelbuilder.core.exception;

import java.nio.file.Path;
import java.util.Objects;

/**
 * A file or folder on this machine could not be read or written: a full disk, a missing permission, a path that is
 * a folder where a file was expected. The message names the path and the operating system's reason.
 */
public class FileAccessException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final transient Path path;

    /**
     * @param path the file or folder
     * @param message what was being done and what went wrong, e.g. {@code cannot write report.html: No space left}
     * @param cause the I/O failure, or {@code null}
     */
    public FileAccessException(Path path, String message, Throwable cause) {
        super(message, cause);
        this.path = Objects.requireNonNull(path, "path");
    }

    /** @return the file or folder */
    public Path path() {
        return path;
    }
}
