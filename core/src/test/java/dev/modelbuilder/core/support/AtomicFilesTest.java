package dev.modelbuilder.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.testing.DiskFull;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Crash-safe writes: a failed write leaves the old content and no stray temporary files. */
class AtomicFilesTest {

    @TempDir
    Path temp;

    @Test
    void writeReplacesTheFileAndLeavesNoTemporaryFile() throws Exception {
        Path target = temp.resolve("a.json");
        AtomicFiles.system().write(target, "old".getBytes(StandardCharsets.UTF_8));
        AtomicFiles.system().write(target, "new".getBytes(StandardCharsets.UTF_8));
        assertThat(target).hasContent("new");
        assertThat(list()).containsExactly("a.json");
    }

    @Test
    void failedWriteKeepsTheOldContent() throws Exception {
        Path target = temp.resolve("a.json");
        AtomicFiles.system().write(target, "old content".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> DiskFull.after(3).write(target, "new content".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(IOException.class).hasMessageContaining("No space left");
        assertThat(target).hasContent("old content");
        assertThat(list()).containsExactly("a.json");
    }

    @Test
    void copyAllChangesNoTargetWhenOneCopyFails() throws Exception {
        Path small = Files.writeString(temp.resolve("small.src"), "12");
        Path big = Files.writeString(temp.resolve("big.src"), "0123456789");
        Path t1 = Files.writeString(temp.resolve("t1"), "old1");
        Path t2 = Files.writeString(temp.resolve("t2"), "old2");
        assertThatThrownBy(() -> DiskFull.after(5).copyAll(List.of(small, big), List.of(t1, t2)))
                .isInstanceOf(IOException.class);
        assertThat(t1).hasContent("old1");
        assertThat(t2).hasContent("old2");
        assertThat(list()).containsExactlyInAnyOrder("small.src", "big.src", "t1", "t2");
        AtomicFiles.system().copyAll(List.of(small, big), List.of(t1, t2));
        assertThat(t1).hasContent("12");
        assertThat(t2).hasContent("0123456789");
    }

    @Test
    void aStreamThatFailsOnCloseAlsoKeepsTheOldContent() throws Exception {
        Path target = Files.writeString(temp.resolve("b"), "kept");
        AtomicFiles failingClose = new AtomicFiles(file -> new FilterOutputStream(Files.newOutputStream(file)) {
            @Override
            public void close() throws IOException {
                super.close();
                throw new IOException("flush failed: No space left on device");
            }
        });
        assertThatThrownBy(() -> failingClose.write(target, new byte[] {1, 2, 3})).isInstanceOf(IOException.class);
        assertThat(target).hasContent("kept");
        assertThat(list()).containsExactly("b");
    }

    private List<String> list() throws IOException {
        try (Stream<Path> s = Files.list(temp)) {
            return s.map(p -> p.getFileName().toString()).toList();
        }
    }
}
