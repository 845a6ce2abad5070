package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.local.SampleDatasets;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ctrl-C during {@code train}: the real CLI in a child JVM gets SIGINT after its first epoch, and must stop the run,
 * mark it Canceled, write its best checkpoint into {@code --output} and say so in one line.
 */
class InterruptedTrainingTest {
    private static final int SIGINT = 2;

    @TempDir
    Path tmp;

    @Test
    void ctrlCStopsTheRunKeepsItsBestCheckpointAndMarksItCanceled() throws Exception {
        assumeTrue(java.io.File.separatorChar == '/', "signals are sent with kill(1), on Unix-like systems");
        Path data = SampleDatasets.shapes(tmp.resolve("data"), 10, 1);
        Path root = tmp.resolve("root");
        Path output = tmp.resolve("model");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-cp", System.getProperty("java.class.path"), ModelBuilderCli.class.getName(), "train",
                "--data", data.toString(), "--experiment", "interrupted", "--local-root", root.toString(),
                "--output", output.toString(), "--epochs", "500", "--time-budget", "20m"));
        Process child = new ProcessBuilder(command).redirectErrorStream(true).start();
        List<String> lines = new ArrayList<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(),
                StandardCharsets.UTF_8))) {
            String line;
            while ((line = in.readLine()) != null) {
                lines.add(line);
                if (line.trim().startsWith("epoch 1/500")) {
                    break;
                }
            }
            assertThat(lines).as("the child trained one epoch").anyMatch(l -> l.trim().startsWith("epoch 1/500"));
            // a child started from a shell without job control inherits an ignored SIGINT; SIGTERM takes the same path
            String signal = ignores(child.pid(), SIGINT) ? "-TERM" : "-INT";
            Process kill = new ProcessBuilder("kill", signal, Long.toString(child.pid())).start();
            assertThat(kill.waitFor()).isZero();
            while ((line = in.readLine()) != null) {
                lines.add(line);
            }
            assertThat(child.waitFor(3, TimeUnit.MINUTES)).as("the child exits").isTrue();
            assertThat(child.exitValue()).isEqualTo(signal.equals("-INT") ? 130 : 143);
        } finally {
            child.destroyForcibly();
        }

        String last = lines.get(lines.size() - 1);
        assertThat(last).as(String.join("\n", lines)).matches("Interrupted: run run-\\S+ Canceled; best checkpoint"
                + " \\(epoch \\d+\\) written to .*");
        assertThat(lines.stream().filter(l -> l.startsWith("Interrupted:"))).as("one line says so").hasSize(1);
        String runId = last.split(" ")[2];
        for (String file : OutputFolder.ARTIFACTS) {
            assertThat(output.resolve(file)).isRegularFile();
        }
        CliHarness.Result show = CliHarness.run("runs", "show", runId, "--workspace", "default", "--local-root",
                root.toString(), "--json");
        JsonNode run = new ObjectMapper().readTree(show.out());
        assertThat(run.get("status").asText()).isEqualTo("Canceled");
        assertThat(run.get("metrics").get("best_epoch").asDouble()).isGreaterThanOrEqualTo(1);
    }

    /** Reads the child's ignored-signal mask from /proc (Linux); elsewhere assumes SIGINT is delivered. */
    private static boolean ignores(long pid, int signal) throws IOException {
        Path status = Path.of("/proc", Long.toString(pid), "status");
        if (!Files.isReadable(status)) {
            return false;
        }
        for (String line : Files.readAllLines(status)) {
            if (line.startsWith("SigIgn:")) {
                long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
                return (mask & (1L << (signal - 1))) != 0;
            }
        }
        return false;
    }
}
