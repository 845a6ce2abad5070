package dev.modelbuilder.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.scoring.implementation.NativeLibraries;
import dev.modelbuilder.scoring.implementation.OrtRuntime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime gets a stable native-library folder and leaves nothing in the temp folder (issue 16 item 8). */
class NativeLibrariesTest {

    @Test
    void startingOnnxRuntimeLeavesNoTemporaryFolderBehind(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = dir.resolve("cache");

        for (int i = 0; i < 2; i++) {
            Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Djava.io.tmpdir=" + tmp, "-D" + NativeLibraries.CACHE_PROPERTY + "=" + cache, "-cp",
                    System.getProperty("java.class.path"), StartRuntime.class.getName())
                    .redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
            assertThat(out).contains("ONNX Runtime 1.");
        }

        try (Stream<Path> left = Files.list(tmp)) {
            assertThat(left.map(f -> f.getFileName().toString()).filter(n -> n.startsWith("onnxruntime-java")))
                    .isEmpty();
        }
        try (Stream<Path> libs = Files.walk(cache.resolve("onnxruntime"))) {
            List<String> names = libs.map(f -> f.getFileName().toString()).toList();
            assertThat(names).contains(System.mapLibraryName("onnxruntime"), System.mapLibraryName("onnxruntime4j_jni"))
                    .noneMatch(n -> n.endsWith(".tmp"));
        }
    }

    /** Starts ONNX Runtime once. */
    public static final class StartRuntime {
        public static void main(String[] args) {
            System.out.println("ONNX Runtime " + OrtRuntime.version());
        }
    }
}
