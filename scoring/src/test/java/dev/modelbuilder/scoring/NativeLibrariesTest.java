package dev.modelbuilder.scoring;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.pipeline.ModelCache;
import dev.modelbuilder.scoring.implementation.OrtRuntime;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** ONNX Runtime gets a stable native-library folder and leaves nothing in the temp folder (issue 16 item 8). */
class NativeLibrariesTest {

    private static String startRuntime(Path tmp, Path cache) throws Exception {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Djava.io.tmpdir=" + tmp, "-D" + ModelCache.CACHE_PROPERTY + "=" + cache, "-cp",
                System.getProperty("java.class.path"), StartRuntime.class.getName())
                .redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(2, TimeUnit.MINUTES)).isTrue();
        return out;
    }

    @Test
    void startingOnnxRuntimeLeavesNoTemporaryFolderBehind(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = dir.resolve("cache");

        for (int i = 0; i < 2; i++) {
            assertThat(startRuntime(tmp, cache)).contains("ONNX Runtime 1.");
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

    @Test
    void aCachedLibraryChangedSinceItWasWrittenIsWrittenAgainBeforeItLoads(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = dir.resolve("cache");
        assertThat(startRuntime(tmp, cache)).contains("ONNX Runtime 1.");
        Path library;
        try (Stream<Path> libs = Files.walk(cache.resolve("onnxruntime"))) {
            library = libs.filter(f -> f.getFileName().toString().equals(System.mapLibraryName("onnxruntime")))
                    .findFirst().orElseThrow();
        }
        byte[] good = Files.readAllBytes(library);
        byte[] tampered = good.clone();
        tampered[tampered.length / 2] ^= 0x5A; // same size: only the recorded SHA-256 tells
        Files.write(library, tampered);

        assertThat(startRuntime(tmp, cache)).contains("ONNX Runtime 1.");
        assertThat(Files.readAllBytes(library)).isEqualTo(good);
    }

    @Test
    void aCacheFolderOthersCanWriteIsNotUsedForLibraries(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = Files.createDirectories(dir.resolve("shared-cache"));
        Files.setPosixFilePermissions(cache, java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

        String out = startRuntime(tmp, cache);
        assertThat(out).contains("ONNX Runtime 1.").contains("not using the cache folder")
                .contains("writable by other users");
        assertThat(cache.resolve("onnxruntime")).doesNotExist();
    }

    @Test
    void librariesOfOtherVersionsUnusedForAWeekAreRemovedAndTheOneInUseStays(@TempDir Path dir) throws Exception {
        Path tmp = Files.createDirectories(dir.resolve("tmp"));
        Path cache = dir.resolve("cache");
        Path versions = cache.resolve("onnxruntime");
        Path old = oldVersion(versions.resolve("onnxruntime-1.16.0-1a2b-linux-x64"), Duration.ofDays(30));
        Path recent = oldVersion(versions.resolve("onnxruntime-1.17.0-3c4d-linux-x64"), Duration.ofDays(1));

        assertThat(startRuntime(tmp, cache)).contains("ONNX Runtime 1.");

        assertThat(old).doesNotExist();
        assertThat(recent).as("another application may use it").isDirectory();
        Path inUse;
        try (Stream<Path> left = Files.list(versions)) {
            inUse = left.filter(d -> !d.equals(recent)).findFirst().orElseThrow();
        }
        assertThat(inUse.resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();

        // the version in use is marked at every start, so its own age never removes it
        Files.setLastModifiedTime(inUse, FileTime.from(Instant.now().minus(Duration.ofDays(30))));
        assertThat(startRuntime(tmp, cache)).contains("ONNX Runtime 1.");
        assertThat(inUse.resolve(System.mapLibraryName("onnxruntime"))).isRegularFile();
        assertThat(Files.getLastModifiedTime(inUse).toInstant()).isAfter(Instant.now().minus(Duration.ofDays(1)));
    }

    private static Path oldVersion(Path folder, Duration unusedFor) throws Exception {
        Files.createDirectories(folder);
        Files.writeString(folder.resolve(System.mapLibraryName("onnxruntime")), "an older library");
        Files.writeString(folder.resolve(System.mapLibraryName("onnxruntime") + ".sha256"), "0".repeat(64));
        Files.setLastModifiedTime(folder, FileTime.from(Instant.now().minus(unusedFor)));
        return folder;
    }

    /** Starts ONNX Runtime once. */
    public static final class StartRuntime {
        public static void main(String[] args) {
            System.out.println("ONNX Runtime " + OrtRuntime.version());
        }
    }
}
