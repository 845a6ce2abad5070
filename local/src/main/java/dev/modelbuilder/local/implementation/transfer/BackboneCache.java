package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.StandardOpenOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * The folder of downloaded backbones ({@link TransferLearning#BACKBONE_CACHE}): a catalog entry is
 * downloaded once, into {@code NAME.part}, resumed with an HTTP range request after a dropped connection (or
 * restarted when the server does not resume), checked against its size and SHA-256, and only then renamed to its
 * final name. A file of the wrong size or checksum is refused and removed. Thread-safe for distinct entries; one
 * process at a time per entry.
 */
final class BackboneCache {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BackboneCache.class);
    /** The JVM-wide side of the download lock, one monitor per backbone file (see {@link #fetch}). */
    private static final java.util.concurrent.ConcurrentMap<Path, Object> IN_PROCESS =
            new java.util.concurrent.ConcurrentHashMap<>();
    private static final int ATTEMPTS = 4;

    private final Path dir;
    private final HttpClient client;
    private final Duration timeout;

    /**
     * @param dir the cache folder (created when needed)
     * @param connectTimeout how long to wait for a connection and for each response
     */
    BackboneCache(Path dir, Duration connectTimeout) {
        this.dir = dir;
        this.timeout = connectTimeout;
        this.client = HttpClient.newBuilder().connectTimeout(connectTimeout)
                .followRedirects(HttpClient.Redirect.NORMAL).build();
    }

    /** @return the cache folder */
    Path dir() {
        return dir;
    }

    /**
     * @param entry a catalog entry
     * @return where its file lives when downloaded
     */
    Path fileOf(BackboneCatalog.Entry entry) {
        return dir.resolve(entry.fileName());
    }

    /**
     * @param entry a catalog entry
     * @return the verified file when it is in the cache (a file that fails the check is removed)
     */
    Optional<Path> cached(BackboneCatalog.Entry entry) {
        Path file = fileOf(entry);
        if (!Files.isRegularFile(file)) {
            return Optional.empty();
        }
        try {
            if (Files.size(file) == entry.size() && sha256(file).equals(entry.sha256())) {
                return Optional.of(file);
            }
            Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the cached backbone " + file + ": " + e.getMessage(), e);
        }
        return Optional.empty();
    }

    /**
     * Returns the entry's file, downloading it first when it is not in the cache.
     *
     * @param entry a catalog entry
     * @param events told of the bytes that arrive ({@code DOWNLOAD_BACKBONE}), at most once per percent
     * @param cancelled polled while downloading
     * @return the verified file
     * @throws ModelLoadException if it cannot be downloaded (saying which file to put where) or fails the check
     * @throws java.util.concurrent.CancellationException when {@code cancelled} says so
     */
    Path fetch(BackboneCatalog.Entry entry, ProgressListener events, BooleanSupplier cancelled) {
        Optional<Path> hit = cached(entry);
        if (hit.isPresent()) {
            return hit.get();
        }
        Path file = fileOf(entry);
        Path part = file.resolveSibling(entry.fileName() + ".part");
        try {
            Files.createDirectories(dir);
            // one download at a time per file, across processes (the file lock) and threads of this JVM (the monitor:
            // a JVM holds one file lock per file, a second lock() from it would throw): two writers of one .part
            // would interleave their bytes
            synchronized (IN_PROCESS.computeIfAbsent(file.toAbsolutePath(), k -> new Object())) {
                return fetchLocked(entry, file, part, events, cancelled);
            }
        } catch (IOException e) {
            throw new ModelLoadException("cannot store backbone '" + entry.name() + "' in " + dir + ": "
                    + e.getMessage(), e);
        }
    }

    private Path fetchLocked(BackboneCatalog.Entry entry, Path file, Path part, ProgressListener events,
            BooleanSupplier cancelled) throws IOException {
        try (FileChannel lockFile = FileChannel.open(file.resolveSibling(entry.fileName() + ".lock"),
                StandardOpenOption.CREATE, StandardOpenOption.WRITE);
             FileLock lock = lockFile.lock()) {
            LOG.debug("holding {} while the backbone is fetched", lock);
            Optional<Path> meanwhile = cached(entry);
            if (meanwhile.isPresent()) {
                return meanwhile.get(); // another thread or process finished it while this one waited
            }
            return downloadLocked(entry, file, part, events, cancelled);
        }
    }

    private Path downloadLocked(BackboneCatalog.Entry entry, Path file, Path part, ProgressListener events,
            BooleanSupplier cancelled) throws IOException {
        IOException last = null;
        for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
            try {
                download(entry, part, events, cancelled);
                last = null;
                break;
            } catch (ConnectException | UnknownHostException | HttpTimeoutException e) {
                throw unreachable(entry, file, e);
            } catch (IOException e) {
                last = e; // a dropped connection: resume from what arrived
            }
        }
        if (last != null) {
            throw unreachable(entry, file, last);
        }
        long size = Files.size(part);
        String sum = sha256(part);
        if (size != entry.size() || !sum.equals(entry.sha256())) {
            Files.deleteIfExists(part);
            throw new ModelLoadException("the download of backbone '" + entry.name() + "' from " + entry.url()
                    + " was refused and removed: it has " + size + " bytes and SHA-256 " + sum + ", expected "
                    + entry.size() + " bytes and SHA-256 " + entry.sha256() + "; try again, or put the right file"
                    + " at " + file);
        }
        Files.move(part, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        return file;
    }

    private ModelLoadException unreachable(BackboneCatalog.Entry entry, Path file, IOException cause) {
        return new ModelLoadException("cannot download backbone '" + entry.name() + "' from " + entry.url() + " ("
                + (cause.getMessage() == null ? cause.getClass().getSimpleName() : cause.getMessage())
                + "). Without a network, download " + entry.fileName() + " (" + entry.size() + " bytes, SHA-256 "
                + entry.sha256() + ") elsewhere and put it at " + file + " (set "
                + TransferLearning.BACKBONE_CACHE.howToSet() + " to use another folder)", cause);
    }

    private void download(BackboneCatalog.Entry entry, Path part, ProgressListener events, BooleanSupplier cancelled)
            throws IOException {
        long have = Files.isRegularFile(part) ? Files.size(part) : 0;
        if (have >= entry.size()) {
            Files.deleteIfExists(part); // complete but not accepted before, or too long: start again
            have = 0;
        }
        HttpRequest.Builder request = HttpRequest.newBuilder(entry.url()).timeout(timeout).GET();
        if (have > 0) {
            request.header("Range", "bytes=" + have + "-");
        }
        HttpResponse<InputStream> response;
        try {
            response = client.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new java.util.concurrent.CancellationException("interrupted while downloading " + entry.name());
        }
        int status = response.statusCode();
        boolean resumed = status == 206 && have > 0;
        if (status != 200 && !resumed) {
            response.body().close();
            if (status == 206) {
                throw new IOException("unexpected partial content");
            }
            throw new ConnectException("HTTP status " + status);
        }
        long done = resumed ? have : 0;
        Percent progress = new Percent(events, entry.size());
        try (InputStream in = response.body();
             FileChannel channel = FileChannel.open(part, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                     resumed ? StandardOpenOption.APPEND : StandardOpenOption.TRUNCATE_EXISTING);
             OutputStream out = java.nio.channels.Channels.newOutputStream(channel)) {
            byte[] buffer = new byte[1 << 16];
            int n;
            progress.report(done);
            while ((n = in.read(buffer)) > 0) {
                if (cancelled.getAsBoolean()) {
                    throw new java.util.concurrent.CancellationException("cancelled while downloading "
                            + entry.name());
                }
                out.write(buffer, 0, n);
                done += n;
                progress.report(done);
                if (done > entry.size()) {
                    break; // longer than it should be: the checksum check refuses it
                }
            }
        }
        if (done < entry.size()) {
            throw new IOException("connection closed after " + done + " of " + entry.size() + " bytes");
        }
    }

    /** Reports bytes as {@code DOWNLOAD_BACKBONE} progress, once per percent and at the end, not per buffer. */
    private static final class Percent {
        private final ProgressListener events;
        private final long total;
        private final long step;
        private long reported = -1;

        Percent(ProgressListener events, long total) {
            this.events = events;
            this.total = total;
            this.step = Math.max(1, total / 100);
        }

        void report(long done) {
            if (done == total || done / step != reported / step) {
                reported = done;
                events.onEvent(new ProgressEvent.StepProgress(WorkStep.DOWNLOAD_BACKBONE, done, total, "bytes"));
            }
        }
    }

    /**
     * @param file a file
     * @return its SHA-256, lower-case hex
     * @throws IOException if it cannot be read
     */
    static String sha256(Path file) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buffer = new byte[1 << 16];
            int n;
            while ((n = in.read(buffer)) > 0) {
                md.update(buffer, 0, n);
            }
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is missing from this JDK", e);
        }
    }
}
