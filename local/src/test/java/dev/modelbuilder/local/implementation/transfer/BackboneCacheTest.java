package dev.modelbuilder.local.implementation.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Downloads from an HTTP server of the test's own on 127.0.0.1. */
class BackboneCacheTest {
    private static final byte[] FILE = new byte[300_000];

    static {
        new Random(1).nextBytes(FILE);
    }

    @TempDir
    Path dir;
    private HttpServer server;
    private java.util.concurrent.ExecutorService handlers;
    /** The Range header of each request ("" when none). */
    private final List<String> ranges = new CopyOnWriteArrayList<>();

    /** How the server answers request number {@code n} (from 0). */
    private interface Behaviour {
        void answer(HttpExchange exchange, int n, String range) throws IOException;
    }

    private URI serve(Behaviour behaviour) throws IOException {
        server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        handlers = java.util.concurrent.Executors.newCachedThreadPool(); // answers requests at once, side by side
        server.setExecutor(handlers);
        AtomicInteger count = new AtomicInteger();
        server.createContext("/m.onnx", exchange -> {
            String range = exchange.getRequestHeaders().getFirst("Range");
            ranges.add(range == null ? "" : range);
            try {
                behaviour.answer(exchange, count.getAndIncrement(), range);
            } finally {
                exchange.close();
            }
        });
        server.start();
        return URI.create("http://127.0.0.1:" + server.getAddress().getPort() + "/m.onnx");
    }

    @AfterEach
    void stop() {
        if (server != null) {
            server.stop(0);
            handlers.shutdownNow();
        }
    }

