package dev.modelbuilder.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * A real Spark standalone cluster on 127.0.0.1: a master and workers as separate JVMs, started from the module's
 * target/lib (there is no Spark distribution here: a SPARK_HOME whose jars/ links to those jars is laid out for the
 * workers, which build their executors' class path from it). {@link #close()} stops everything it started, executors
 * included.
 */
final class StandaloneCluster implements AutoCloseable {
    private static final Pattern MASTER_URL = Pattern.compile("Starting Spark master at (spark://\\S+)");
    private static final Duration START_TIMEOUT = Duration.ofSeconds(90);

    private final Path work;
    private final List<Process> processes = new ArrayList<>();
    // a JVM stopped by a signal (a build's timeout, Ctrl-C) skips close(): this stops the cluster then too
    private final Thread stopOnExit = new Thread(this::stopAll, "standalone-cluster-stop");
    private final List<Path> workerDirs = new ArrayList<>();
    private String masterUrl;

    private StandaloneCluster(Path work) {
        this.work = work;
    }

    /**
     * @param work a folder for SPARK_HOME, logs and the workers' folders
     * @param workers how many workers
     * @param cores cores per worker
     * @param memory memory per worker, e.g. {@code 512m}
     * @return the started cluster, every worker registered with the master
     * @throws Exception if a JVM fails to start or register in time (the cluster is stopped first)
     */
    static StandaloneCluster start(Path work, int workers, int cores, String memory) throws Exception {
        StandaloneCluster c = new StandaloneCluster(work);
        Runtime.getRuntime().addShutdownHook(c.stopOnExit);
        try {
            c.startAll(workers, cores, memory);
            return c;
        } catch (Exception | AssertionError e) {
            c.close();
            throw e;
        }
    }

    /** The environment of every cluster JVM: this SPARK_HOME, loopback only, and the Scala version of its jars. */
    Map<String, String> env() {
        return Map.of("SPARK_HOME", work.resolve("spark-home").toString(),
                "SPARK_LOCAL_IP", "127.0.0.1",
                // the workers' launcher asks for it where a Spark distribution would have a build folder
                "SPARK_SCALA_VERSION", "2.13");
    }

    private void startAll(int workers, int cores, String memory) throws Exception {
        Path jars = Files.createDirectories(work.resolve("spark-home").resolve("jars"));
        try (Stream<Path> lib = Files.list(Processes.moduleLib())) {
            for (Path jar : lib.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try {
                    Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
                } catch (UnsupportedOperationException | IOException e) {
                    Files.copy(jar, jars.resolve(jar.getFileName())); // no symbolic links on this file system
                }
            }
        }
        Path masterLog = work.resolve("master.log");
        processes.add(Processes.start(command("org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", "0", "--webui-port", "0"), env(), masterLog));
        masterUrl = await(masterLog, processes.get(0), MASTER_URL);
        List<Path> logs = new ArrayList<>();
        for (int i = 0; i < workers; i++) {
            Path dir = Files.createDirectories(work.resolve("worker-" + i));
            workerDirs.add(dir);
            Path log = work.resolve("worker-" + i + ".log");
            logs.add(log);
            processes.add(Processes.start(command("org.apache.spark.deploy.worker.Worker", "--host", "127.0.0.1",
                    "--port", "0", "--webui-port", "0", "--cores", String.valueOf(cores), "--memory", memory,
                    "--work-dir", dir.toString(), masterUrl), env(), log));
        }
        for (int i = 0; i < workers; i++) {
            await(logs.get(i), processes.get(i + 1), Pattern.compile("(Successfully registered with master)"));
        }
    }

    /** A cluster JVM: Spark's options for Java 17, the client compiler (short-lived, mostly waiting), a small heap. */
    private static List<String> command(String mainClass, String... args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Processes.java());
        cmd.addAll(Processes.sparkJvmOptions());
        cmd.add("-XX:TieredStopAtLevel=1");
        cmd.add("-Xmx256m");
        cmd.add("-cp");
        cmd.add(Processes.moduleLib().resolve("*").toString());
        cmd.add(mainClass);
        cmd.addAll(List.of(args));
        return cmd;
    }

    private static String await(Path log, Process p, Pattern line) throws Exception {
        long deadline = System.nanoTime() + START_TIMEOUT.toNanos();
        while (System.nanoTime() < deadline) {
            String text = Files.exists(log) ? Files.readString(log, StandardCharsets.UTF_8) : "";
            Matcher m = line.matcher(text);
            if (m.find()) {
                return m.group(1);
            }
            if (!p.isAlive()) {
                throw new AssertionError("a cluster JVM exited (status " + p.exitValue() + ") before '" + line
                        + "':\n" + text);
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + line + "' in " + log + " after " + START_TIMEOUT + ":\n"
                + Files.readString(log, StandardCharsets.UTF_8));
    }

    /** @return the master's URL, {@code spark://127.0.0.1:PORT} */
    String masterUrl() {
        return masterUrl;
    }

    /**
     * @return every executor's standard error ({@code WORKER_DIR/APP_ID/EXECUTOR_ID/stderr}), where its log lines go
     * @throws IOException if a folder cannot be listed
     */
    List<Path> executorLogs() throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path dir : workerDirs) {
            try (Stream<Path> files = Files.walk(dir)) {
                files.filter(p -> p.getFileName().toString().equals("stderr")).forEach(out::add);
            }
        }
        return out;
    }

    /**
     * @return the CPU time used so far by the cluster's JVMs that are still running (master, workers and their
     *     executors), in nanoseconds; for the benchmark
     */
    long cpuNanos() {
        long total = 0;
        for (Process p : processes) {
            List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
            all.add(p.toHandle());
            for (ProcessHandle h : all) {
                total += h.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(0L);
            }
        }
        return total;
    }

    /** @return the master's and the workers' logs, for failure messages */
    String logs() {
        StringBuilder b = new StringBuilder();
        try (Stream<Path> files = Files.list(work)) {
            for (Path f : files.filter(p -> p.toString().endsWith(".log")).sorted().toList()) {
                String text = Files.readString(f, StandardCharsets.UTF_8);
                b.append("--- ").append(f.getFileName()).append('\n')
                        .append(text, Math.max(0, text.length() - 4000), text.length()).append('\n');
            }
        } catch (IOException e) {
            b.append("(cannot read the logs: ").append(e).append(")");
        }
        return b.toString();
    }

    /** Stops the workers (and their executors), then the master. */
    @Override
    public void close() {
        stopAll();
        try {
            Runtime.getRuntime().removeShutdownHook(stopOnExit);
        } catch (IllegalStateException exiting) {
            // the hook is running or will run
        }
    }

    private synchronized void stopAll() {
        for (int i = processes.size() - 1; i >= 0; i--) {
            Processes.stop(processes.get(i));
        }
        processes.clear();
    }
}
