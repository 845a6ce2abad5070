package dev.modelbuilder.core.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * Crash-safe file writes: the content goes to a temporary file beside the target, is forced to the disk (fsync),
 * and replaces the target with one atomic rename; the folder is then forced too. A reader sees the old file or the
 * new one, never a torn one, and a failed write (a full disk, say) leaves the old file as it was and no temporary
 * file behind.
 *
 * <p>The {@link Opener} is the seam through which every byte is written, so tests can make writes fail.
 */
public final class AtomicFiles {

    /** Opens a file for writing; the seam tests replace to simulate a full disk. */
    @FunctionalInterface
    public interface Opener {
        /**
         * @param file a new temporary file to create and write
         * @return the stream
         * @throws IOException when the file cannot be created
         */
        OutputStream open(Path file) throws IOException;
    }

    /** Writes content to a stream. */
    @FunctionalInterface
    public interface Body {
        /**
         * @param out the stream (do not close it)
         * @throws IOException when writing fails
         */
        void writeTo(OutputStream out) throws IOException;
    }

    private final Opener opener;

    /** @param opener how files are opened for writing */
    public AtomicFiles(Opener opener) {
        this.opener = Objects.requireNonNull(opener, "opener");
    }

    /** @return writes through the real file system */
    public static AtomicFiles system() {
        return new AtomicFiles(file -> Files.newOutputStream(file, StandardOpenOption.CREATE_NEW,
                StandardOpenOption.WRITE));
    }

    /**
     * @param target the file to replace
     * @param bytes its new content
     * @throws IOException when it cannot be written; the old file is then unchanged
     */
    public void write(Path target, byte[] bytes) throws IOException {
        write(target, out -> out.write(bytes));
    }

    /**
     * @param target the file to replace
     * @param body writes its new content
     * @throws IOException when it cannot be written; the old file is then unchanged
     */
    public void write(Path target, Body body) throws IOException {
        Path temp = writeTemp(target, body);
        try {
            commit(temp, target);
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    /**
     * @param source a file to copy
     * @param target the file to replace with the copy
     * @throws IOException when it cannot be copied; the old target is then unchanged
     */
    public void copy(Path source, Path target) throws IOException {
        write(target, out -> {
            try (InputStream in = Files.newInputStream(source)) {
                in.transferTo(out);
            }
        });
    }

    /**
     * Replaces several files so that either all temporary copies are written before any target changes, or (on a
     * write failure) no target changes at all.
     *
     * @param sources files to copy
     * @param targets the files to replace, in the same order
     * @throws IOException when a copy cannot be written (no target changed) or a rename fails
     */
    public void copyAll(List<Path> sources, List<Path> targets) throws IOException {
        if (sources.size() != targets.size()) {
            throw new IllegalArgumentException("sources and targets differ in number");
        }
        List<Path> temps = new ArrayList<>();
        try {
            for (int i = 0; i < sources.size(); i++) {
                Path source = sources.get(i);
                temps.add(writeTemp(targets.get(i), out -> {
                    try (InputStream in = Files.newInputStream(source)) {
                        in.transferTo(out);
                    }
                }));
            }
            for (int i = 0; i < temps.size(); i++) {
                commit(temps.get(i), targets.get(i));
            }
        } finally {
            for (Path t : temps) {
                Files.deleteIfExists(t);
            }
        }
    }

    /**
     * Puts a complete file that was written elsewhere in place of the target: forces it to the disk, renames it over
     * the target atomically (where the file system allows) and forces the folder.
     *
     * @param complete the new content, a file in the target's folder (a rename across file systems is a copy)
     * @param target the file to replace
     * @throws IOException when the rename fails; the old target is then unchanged
     */
    public static void replace(Path complete, Path target) throws IOException {
        try (FileChannel ch = FileChannel.open(complete, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        commit(complete, target);
    }

    /**
     * Renames a folder over a missing target atomically, forcing the parent folder afterwards.
     *
     * @param staging a complete folder
     * @param target where it goes (must not exist)
     * @throws IOException when the rename fails
     */
    public static void moveFolder(Path staging, Path target) throws IOException {
        Files.move(staging, target, StandardCopyOption.ATOMIC_MOVE);
        forceFolder(target.toAbsolutePath().getParent());
    }

    private Path writeTemp(Path target, Body body) throws IOException {
        Path dir = target.toAbsolutePath().getParent();
        Files.createDirectories(dir);
        Path temp = dir.resolve("." + target.getFileName() + "." + UUID.randomUUID() + ".tmp");
        try {
            try (OutputStream out = opener.open(temp)) {
                body.writeTo(out);
            }
            try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
                ch.force(true);
            }
            return temp;
        } catch (IOException | RuntimeException e) {
            Files.deleteIfExists(temp);
            throw e;
        }
    }

    private static void commit(Path temp, Path target) throws IOException {
        try {
            Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (AtomicMoveNotSupportedException e) {
            Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
        }
        forceFolder(target.toAbsolutePath().getParent());
    }

    /** Forces a folder's entries to the disk where the platform allows it (Linux, macOS); elsewhere a no-op. */
    static void forceFolder(Path dir) {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        } catch (IOException | UnsupportedOperationException e) {
            // Windows cannot open folders as channels; its renames are durable by other means
        }
    }

    /**
     * Deletes a file tree, ignoring what is already gone.
     *
     * @param root the tree
     * @throws IOException when something cannot be deleted
     */
    public static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root)) {
            return;
        }
        try (var walk = Files.walk(root)) {
            List<Path> all = walk.sorted(java.util.Comparator.reverseOrder()).toList();
            for (Path p : all) {
                Files.deleteIfExists(p);
            }
        }
    }
}