    private static BackboneCatalog.Entry entry(URI url) throws Exception {
        String sha = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(FILE));
        return new BackboneCatalog.Entry("test", "test.onnx", url, sha, FILE.length, PreprocessingSpec.squash(32),
                null, "test backbone");
    }

    private static void send(HttpExchange e, int status, byte[] body, int from, int length) throws IOException {
        e.sendResponseHeaders(status, length);
        try (OutputStream out = e.getResponseBody()) {
            out.write(body, from, length);
        }
    }

    /** Full file, or the rest of it for a Range request. */
    private static void full(HttpExchange e, String range) throws IOException {
        if (range != null) {
            int from = Integer.parseInt(range.replaceAll("bytes=(\\d+)-", "$1"));
            e.getResponseHeaders().add("Content-Range", "bytes " + from + "-" + (FILE.length - 1) + "/" + FILE.length);
            send(e, 206, FILE, from, FILE.length - from);
        } else {
            send(e, 200, FILE, 0, FILE.length);
        }
    }

    /** Announces the whole file, sends a third of it, and drops the connection (the exchange closes early). */
    private static void dropped(HttpExchange e) throws IOException {
        e.sendResponseHeaders(200, FILE.length);
        OutputStream out = e.getResponseBody();
        out.write(FILE, 0, FILE.length / 3);
        out.flush();
    }

    @Test
    void downloadsOnceVerifiesAndReportsProgress() throws Exception {
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> full(e, range)));
        BackboneCache cache = new BackboneCache(dir, Duration.ofSeconds(5));
        List<ProgressEvent.StepProgress> progress = new CopyOnWriteArrayList<>();
        Path file = cache.fetch(entry, e -> progress.add((ProgressEvent.StepProgress) e), () -> false);
        assertThat(file).isEqualTo(dir.resolve("test.onnx")).hasBinaryContent(FILE);
        assertThat(progress).allSatisfy(p -> {
            assertThat(p.step()).isEqualTo(WorkStep.DOWNLOAD_BACKBONE);
            assertThat(p.unit()).isEqualTo("bytes");
            assertThat(p.total()).isEqualTo(FILE.length);
        });
        assertThat(progress).last().extracting(ProgressEvent.StepProgress::done).isEqualTo((long) FILE.length);
        assertThat(progress).as("at most once per percent, plus the start").hasSizeLessThanOrEqualTo(102);
        assertThat(cache.fetch(entry, ProgressListener.none(), () -> false)).isEqualTo(file);
        assertThat(cache.cached(entry)).contains(file);
        assertThat(ranges).hasSize(1);
        assertThat(dir.resolve("test.onnx.part")).doesNotExist();
    }

    @Test
    void twoFetchesOfOneBackboneAtOnceDownloadItOnce() throws Exception {
        java.util.concurrent.CountDownLatch bothAsked = new java.util.concurrent.CountDownLatch(1);
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> {
            try {
                bothAsked.await(5, java.util.concurrent.TimeUnit.SECONDS); // give the other fetch time to collide
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            full(e, range);
        }));
        // two caches of one folder, as two providers (or two processes) would have
        BackboneCache first = new BackboneCache(dir, Duration.ofSeconds(10));
        BackboneCache second = new BackboneCache(dir, Duration.ofSeconds(10));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newFixedThreadPool(2);
        try {
            var a = pool.submit(() -> first.fetch(entry, ProgressListener.none(), () -> false));
            var b = pool.submit(() -> second.fetch(entry, ProgressListener.none(), () -> false));
            Thread.sleep(300);
            bothAsked.countDown();
            assertThat(a.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasBinaryContent(FILE);
            assertThat(b.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasBinaryContent(FILE);
        } finally {
            pool.shutdownNow();
        }
        assertThat(ranges).as("one download; the other waited and found the file").hasSize(1);
    }

    @Test
    void aSecondProcessWaitsForTheFileLockAndUsesTheFirstOnesDownload() throws Exception {
        java.util.concurrent.CountDownLatch firstAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch secondAsked = new java.util.concurrent.CountDownLatch(1);
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> {
            (n == 0 ? firstAsked : secondAsked).countDown();
            try {
                release.await(30, java.util.concurrent.TimeUnit.SECONDS);
            } catch (InterruptedException interrupted) {
                Thread.currentThread().interrupt();
            }
            full(e, range);
        }));
        java.util.concurrent.ExecutorService pool = java.util.concurrent.Executors.newSingleThreadExecutor();
        Process other = null;
        try {
            var mine = pool.submit(() -> new BackboneCache(dir, Duration.ofSeconds(30)).fetch(entry,
                    ProgressListener.none(), () -> false));
            // this JVM's request is being answered: it holds the file lock now
            assertThat(firstAsked.await(10, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            // another JVM: its threads do not share this one's monitor, only the file lock keeps it out
            other = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-XX:-UsePerfData", "-cp", System.getProperty("java.class.path"),
                    FetchInAnotherJvm.class.getName(), dir.toString(), entry.url().toString(), entry.sha256(),
                    Long.toString(entry.size())).redirectErrorStream(true).start();
            java.io.BufferedReader lines = new java.io.BufferedReader(new java.io.InputStreamReader(
                    other.getInputStream(), java.nio.charset.StandardCharsets.UTF_8));
            java.util.concurrent.CompletableFuture<String> firstLines = java.util.concurrent.CompletableFuture
                    .supplyAsync(() -> {
                        try {
                            return lines.readLine() + "|" + lines.readLine();
                        } catch (java.io.IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    });
            // the other JVM found the lock file locked by this process, then went on to fetch with its classes loaded
            assertThat(firstLines.get(60, java.util.concurrent.TimeUnit.SECONDS))
                    .isEqualTo("LOCK HELD ELSEWHERE|FETCHING");
            // without the lock its request would arrive within these seconds (a local connection takes ms)
            assertThat(secondAsked.await(5, java.util.concurrent.TimeUnit.SECONDS))
                    .as("the other process downloaded while this one held the lock").isFalse();
            release.countDown();

            assertThat(mine.get(30, java.util.concurrent.TimeUnit.SECONDS)).hasBinaryContent(FILE);
            assertThat(other.waitFor(60, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            String rest = new String(other.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
            assertThat(other.exitValue()).as(rest).isZero();
            assertThat(rest).contains("FETCHED " + dir.resolve("test.onnx"));
        } finally {
            release.countDown();
            pool.shutdownNow();
            if (other != null) {
                other.destroyForcibly();
                other.waitFor(30, java.util.concurrent.TimeUnit.SECONDS);
            }
        }
        assertThat(ranges).as("one download; the other process waited for the lock and found the file").hasSize(1);
        assertThat(dir.resolve("test.onnx")).hasBinaryContent(FILE);
    }

    /** Fetches the test backbone in a JVM of its own: args are the cache folder, URL, SHA-256 and size. */
    public static final class FetchInAnotherJvm {
        public static void main(String[] args) throws java.io.IOException {
            BackboneCatalog.Entry entry = new BackboneCatalog.Entry("test", "test.onnx", URI.create(args[1]), args[2],
                    Long.parseLong(args[3]), PreprocessingSpec.squash(32), null, "test backbone");
            BackboneCache cache = new BackboneCache(Path.of(args[0]), Duration.ofSeconds(30));
            Path lockFile = Path.of(args[0]).resolve(entry.fileName() + ".lock");
            try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(lockFile,
                    java.nio.file.StandardOpenOption.CREATE, java.nio.file.StandardOpenOption.WRITE)) {
                java.nio.channels.FileLock probe = channel.tryLock();
                System.out.println(probe == null ? "LOCK HELD ELSEWHERE" : "LOCK FREE");
                if (probe != null) {
                    probe.release();
                }
            }
            System.out.println("FETCHING");
            System.out.flush();
            Path file = cache.fetch(entry, ProgressListener.none(), () -> false);
            System.out.println("FETCHED " + file);
        }
    }

    @Test
    void resumesAfterADroppedConnection() throws Exception {
        BackboneCatalog.Entry entry = entry(URI.create("http://127.0.0.1:1/m.onnx"));
        // two servers on two ports: the first drops the connection, the second resumes with a range request
        URI first = serve((e, n, range) -> dropped(e));
        BackboneCache cache = new BackboneCache(dir, Duration.ofSeconds(5));
        assertThatThrownBy(() -> cache.fetch(entry.withUrl(first), ProgressListener.none(), () -> false))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("put it at " + dir.resolve("test.onnx"));
        assertThat(dir.resolve("test.onnx.part")).hasSize(FILE.length / 3);
        URI second = serve((e, n, range) -> full(e, range));
        Path file = cache.fetch(entry.withUrl(second), ProgressListener.none(), () -> false);
        assertThat(file).hasBinaryContent(FILE);
        assertThat(ranges.get(ranges.size() - 1)).isEqualTo("bytes=" + FILE.length / 3 + "-");
    }

    @Test
    void retriesInOneCallWhenTheConnectionDropsAndRestartsWhenRangesAreIgnored() throws Exception {
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> {
            if (n == 0) {
                e.sendResponseHeaders(200, FILE.length);
                OutputStream out = e.getResponseBody();
                out.write(FILE, 0, 1000);
                out.flush(); // the exchange closes without the rest: the client sees the body end early
            } else {
                send(e, 200, FILE, 0, FILE.length); // ignores the Range header: the client starts again
            }
        }));
        Path file = new BackboneCache(dir, Duration.ofSeconds(5)).fetch(entry, ProgressListener.none(), () -> false);
        assertThat(file).hasBinaryContent(FILE);
        assertThat(ranges).hasSize(2);
        assertThat(ranges.get(1)).isEqualTo("bytes=1000-");
    }

    @Test
    void refusesAndRemovesATamperedDownload() throws Exception {
        byte[] other = FILE.clone();
        other[12345] ^= 1;
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> send(e, 200, other, 0, other.length)));
        BackboneCache cache = new BackboneCache(dir, Duration.ofSeconds(5));
        assertThatThrownBy(() -> cache.fetch(entry, ProgressListener.none(), () -> false))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("refused and removed")
                .hasMessageContaining(entry.sha256());
        assertThat(dir.resolve("test.onnx.part")).doesNotExist();
        assertThat(dir.resolve("test.onnx")).doesNotExist();
    }

    @Test
    void replacesATamperedCachedFile() throws Exception {
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> full(e, range)));
        byte[] bad = FILE.clone();
        bad[0] ^= 1;
        Files.write(dir.resolve("test.onnx"), bad);
        BackboneCache cache = new BackboneCache(dir, Duration.ofSeconds(5));
        assertThat(cache.cached(entry)).isEmpty();
        assertThat(dir.resolve("test.onnx")).doesNotExist();
        assertThat(cache.fetch(entry, ProgressListener.none(), () -> false)).hasBinaryContent(FILE);
    }

    @Test
    void withoutANetworkSaysWhichFileToPutWhere() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        BackboneCatalog.Entry entry = entry(URI.create("http://127.0.0.1:" + port + "/m.onnx"));
        assertThatThrownBy(() -> new BackboneCache(dir, Duration.ofSeconds(2)).fetch(entry, ProgressListener.none(),
                () -> false))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("download test.onnx (300000 bytes, SHA-256 " + entry.sha256() + ")")
                .hasMessageContaining("put it at " + dir.resolve("test.onnx"))
                .hasMessageContaining("MODELBUILDER_BACKBONES").hasMessageContaining("-Dmodelbuilder.backbones.dir");
    }

    @Test
    void cancelStopsADownload() throws Exception {
        BackboneCatalog.Entry entry = entry(serve((e, n, range) -> full(e, range)));
        assertThatThrownBy(() -> new BackboneCache(dir, Duration.ofSeconds(5)).fetch(entry, ProgressListener.none(),
                () -> true))
                .isInstanceOf(CancellationException.class);
        assertThat(dir.resolve("test.onnx")).doesNotExist();
    }

    @Test
    void catalogHasAResNet50AndAMobileNetV2() {
        assertThat(BackboneCatalog.entries()).extracting(BackboneCatalog.Entry::name)
                .contains("resnet50", "mobilenetv2");
        assertThat(BackboneCatalog.defaultEntry().preprocessing()).isEqualTo(PreprocessingSpec.resizeCrop(256, 224));
        assertThatThrownBy(() -> BackboneCatalog.get("vgg99")).hasMessageContaining("resnet50");
    }
}
