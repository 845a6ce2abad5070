package dev.modelbuilder.spark;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/** Child JVMs for the tests that need the packaged module: {@code java} of this JDK, output kept in files. */
final class Processes {
    private Processes() {
    }

    /**
     * What a finished child printed.
     *
     * @param exitCode its exit status
     * @param stdout its standard output
     * @param stderr its standard error
     */
    record Result(int exitCode, String stdout, String stderr) {
        /** @return everything it printed, for assertion messages */
        String all() {
            return "exit " + exitCode + "\n--- stdout\n" + stdout + "\n--- stderr\n" + stderr;
        }
    }

    /** @return this JDK's java launcher */
    static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }

    /** @return the packaged module's jar, from the build (failsafe sets it) */
    static Path moduleJar() {
        return Path.of(required("spark.module.jar"));
    }

    /** @return the module's target/lib (Spark, the SDK and their dependencies), from the build */
    static Path moduleLib() {
        return Path.of(required("spark.module.lib"));
    }

    /** @return Spark's JVM options for Java 17, as the pom lists them */
    static List<String> sparkJvmOptions() {
        return List.of(required("spark.jvm.options").trim().split("\\s+"));
    }

    private static String required(String property) {
        String v = System.getProperty(property);
        if (v == null || v.isBlank()) {
            throw new IllegalStateException("system property " + property + " is not set: run this test with Maven "
                    + "(mvn -pl spark verify), which packages the module first and sets it");
        }
        return v;
    }

    /**
     * Starts a child with its output going to {@code log} (standard error into the same file).
     *
     * @param command the command
     * @param env extra environment variables
     * @param log the file for its output
     * @return the process
     * @throws IOException if it cannot start
     */
    static Process start(List<String> command, Map<String, String> env, Path log) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().putAll(env);
        return pb.start();
    }

    /**
     * Runs a child to its end.
     *
     * @param command the command
     * @param env extra environment variables
     * @param dir a folder for its output files
     * @param timeout how long it may run (then it is stopped and the test fails)
     * @return what it printed
     * @throws Exception if it cannot start, or runs past the timeout
     */
    static Result run(List<String> command, Map<String, String> env, Path dir, Duration timeout) throws Exception {
        Files.createDirectories(dir);
        Path out = Files.createTempFile(dir, "stdout", ".txt");
        Path err = Files.createTempFile(dir, "stderr", ".txt");
        ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out.toFile()).redirectError(err.toFile());
        pb.environment().putAll(env);
        Process p = pb.start();
        try {
            if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                throw new AssertionError("still running after " + timeout + ": " + command + "\n--- output so far\n"
                        + Files.readString(out, StandardCharsets.UTF_8) + "\n--- stderr\n"
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
        } finally {
            stop(p);
        }
        return new Result(p.exitValue(), Files.readString(out, StandardCharsets.UTF_8),
                Files.readString(err, StandardCharsets.UTF_8));
    }

    /**
     * Stops a child and its own children (an executor a worker started, a JVM the batch job relaunched).
     *
     * @param p the process
     */
    static void stop(Process p) {
        List<ProcessHandle> all = new ArrayList<>(p.descendants().toList());
        all.add(p.toHandle());
        for (ProcessHandle h : all) {
            h.destroy();
        }
        for (ProcessHandle h : all) {
            try {
                h.onExit().get(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                h.destroyForcibly();
            }
        }
    }
}
