package dev.modelbuilder.codegen;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.support.AtomicFiles;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.stream.Stream;

/**
 * The folder the generator writes into. Refuses to start in a non-empty folder unless overwriting is allowed,
 * refuses any path that would land outside it, writes each file crash-safely (core's {@link AtomicFiles}: a reader
 * sees the old file or the new one), and remembers what it wrote for the manifest.
 */
final class OutputFolder {
    private final Path root;
    private final List<String> written = new ArrayList<>();
    private final AtomicFiles files = AtomicFiles.system();

    OutputFolder(Path root, boolean overwrite) {
        this.root = root.toAbsolutePath().normalize();
        try {
            if (Files.exists(this.root) && !Files.isDirectory(this.root)) {
                throw new ValidationException("output folder", this.root, "is a file: give a folder");
            }
            if (Files.isDirectory(this.root) && !overwrite) {
                try (Stream<Path> entries = Files.list(this.root)) {
                    if (entries.findAny().isPresent()) {
                        throw new ValidationException("output folder", this.root,
                                "is not empty: choose an empty or new folder, or allow overwriting");
                    }
                }
            }
            Files.createDirectories(this.root);
        } catch (IOException e) {
            throw new FileAccessException(this.root, "cannot prepare output folder " + this.root + ": "
                    + e.getMessage(), e);
        }
    }

    Path root() {
        return root;
    }

    /** Resolves a relative path and checks it stays inside the folder. */
    Path resolve(String relative) {
        Path target = root.resolve(relative).normalize();
        if (!target.startsWith(root) || target.equals(root)) {
            throw new ValidationException("generated file path", relative, "must stay inside " + root);
        }
        return target;
    }

    void writeText(String relative, String content) {
        write(relative, out -> out.write(content.getBytes(StandardCharsets.UTF_8)));
    }

    void copy(String relative, Path source, LongConsumer bytesCopied) {
        write(relative, out -> {
            try (InputStream in = Files.newInputStream(source)) {
                byte[] buffer = new byte[1 << 16];
                long total = 0;
                for (int n; (n = in.read(buffer)) > 0; ) {
                    out.write(buffer, 0, n);
                    total += n;
                    bytesCopied.accept(total);
                }
            }
        });
    }

    private void write(String relative, AtomicFiles.Body body) {
        Path target = resolve(relative);
        try {
            Files.createDirectories(target.getParent());
            files.write(target, body);
        } catch (IOException e) {
            throw new FileAccessException(target, "cannot write " + target + ": " + e.getMessage(), e);
        }
        written.add(root.relativize(target).toString().replace(target.getFileSystem().getSeparator(), "/"));
    }

    List<String> written() {
        return written.stream().sorted().distinct().toList();
    }
}
