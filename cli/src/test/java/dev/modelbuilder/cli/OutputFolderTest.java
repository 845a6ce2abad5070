package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --output} is refused before any work when it cannot hold the model. */
class OutputFolderTest {
    @TempDir
    Path tmp;

    private Path data() throws Exception {
        return Files.createDirectories(tmp.resolve("data").resolve("cat"));
    }

    @Test
    void aNewFolderBesideTheDatasetIsAccepted() throws Exception {
        data();
        assertThat(OutputFolder.validate(tmp.resolve("model/v1"), tmp.resolve("data"), false))
                .isEqualTo(tmp.resolve("model/v1").toAbsolutePath());
    }

    @Test
    void aFileIsRefused() throws Exception {
        data();
        Path file = Files.writeString(tmp.resolve("model.txt"), "x");
        assertThatThrownBy(() -> OutputFolder.validate(file, tmp.resolve("data"), false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("is a file");
    }

    @Test
    void theRootIsRefused() throws Exception {
        data();
        assertThatThrownBy(() -> OutputFolder.validate(Path.of("/"), tmp.resolve("data"), true))
                .isInstanceOf(ValidationException.class).hasMessageContaining("root of the file system");
    }

    @Test
    void aFolderInsideTheDatasetIsRefusedAlsoThroughALink() throws Exception {
        data();
        assertThatThrownBy(() -> OutputFolder.validate(tmp.resolve("data/model"), tmp.resolve("data"), false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("inside the dataset folder");
        assertThatThrownBy(() -> OutputFolder.validate(tmp.resolve("data"), tmp.resolve("data"), false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("inside the dataset folder");
        Path link = Files.createSymbolicLink(tmp.resolve("link"), tmp.resolve("data"));
        assertThatThrownBy(() -> OutputFolder.validate(link.resolve("model"), tmp.resolve("data"), false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("inside the dataset folder");
    }

    @Test
    void existingModelFilesAreReplacedOnlyWithOverwrite() throws Exception {
        data();
        Path model = Files.createDirectories(tmp.resolve("model"));
        Files.writeString(model.resolve("MLModel.zip"), "old");
        assertThatThrownBy(() -> OutputFolder.validate(model, tmp.resolve("data"), false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("already holds MLModel.zip")
                .hasMessageContaining("--overwrite");
        assertThat(OutputFolder.validate(model, tmp.resolve("data"), true)).isEqualTo(model.toAbsolutePath());
    }

    @Test
    void aFolderThatCannotBeCreatedIsRefused() throws Exception {
        data();
        Path file = Files.writeString(tmp.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> OutputFolder.validate(file.resolve("model"), tmp.resolve("data"), false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("cannot be written")
                .hasMessageContaining("is not a writable folder");
    }
}
