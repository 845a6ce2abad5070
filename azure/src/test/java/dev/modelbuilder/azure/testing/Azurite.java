package dev.modelbuilder.azure.testing;

import dev.modelbuilder.core.support.Setting;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A running Azurite blob service (the Azure Storage emulator, real blob storage semantics): installed with npm into a
 * cache folder when missing, started on a free port with in-memory storage, stopped by its own process handle.
 *
 * <p>Install folder: {@link #DIR} (system property {@code modelbuilder.azurite.dir}, else environment variable
 * {@code MODELBUILDER_AZURITE_DIR}), else {@code ~/.cache/modelbuilder/azurite-<version>}. Version: {@link #VERSION}
 * (default 3.35.0, the last that runs on Node 20; the pom sets the property). It runs with
 * {@code --skipApiVersionCheck}, since azure-storage-blob 12.35 sends a newer service version than Azurite 3.35
 * knows.
 */
public final class Azurite implements AutoCloseable {
    /** Where Azurite is installed. */
    static final Setting DIR = Setting.of("modelbuilder.azurite.dir", "MODELBUILDER_AZURITE_DIR",
            "the folder Azurite is installed in for the tests");
    /** Which Azurite version is installed. */
    static final Setting VERSION = Setting.of("modelbuilder.azurite.version", "MODELBUILDER_AZURITE_VERSION",
            "the Azurite version the tests install");
    /** Whether tests that need Azurite fail, rather than skip, when it cannot be had. */
    static final Setting REQUIRED = Setting.of("modelbuilder.azurite.required", "MODELBUILDER_REQUIRE_AZURITE",
            "whether Azurite tests fail instead of skipping without Node.js");

    /** The emulator's well-known development account. */
    public static final String ACCOUNT = "devstoreaccount1";
    /** The emulator's well-known development account key (public, documented by Microsoft). */
    public static final String KEY =
            "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private final Process process;
    private final int port;
    private final boolean https;

    private Azurite(Process process, int port, boolean https) {
        this.process = process;
        this.port = port;
        this.https = https;
    }

    /** @return the blob service URL of the development account, e.g. {@code http://127.0.0.1:10000/devstoreaccount1} */
    public String blobEndpoint() {
        return (https ? "https" : "http") + "://127.0.0.1:" + port + "/" + ACCOUNT;
    }

    /** @return whether it serves HTTPS (and takes bearer tokens) */
    public boolean https() {
        return https;
    }

    /**
     * Starts a second Azurite, over HTTPS with the given certificate and with OAuth at level {@code basic}: it then
     * takes bearer tokens as storage does (JWTs whose issuer, audience and lifetime it checks; no signature, no
     * role check), besides shared keys. Stop it with {@link #close()}.
     *
     * @param certificates the certificate to serve (clients trusting it reach this Azurite)
     * @param directory where to write the certificate's PEM files
     * @return the running service
     */
    public static Azurite startWithOAuth(TestCertificates certificates, Path directory)
            throws IOException, InterruptedException {
        Path[] pem = certificates.writePem(directory);
        return start(install(), List.of("--cert", pem[0].toString(), "--key", pem[1].toString(), "--oauth",
                "basic"));
    }

    /** @return the port */
    public int port() {
        return port;
    }

    static String version() {
        return VERSION.value().orElse("3.35.0");
    }

    static Path installDir() {
        return DIR.value().map(Path::of)
                .orElseGet(() -> Path.of(System.getProperty("user.home"), ".cache", "modelbuilder",
                        "azurite-" + version()));
    }

    private static boolean windows() {
        return System.getProperty("os.name", "").toLowerCase(Locale.ROOT).contains("win");
    }

    static Path executable(Path dir) {
        return dir.resolve("node_modules").resolve(".bin").resolve(windows() ? "azurite-blob.cmd" : "azurite-blob");
    }

    /**
     * Checks that a command runs.
     *
     * @param command e.g. {@code node}
     * @return its version, or {@code null} when it is missing
     */
    static String probe(String command) {
        try {
            Process p = new ProcessBuilder(windows() ? command + ".cmd" : command, "--version").redirectErrorStream(true)
                    .start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            return p.waitFor(30, TimeUnit.SECONDS) && p.exitValue() == 0 ? out : null;
        } catch (IOException e) {
            return null;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /**
     * Installs Azurite into the cache folder unless it is there (one installer at a time, across processes).
     *
     * @return the executable
     * @throws IllegalStateException when npm fails, with the tail of its log
     */
    static Path install() throws IOException, InterruptedException {
        Path dir = installDir();
        Path exe = executable(dir);
        if (Files.isRegularFile(exe)) {
            return exe;
        }
        Files.createDirectories(dir);
        try (FileChannel ch = FileChannel.open(dir.resolve(".install.lock"), StandardOpenOption.CREATE,
                StandardOpenOption.WRITE); FileLock lock = ch.lock()) {
            if (Files.isRegularFile(exe)) {
                return exe;
            }
            Path log = dir.resolve("npm-install.log");
            System.err.println("[azurite] installing azurite@" + version() + " into " + dir + " (one time, ~40 s)");
            Process p = new ProcessBuilder(windows() ? "npm.cmd" : "npm", "install", "--prefix", dir.toString(),
                    "--no-audit", "--no-fund", "--no-save", "--loglevel=error", "azurite@" + version())
                    .redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new IllegalStateException("npm install azurite@" + version() + " took over 10 minutes; see "
                        + log);
            }
            if (p.exitValue() != 0 || !Files.isRegularFile(exe)) {
                throw new IllegalStateException("npm install azurite@" + version() + " failed (exit " + p.exitValue()
                        + "): " + tail(log));
            }
            lock.release();
            return exe;
        }
    }

    private static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    /**
     * Starts Azurite's blob service on a free port.
     *
     * @param exe the executable from {@link #install()}
     * @return the running service
     */
    static Azurite start(Path exe) throws IOException, InterruptedException {
        return start(exe, List.of());
    }

    private static Azurite start(Path exe, List<String> extra) throws IOException, InterruptedException {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path log = Files.createTempFile("azurite-" + port + "-", ".log");
        List<String> cmd = new ArrayList<>(List.of(exe.toString(), "--blobHost", "127.0.0.1", "--blobPort",
                String.valueOf(port), "--inMemoryPersistence", "--disableTelemetry", "--silent",
                "--skipApiVersionCheck"));
        cmd.addAll(extra);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        Azurite azurite = new Azurite(p, port, extra.contains("--cert"));
        Runtime.getRuntime().addShutdownHook(new Thread(azurite::close, "azurite-stop"));
        long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
        while (System.nanoTime() < deadline) {
            if (!p.isAlive()) {
                throw new IllegalStateException("Azurite exited with " + p.exitValue() + ": " + tail(log));
            }
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
                return azurite;
            } catch (IOException notYet) {
                Thread.sleep(100);
            }
        }
        azurite.close();
        throw new IllegalStateException("Azurite did not listen on port " + port + " within 30 s: " + tail(log));
    }

    /** Stops the process (and any it started), by its own handle. */
    @Override
    public void close() {
        if (!process.isAlive()) {
            return;
        }
        process.descendants().forEach(ProcessHandle::destroy);
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.descendants().forEach(ProcessHandle::destroyForcibly);
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            process.destroyForcibly();
        }
    }

    static UncheckedIOException unchecked(IOException e) {
        return new UncheckedIOException(e);
    }
}
