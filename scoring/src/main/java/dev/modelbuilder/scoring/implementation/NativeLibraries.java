package dev.modelbuilder.scoring.implementation;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.pipeline.ModelCache;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.IOException;
import java.io.InputStream;
import java.net.JarURLConnection;
import java.net.URL;
import java.net.URLConnection;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Locale;

/**
 * Gives ONNX Runtime a stable folder for its native libraries in the SDK's cache
 * ({@code ~/.modelbuilder/cache/onnxruntime/<version>-<platform>}), so that it loads them from there instead of
 * extracting them into a new {@code onnxruntime-java*} temporary folder on every start, which it never removes.
 * The cache folder must be private to this user ({@link ModelCache#privateSdkCacheDirectory()}); each library is
 * written atomically with its SHA-256 beside it ({@code <file>.sha256}) and, before it is loaded again, its size must
 * match the classpath's copy and its content that SHA-256, or it is written again. Each start marks its version's
 * folder used and removes the folders of other versions not used for {@link #UNUSED_VERSION_KEPT} (an upgrade would
 * otherwise leave every old version behind, tens of MB each); a recently used one may belong to another application
 * on this machine and stays. Does nothing when
 * {@value #NATIVE_PATH} is already set, when the cache folder is not private, or when the libraries are not on the
 * classpath (ONNX Runtime then extracts them itself, or finds them on the library path).
 */
public final class NativeLibraries {
    /** ONNX Runtime's system property naming a folder with its native libraries. */
    public static final String NATIVE_PATH = "onnxruntime.native.path";

    private static final Logger LOG = LoggerFactory.getLogger(NativeLibraries.class);
    private static final List<String> LIBRARIES = List.of("onnxruntime", "onnxruntime4j_jni",
            "onnxruntime_providers_shared", "onnxruntime_providers_cuda");

    /** How long the libraries of a version no process has started stay in the cache. */
    static final Duration UNUSED_VERSION_KEPT = Duration.ofDays(7);

    private NativeLibraries() {
    }

    /**
     * Extracts the libraries into the cache, when needed, and points ONNX Runtime at them. Call before ONNX Runtime's
     * classes are first used; a failure is logged and leaves ONNX Runtime to its own extraction.
     *
     * @param loader the class loader that holds ONNX Runtime
     */
    public static void prepare(ClassLoader loader) {
        if (System.getProperty(NATIVE_PATH) != null) {
            return;
        }
        String platform = platform();
        if (platform == null) {
            return;
        }
        String prefix = "ai/onnxruntime/native/" + platform + "/";
        URL main = loader.getResource(prefix + System.mapLibraryName("onnxruntime"));
        if (main == null) {
            return;
        }
        Path cache = ModelCache.privateSdkCacheDirectory().orElse(null);
        if (cache == null) {
            return;
        }
        try {
            Path dir = cache.resolve("onnxruntime").resolve(version(main) + "-" + platform);
            Files.createDirectories(dir);
            // dated before its files are checked or written, so that another version's tidying, which spares folders
            // used in the last 7 days, cannot take it while this process loads from it
            markUsed(dir);
            for (String lib : LIBRARIES) {
                String file = System.mapLibraryName(lib);
                URL url = loader.getResource(prefix + file);
                if (url != null) {
                    extract(url, dir.resolve(file));
                }
            }
            System.setProperty(NATIVE_PATH, dir.toAbsolutePath().toString());
            removeUnusedVersions(dir.getParent(), dir, Instant.now());
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot cache the ONNX Runtime native libraries; ONNX Runtime extracts them itself", e);
        }
    }

    /** Dates the version's folder now, so that another process's tidying sees it in use. */
    private static void markUsed(Path dir) {
        try {
            Files.setLastModifiedTime(dir, FileTime.from(Instant.now()));
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot mark {} as used", dir, e);
        }
    }

