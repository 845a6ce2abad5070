package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.pipeline.implementation.DecodeBudget;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The last line of defence behind the decode budget: a budget set above the heap lets a decode start that the heap
 * cannot hold. Its {@link OutOfMemoryError} is reported as the image being too large for the memory, never as a
 * corrupt image. In a JVM of its own with a 48 MiB heap and a 1 GiB budget: a 5000 x 5000 PNG needs 72 MiB of RGB
 * samples, an allocation larger than the whole heap, so it fails at once and every time.
 */
class DecodeOutOfMemoryTest {
    @Test
    void anOutOfMemoryWhileDecodingIsReportedAsTooLargeNotCorrupt(@TempDir Path dir) throws Exception {
        Path png = dev.modelbuilder.testdata.Bombs.writePng(dir.resolve("5000.png"), 5_000, 5_000);

        Path log = dir.resolve("child.log");
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx48m", "-XX:-UsePerfData", "-D" + DecodeBudget.BUDGET_PROPERTY + "=1g", "-cp",
                System.getProperty("java.class.path"), DecodeBudgetSmallHeapTest.DecodeMany.class.getName(), "1",
                png.toString()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        try {
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).as("the child JVM ended").isTrue();
        } finally {
            p.destroyForcibly();
            p.waitFor(30, TimeUnit.SECONDS);
        }
        String output = Files.readString(log, StandardCharsets.UTF_8);

        SmallHeapJvm.Outcome o = new SmallHeapJvm.Outcome(p.exitValue(), output);
        assertThat(o.result()).as(output).isEqualTo("decoded=0 tooLarge=1 other=0");
        List<String> failures = output.lines().filter(l -> l.startsWith("FAILED ")).toList();
        assertThat(failures).singleElement().asString()
                .startsWith("FAILED " + ImageTooLargeException.class.getName() + ": PNG image " + png)
                .contains("ran out of memory while decoding").contains("-D" + DecodeBudget.BUDGET_PROPERTY)
                .doesNotContainIgnoringCase("corrupt");
        assertThat(o.exitCode()).isZero();
    }
}
