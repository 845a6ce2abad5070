package dev.modelbuilder.pipeline.implementation;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Optional;
import java.util.Set;

/**
 * A folder only its user may change, as ssh requires of {@code ~/.ssh}: files in it are trusted because nobody else
 * can have put them there. On POSIX systems the folder must be owned by the user running the JVM and writable by
 * nobody else (no group or other write bit); a missing folder is created with mode 0700. Other file systems (Windows
 * ACLs) are trusted as they are.
 */
public final class PrivateFolder {
    private static final Set<PosixFilePermission> OWNER_ONLY = PosixFilePermissions.fromString("rwx------");

    private PrivateFolder() {
    }

    /**
     * Creates the folder (and missing parents) private to this user, or checks the existing one.
     *
     * @param folder the folder
     * @return empty when it is usable; otherwise why not, in words, e.g. {@code it is writable by other users (mode
     *     rwxrwxrwx)}
     */
    public static Optional<String> ensure(Path folder) {
        try {
            if (!Files.exists(folder)) {
                create(folder);
            }
            return problem(folder);
        } catch (IOException | UnsupportedOperationException | SecurityException e) {
            return Optional.of("it cannot be created or read (" + e + ")");
        }
    }

    /**
     * @param folder an existing folder
     * @return empty when only its owner, this user, can change it; otherwise why not
     * @throws IOException if its attributes cannot be read
     */
    static Optional<String> problem(Path folder) throws IOException {
        if (!Files.isDirectory(folder)) {
            return Optional.of("it is not a folder");
        }
        if (!FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            return Optional.empty();
        }
        PosixFileAttributes a = Files.readAttributes(folder, PosixFileAttributes.class);
        String me = System.getProperty("user.name");
        if (me != null && !a.owner().getName().equals(me)) {
            return Optional.of("it belongs to user '" + a.owner().getName() + "', not to '" + me + "'");
        }
        Set<PosixFilePermission> p = a.permissions();
        if (p.contains(PosixFilePermission.GROUP_WRITE) || p.contains(PosixFilePermission.OTHERS_WRITE)) {
            return Optional.of("it is writable by other users (mode " + PosixFilePermissions.toString(p) + ")");
        }
        if (Files.isSymbolicLink(folder) && problem(folder.toRealPath()).isPresent()) {
            return problem(folder.toRealPath());
        }
        return Optional.empty();
    }

    private static void create(Path folder) throws IOException {
        Path parent = folder.toAbsolutePath().getParent();
        if (parent != null && !Files.exists(parent)) {
            create(parent);
        }
        if (FileSystems.getDefault().supportedFileAttributeViews().contains("posix")) {
            try {
                Files.createDirectory(folder, PosixFilePermissions.asFileAttribute(OWNER_ONLY));
                // the umask may have taken bits away from the requested mode, never added: set it exactly
                Files.setPosixFilePermissions(folder, OWNER_ONLY);
            } catch (java.nio.file.FileAlreadyExistsException e) {
                // another process made it meanwhile; the caller checks it
            }
        } else {
            Files.createDirectories(folder);
        }
        if (!Files.isDirectory(folder, LinkOption.NOFOLLOW_LINKS) && !Files.isDirectory(folder)) {
            throw new IOException(folder + " is not a folder");
        }
    }
}
