package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.core.support.Setting;
import dev.modelbuilder.pipeline.implementation.PrivateFolder;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A folder of verified copies of packaged ONNX models, each named by its SHA-256, so that a runtime can load a model
 * from MLModel.zip by path: ONNX Runtime reads a file with fewer copies than a buffer handed over from Java, and the
 * model's bytes then never sit in the process twice.
 *
 * <p>Trust: the folder must be private to the user running the JVM, as ssh requires of {@code ~/.ssh} (on POSIX
 * systems owned by that user and writable by nobody else; a missing folder is created with mode 0700). A folder that
 * is not is not used at all: the package is read without a cache, after one warning. A copy is written once, beside
 * its final name, checked against the SHA-256 the package declares (member {@code model.sha256}), and moved into
 * place atomically; before every later use its content is hashed again and must still match that SHA-256 (its file
 * name), so a damaged or replaced copy is never used: it is replaced. A folder that cannot be written (read-only, or
 * without room for the model) is skipped the same way: the package loads without the cache. Entries not used for the
 * longest time (model copies and their optimized forms in {@code optimized/}) are removed when everything in the
 * folder grows over {@link #maxBytes()}. ONNX Runtime's native libraries, beside this folder in the SDK's cache
 * ({@code onnxruntime/<version>-<platform>/}), are not counted: the version in use is needed whatever the bound, and
 * the scoring runtime removes the other versions once no process has started them for a week.
 *
 * <pre>{@code
 * ModelPackage pkg = ModelPackage.read(Path.of("MLModel.zip"), ModelPackage.Limits.defaults(),
 *         ModelCache.defaultCache());
 * pkg.modelFile();   // Optional[~/.modelbuilder/cache/models/9f86d0...onnx]
 * }</pre>
 *
 * <p>Instances are immutable and may be shared; several processes may use one folder at once.
 */
public final class ModelCache {
    private static final Logger LOG = LoggerFactory.getLogger(ModelCache.class);

    /** The setting that moves the SDK's cache (default {@code ~/.modelbuilder/cache}). */
    public static final Setting CACHE_DIR = Setting.of("modelbuilder.cache.dir", "MODELBUILDER_CACHE_DIR",
            "the SDK's cache folder (model copies, optimized models, ONNX Runtime's native libraries)");
    /** The system property of {@link #CACHE_DIR}. */
    public static final String CACHE_PROPERTY = CACHE_DIR.property();
    /** The default bound on the folder's size: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String SUFFIX = ".onnx";
    /** The sub-folder of ONNX Runtime's optimized forms of the cached models. */
    static final String OPTIMIZED = "optimized";
    /** A partial copy this old was left by a process that died while writing it. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    /** Opens a new partial copy for writing; the seam through which tests fill the disk. */
    @FunctionalInterface
    interface PartialOpener {
        java.nio.channels.WritableByteChannel open(Path partial) throws IOException;
    }

    private final Path directory;
    private final long maxBytes;
    /** Why the folder is not used, or null when it is. */
    private final String unusable;
    private final PartialOpener opener;

    private ModelCache(Path directory, long maxBytes, String unusable, PartialOpener opener) {
        this.directory = directory;
        this.maxBytes = maxBytes;
        this.unusable = unusable;
        this.opener = opener;
    }

    /** Test seam: how partial copies are opened for writing. */
    ModelCache withPartialOpener(PartialOpener partialOpener) {
        return new ModelCache(directory, maxBytes, unusable, partialOpener);
    }

    java.nio.channels.WritableByteChannel openPartial(Path partial) throws IOException {
        return opener.open(partial);
    }

    /**
     * @return the cache in {@code models} under the SDK's cache folder: {@code ~/.modelbuilder/cache/models}, or under
     *     the folder {@link #CACHE_DIR} names; unused (after a warning) when that folder is not private to this user
     */
    public static ModelCache defaultCache() {
        return at(sdkCacheDirectory().resolve("models"));
    }

    /**
     * @return the SDK's cache folder, shared by the model copies and ONNX Runtime's native libraries:
     *     {@code ~/.modelbuilder/cache}, or the folder {@link #CACHE_DIR} names
     */
    public static Path sdkCacheDirectory() {
        return CACHE_DIR.value().map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".modelbuilder", "cache"));
    }

    /**
     * The SDK's cache folder when it may be trusted: created private to this user when missing (mode 0700 on POSIX),
     * or existing, owned by this user and writable by nobody else. Otherwise one warning says why and what to do.
     *
     * @return the folder, or empty when it must not be used
     */
    public static Optional<Path> privateSdkCacheDirectory() {
        Path root = sdkCacheDirectory().toAbsolutePath();
        Optional<String> problem = PrivateFolder.ensure(root);
        problem.ifPresent(why -> LOG.warn("not using the cache folder {}: {}; make it private to you (chmod 700) or "
                + "point {} at another folder", root, why, CACHE_DIR.howToSet()));
        return problem.isPresent() ? Optional.empty() : Optional.of(root);
    }

    /**
     * @param directory the folder to keep copies in (created private to this user with the first copy)
     * @return a cache there, bounded by {@link #DEFAULT_MAX_BYTES}; unused (after a warning) when the folder is not
     *     private to this user
     */
    public static ModelCache at(Path directory) {
        Path dir = Objects.requireNonNull(directory, "directory").toAbsolutePath();
        // a missing folder is created private when the first copy is written
        String problem = Files.exists(dir) ? PrivateFolder.ensure(dir).orElse(null) : null;
        if (problem != null) {
            LOG.warn("not using the model cache {}: {}; models are read without it. Make it private to you (chmod "
                    + "700) or point {} at another folder", dir, problem, CACHE_DIR.howToSet());
        }
        return new ModelCache(dir, DEFAULT_MAX_BYTES, problem,
                partial -> FileChannel.open(partial, StandardOpenOption.WRITE));
    }

    /**
     * @param bytes the most the folder may hold before the least recently used copies are removed (the copy just
     *     written always stays)
     * @return a cache in the same folder with that bound
     * @throws IllegalArgumentException if not positive
     */
    public ModelCache withMaxBytes(long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("maxBytes must be positive, got " + bytes);
        }
        return new ModelCache(directory, bytes, unusable, opener);
    }

    /** @return the folder */
    public Path directory() {
        return directory;
    }

    /** @return whether the folder may be used (it is private to this user) */
    public boolean isUsable() {
        return unusable == null;
    }

    /** @return the bound on the folder's size */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * The digest by which the cache names its entries and checks them before use; the runtime's caches (optimized
     * models, native libraries) record and check theirs the same way.
     *
     * @param file a file
     * @return its SHA-256 in lower-case hexadecimal
     * @throws FileAccessException if it cannot be read
     */
    public static String sha256(Path file) {
        try {
            return ModelDigest.sha256(file);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + " to compute its SHA-256: " + e, e);
        }
    }

    /**
     * @param hex a digest as a package declares it
     * @return whether it is a SHA-256 in lower-case hexadecimal
     */
    static boolean isSha256(String hex) {
        return SHA256_HEX.matcher(hex).matches();
    }

    /**
     * Finds a verified copy: present, of the given size, and whose content still has the SHA-256 it is named by (read
     * in full: a CRC can be forged, a SHA-256 cannot). Marks it used.
     *
     * @return the copy, or empty when there is none or it fails the check (it is then replaced by the next store)
     */
    Optional<Path> find(String sha256, long size) {
        if (unusable != null) {
            return Optional.empty();
        }
        Path copy = directory.resolve(sha256 + SUFFIX);
        try {
            if (!Files.isRegularFile(copy, java.nio.file.LinkOption.NOFOLLOW_LINKS) || Files.size(copy) != size) {
                return Optional.empty();
            }
            if (!ModelDigest.sha256(copy).equals(sha256)) {
                LOG.warn("the cached model {} has changed since it was written (its SHA-256 is no longer its name); "
                        + "not using it and replacing it", copy);
                return Optional.empty();
            }
            touch(copy);
            return Optional.of(copy);
        } catch (IOException e) {
            LOG.debug("cannot use the cached model {}", copy, e);
            return Optional.empty();
        }
    }

    /**
     * Opens a new partial copy in the folder, creating the folder when needed.
     *
     * @throws IOException if the folder cannot be created or written
     */
    Path newPartial(String sha256, long size) throws IOException {
        if (unusable != null) {
            throw new IOException("the folder is not private to this user: " + unusable);
        }
        Optional<String> notPrivate = PrivateFolder.ensure(directory);
        if (notPrivate.isPresent()) {
            throw new IOException("the folder is not private to this user: " + notPrivate.get());
        }
        long free = Files.getFileStore(directory).getUsableSpace();
        // room for the copy and a margin, so that the cache never fills the disk to its last byte
        if (free < size + (64L << 20)) {
            throw new IOException("only " + (free >> 20) + " MiB free, the model needs " + (size >> 20) + " MiB");
        }
        return Files.createTempFile(directory, sha256 + ".", ".partial");
    }

    /**
     * Moves a complete, verified copy into place (replacing a damaged one), then trims the folder to its bound.
     *
     * @return the copy's final path
     */
    Path commit(Path partial, String sha256) throws IOException {
        Path copy = directory.resolve(sha256 + SUFFIX);
        try (FileChannel ch = FileChannel.open(partial, StandardOpenOption.WRITE)) {
            ch.force(true);
        }
        AtomicFiles.replace(partial, copy);
        evictBeyondBound(copy);
        return copy;
    }

    /**
     * Removes least recently used models until everything in the folder fits the bound. A model is its copy and its
     * optimized forms in {@code optimized/} (files named by its SHA-256 first): they are counted, and go, together.
     * The model just written stays.
     */
    private void evictBeyondBound(Path keep) {
        List<Path> entries = new ArrayList<>();
        Instant now = Instant.now();
        try {
            collect(directory, now, entries);
            Path optimized = directory.resolve(OPTIMIZED);
            if (Files.isDirectory(optimized)) {
                collect(optimized, now, entries);
            }
            java.util.Map<String, List<Path>> models = new java.util.HashMap<>();
            long total = 0;
            for (Path p : entries) {
                models.computeIfAbsent(p.getFileName().toString().substring(0, 64), k -> new ArrayList<>()).add(p);
                total += Files.size(p);
            }
            String kept = keep.getFileName().toString().substring(0, 64);
            List<String> byLastUse = new ArrayList<>(models.keySet());
            byLastUse.sort(Comparator.comparing(sha -> models.get(sha).stream().map(ModelCache::lastUsed)
                    .max(Comparator.naturalOrder()).orElse(FileTime.fromMillis(0))));
            for (String sha : byLastUse) {
                if (total <= maxBytes) {
                    break;
                }
                if (!sha.equals(kept)) {
                    for (Path p : models.get(sha)) {
                        total -= Files.size(p);
                        Files.deleteIfExists(p);
                    }
                    LOG.debug("removed the least recently used cached model {}", sha);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot trim the model cache {}", directory, e);
        }
    }

    /** Adds the folder's entries (files named by a SHA-256) and deletes partial files left by dead processes. */
    private static void collect(Path folder, Instant now, List<Path> entries) throws IOException {
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(folder)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.endsWith(".partial") && age(p, now).compareTo(ABANDONED) > 0) {
                    Files.deleteIfExists(p);
                } else if (Files.isRegularFile(p, java.nio.file.LinkOption.NOFOLLOW_LINKS) && name.length() > 64
                        && isSha256(name.substring(0, 64)) && !name.endsWith(".partial")) {
                    entries.add(p);
                }
            }
        }
    }

    private static Duration age(Path p, Instant now) {
        return Duration.between(lastUsed(p).toInstant(), now);
    }

    private static FileTime lastUsed(Path p) {
        try {
            return Files.getLastModifiedTime(p);
        } catch (IOException e) {
            return FileTime.fromMillis(0);
        }
    }

    private static void touch(Path p) {
        try {
            Files.setLastModifiedTime(p, FileTime.from(Instant.now()));
        } catch (IOException e) {
            LOG.debug("cannot mark {} as used", p, e);
        }
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "ModelCache[%s, up to %d MiB]", directory, maxBytes >> 20);
    }
}
