package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * Proves that local training's engine start does not touch the network. Each case runs {@link OfflineProbe} in a
 * fresh JVM (so that no DJL class or property is already loaded or set) that records every request the JVM makes
 * and answers them locally. Through this module nothing is requested; the negative control, the same engine start
 * through DJL directly without the module's offline switch, records DJL's call to the EC2 metadata endpoint
 * (169.254.169.254), which shows that the recorder really sees such calls.
 */
class OfflineProofTest {

    @Test
    void engineStartThroughTheModuleMakesNoNetworkRequest() throws Exception {
        List<String> out = probe("module");
        assertThat(out).anySatisfy(line -> assertThat(line).startsWith("ENGINE 2.7.1"));
        assertThat(out).filteredOn(line -> line.startsWith("URI ")).isEmpty();
    }

    @Test
    void negativeControlWithoutTheOfflineSwitchIsSeenCallingHome() throws Exception {
        List<String> out = probe("raw");
        assertThat(out).anySatisfy(line -> assertThat(line).startsWith("ENGINE "));
        assertThat(out).filteredOn(line -> line.startsWith("URI ")).isNotEmpty()
                .anySatisfy(line -> assertThat(line).contains("169.254.169.254"));
    }

    private static List<String> probe(String mode) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        command.add("-cp");
        command.add(System.getProperty("java.class.path"));
        command.add("-Dorg.slf4j.simpleLogger.defaultLogLevel=warn");
        command.add(OfflineProbe.class.getName());
        command.add(mode);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
        pb.environment().remove("DJL_OFFLINE");
        pb.environment().remove("OPT_OUT_TRACKING");
        Process p = pb.start();
        byte[] bytes = p.getInputStream().readAllBytes();
        assertThat(p.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(bytes, StandardCharsets.UTF_8);
        assertThat(p.exitValue()).as(text).isZero();
        return text.lines().toList();
    }
}
