package dev.modelbuilder.pipeline;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Runs a {@code main} of the test classpath in a fresh JVM with a small heap, so that a test can tell a typed error
 * from an {@link OutOfMemoryError} (which would take the test JVM down with it). The main prints one line
 * {@code RESULT <exception class name>}; {@link #result} returns what follows.
 */
final class SmallHeapJvm {
    /** The heap the forked JVM gets. */
    static final String HEAP = "-Xmx256m";

    private SmallHeapJvm() {
    }

    /** What the forked JVM printed and how it ended. */
    record Outcome(int exitCode, String output) {
        /** @return the text after "RESULT ", or the whole output when the main never printed it */
        String result() {
            for (String line : output.split("\n")) {
                if (line.startsWith("RESULT ")) {
                    return line.substring("RESULT ".length()).trim();
                }
            }
            return "no result; output was: " + output;
        }
    }

    static Outcome run(Class<?> main, String... args) throws IOException, InterruptedException {
        return run(HEAP, System.getProperty("java.class.path"), main, args);
    }

    /**
     * @param heap the heap option, e.g. {@code -Xmx1g}
     * @param classPath the class path of the forked JVM
     */
    static Outcome run(String heap, String classPath, Class<?> main, String... args)
            throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add(heap);
        command.add("-XX:-UsePerfData");
        command.add("-cp");
        command.add(classPath);
        command.add(main.getName());
        command.addAll(List.of(args));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        byte[] out = p.getInputStream().readAllBytes();
        if (!p.waitFor(5, TimeUnit.MINUTES)) {
            p.destroyForcibly();
        }
        return new Outcome(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    }

    /** @return this process's peak resident set size in KiB (VmHWM), or -1 where /proc is not there */
    static long peakRssKib() {
        try {
            for (String line : java.nio.file.Files.readAllLines(Path.of("/proc/self/status"))) {
                if (line.startsWith("VmHWM:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Runs an action and prints the class of what it threw ("none" when it returned). */
    static void report(ThrowingRunnable action) {
        try {
            action.run();
            System.out.println("RESULT none");
        } catch (Throwable t) {
            System.out.println("RESULT " + t.getClass().getName() + ": " + t.getMessage());
        }
    }

    /** An action that may throw anything. */
    @FunctionalInterface
    interface ThrowingRunnable {
        void run() throws Exception;
    }
}
