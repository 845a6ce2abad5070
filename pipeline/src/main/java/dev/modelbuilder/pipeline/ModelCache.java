package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.support.AtomicFiles;
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
 * <p>A copy is written once, beside its final name, checked against the SHA-256 the package declares (member
 * {@code model.sha256}), and moved into place atomically; on every later use its size and CRC-32 are checked against
 * the package's entry before it is used, and a copy that fails is replaced. Copies not used for the longest time are
 * removed when the folder grows over {@link #maxBytes()}.
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

    /** The system property that moves the SDK's cache (default {@code ~/.modelbuilder/cache}). */
    public static final String CACHE_PROPERTY = "modelbuilder.cache.dir";
    /** The default bound on the folder's size: 4 GiB. */
    public static final long DEFAULT_MAX_BYTES = 4L << 30;

    private static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");
    private static final String SUFFIX = ".onnx";
    /** A copy used this recently is never evicted: another process may be about to load it. */
    private static final Duration IN_USE = Duration.ofMinutes(10);
    /** A partial copy this old was left by a process that died while writing it. */
    private static final Duration ABANDONED = Duration.ofHours(1);

    private final Path directory;
    private final long maxBytes;

    private ModelCache(Path directory, long maxBytes) {
        this.directory = directory;
        this.maxBytes = maxBytes;
    }

    /**
     * @return the cache in {@code models} under the SDK's cache folder: {@code ~/.modelbuilder/cache/models}, or under
     *     the folder the system property {@value #CACHE_PROPERTY} names
     */
    public static ModelCache defaultCache() {
        return at(sdkCacheDirectory().resolve("models"));
    }

    /**
     * @return the SDK's cache folder, shared by the model copies and ONNX Runtime's native libraries:
     *     {@code ~/.modelbuilder/cache}, or the folder the system property {@value #CACHE_PROPERTY} names
     */
    public static Path sdkCacheDirectory() {
        String root = System.getProperty(CACHE_PROPERTY);
        return root != null && !root.isBlank() ? Path.of(root)
                : Path.of(System.getProperty("user.home"), ".modelbuilder", "cache");
    }

    /**
     * @param directory the folder to keep copies in (created when the first copy is written)
     * @return a cache there, bounded by {@link #DEFAULT_MAX_BYTES}
     */
    public static ModelCache at(Path directory) {
        return new ModelCache(Objects.requireNonNull(directory, "directory").toAbsolutePath(), DEFAULT_MAX_BYTES);
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
        return new ModelCache(directory, bytes);
    }

    /** @return the folder */
    public Path directory() {
        return directory;
    }

    /** @return the bound on the folder's size */
    public long maxBytes() {
        return maxBytes;
    }

    /**
     * @param hex a digest as a package declares it
     * @return whether it is a SHA-256 in lower-case hexadecimal
     */
    static boolean isSha256(String hex) {
        return SHA256_HEX.matcher(hex).matches();
    }

    /**
     * Finds a verified copy: present, of the given size, and with the given CRC-32 (read in full). Marks it used.
     *
     * @return the copy, or empty when there is none or it fails the check (it is then replaced by the next store)
     */
    Optional<Path> find(String sha256, long size, long crc) {
        Path copy = directory.resolve(sha256 + SUFFIX);
        try {
            if (!Files.isRegularFile(copy) || Files.size(copy) != size) {
                return Optional.empty();
            }
            if (ModelDigest.crc32(copy) != crc) {
                LOG.warn("the cached model {} is damaged (its CRC-32 differs from the package's); replacing it", copy);
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
    Path newPartial(String sha256) throws IOException {
        Files.createDirectories(directory);
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

    private void evictBeyondBound(Path keep) {
        List<Path> copies = new ArrayList<>();
        Instant now = Instant.now();
        try (DirectoryStream<Path> dir = Files.newDirectoryStream(directory)) {
            for (Path p : dir) {
                String name = p.getFileName().toString();
                if (name.endsWith(".partial") && age(p, now).compareTo(ABANDONED) > 0) {
                    Files.deleteIfExists(p);
                } else if (name.endsWith(SUFFIX) && isSha256(name.substring(0, name.length() - SUFFIX.length()))) {
                    copies.add(p);
                }
            }
            long total = 0;
            for (Path p : copies) {
                total += Files.size(p);
            }
            copies.sort(Comparator.comparing(ModelCache::lastUsed));
            for (Path p : copies) {
                if (total <= maxBytes) {
                    break;
                }
                if (!p.equals(keep) && age(p, now).compareTo(IN_USE) > 0) {
                    total -= Files.size(p);
                    Files.deleteIfExists(p);
                    LOG.debug("removed the least recently used cached model {}", p);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot trim the model cache {}", directory, e);
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
