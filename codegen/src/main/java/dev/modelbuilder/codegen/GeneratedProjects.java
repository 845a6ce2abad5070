package dev.modelbuilder.codegen;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * What the generator wrote.
 *
 * @param root the output folder (holds the parent pom)
 * @param modelProject the {@code <Name>.Model} folder
 * @param consoleProject the {@code <Name>.ConsoleApp} folder
 * @param webApiProject the {@code <Name>.WebApi} folder, when one was asked for
 * @param files every file written, relative to {@code root}, sorted, with {@code /} separators
 * @param manifest the manifest file listing them
 */
public record GeneratedProjects(Path root, Path modelProject, Path consoleProject, Optional<Path> webApiProject,
        List<String> files, Path manifest) {
    /** Copies the file list. */
    public GeneratedProjects {
        Objects.requireNonNull(webApiProject, "webApiProject");
        files = List.copyOf(files);
    }
}