    /**
     * Removes the folders of other versions whose last start is older than {@link #UNUSED_VERSION_KEPT}; the folder in
     * use stays whatever its age. A link is left alone, never followed; a file that cannot be removed (a library
     * loaded on Windows) is left for a later start. A process that has run longer than that keeps its libraries: on
     * POSIX systems a loaded library stays mapped after its file is removed.
     */
    static void removeUnusedVersions(Path versions, Path inUse, Instant now) {
        try (DirectoryStream<Path> dirs = Files.newDirectoryStream(versions)) {
            for (Path dir : dirs) {
                if (!dir.equals(inUse) && Files.isDirectory(dir, LinkOption.NOFOLLOW_LINKS)
                        && !Files.getLastModifiedTime(dir, LinkOption.NOFOLLOW_LINKS).toInstant()
                                .isAfter(now.minus(UNUSED_VERSION_KEPT))) {
                    removeVersion(dir);
                }
            }
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot list the ONNX Runtime libraries in {}", versions, e);
        }
    }

    private static void removeVersion(Path dir) {
        try {
            try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
                for (Path f : files) {
                    Files.deleteIfExists(f); // no sub-folders are written; one found makes the folder stay
                }
            }
            Files.deleteIfExists(dir);
            LOG.debug("removed the ONNX Runtime libraries {}, unused for {} days", dir, UNUSED_VERSION_KEPT.toDays());
        } catch (IOException | RuntimeException e) {
            LOG.debug("cannot remove the unused ONNX Runtime libraries {}", dir, e);
        }
    }

    private static void extract(URL url, Path target) throws IOException {
        URLConnection c = url.openConnection();
        long size = c.getContentLengthLong();
        Path digest = target.resolveSibling(target.getFileName() + ".sha256");
        if (size >= 0 && unchanged(target, digest, size)) {
            return;
        }
        Path temp = Files.createTempFile(target.getParent(), "." + target.getFileName(), ".tmp");
        try {
            try (InputStream in = c.getInputStream()) {
                Files.copy(in, temp, StandardCopyOption.REPLACE_EXISTING);
            }
            // the digest first: a library without its digest, or with another's, is extracted again
            AtomicFiles.system().write(digest, ModelCache.sha256(temp).getBytes(StandardCharsets.US_ASCII));
            AtomicFiles.replace(temp, target);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Whether an extracted library is the size of the classpath's and still has the SHA-256 recorded beside it. */
    static boolean unchanged(Path library, Path digest, long size) {
        try {
            if (!Files.isRegularFile(library, LinkOption.NOFOLLOW_LINKS) || Files.size(library) != size
                    || !Files.isRegularFile(digest, LinkOption.NOFOLLOW_LINKS)) {
                return false;
            }
            String recorded = Files.readString(digest, StandardCharsets.US_ASCII).strip();
            if (recorded.equals(ModelCache.sha256(library))) {
                return true;
            }
            LOG.warn("the cached ONNX Runtime library {} has changed since it was written; writing it again", library);
            return false;
        } catch (IOException | FileAccessException e) {
            return false;
        }
    }

    /** The jar's version from its file name (onnxruntime-1.23.2.jar), else the jar's size, so versions never mix. */
    private static String version(URL resource) throws IOException {
        URLConnection c = resource.openConnection();
        if (c instanceof JarURLConnection jar) {
            String name = Path.of(jar.getJarFileURL().getPath()).getFileName().toString();
            String v = name.replaceAll("\\.jar$", "").replaceAll("[^A-Za-z0-9._-]", "_");
            return v + "-" + Long.toHexString(Files.size(Path.of(jar.getJarFileURL().getPath())));
        }
        return "classes-" + Long.toHexString(c.getContentLengthLong());
    }

    /** The platform folder name ONNX Runtime's jar uses, or null for one it does not ship. */
    static String platform() {
        String os = System.getProperty("os.name", "").toLowerCase(Locale.ROOT);
        String arch = System.getProperty("os.arch", "").toLowerCase(Locale.ROOT);
        String o = os.contains("mac") || os.contains("darwin") ? "osx" : os.contains("win") ? "win"
                : os.contains("nux") ? "linux" : null;
        String a = arch.startsWith("amd64") || arch.startsWith("x86_64") ? "x64"
                : arch.startsWith("aarch64") || arch.startsWith("arm64") ? "aarch64" : null;
        return o == null || a == null ? null : o + "-" + a;
    }
}
