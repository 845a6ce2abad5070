package dev.modelbuilder.codegen;

import java.nio.file.Path;
import java.util.List;

/**
 * What the generator wrote.
 *
 * @param root the output folder (holds the parent pom)
 * @param modelProject the {@code <Name>.Model} folder
 * @param consoleProject the {@code <Name>.ConsoleApp} folder
 * @param files every file written, relative to {@code root}, sorted, with {@code /} separators
 * @param manifest the manifest file listing them
 */
public record GeneratedProjects(Path root, Path modelProject, Path consoleProject, List<String> files,
        Path manifest) {
    /** Copies the file list. */
    public GeneratedProjects {
        files = List.copyOf(files);
    }
}
