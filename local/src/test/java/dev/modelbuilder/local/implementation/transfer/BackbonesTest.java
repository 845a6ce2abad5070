package dev.modelbuilder.local.implementation.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.net.ServerSocket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class BackbonesTest {
    @TempDir
    Path dir;

    private Path file() throws Exception {
        Path f = dir.resolve("net.onnx");
        Files.write(f, TestBackbones.cnn(TestBackbones.Ending.GEMM, 3));
        return f;
    }

    @Test
    void aFileTakesItsInputSizeFromTheModelAndThePreprocessingChoices() throws Exception {
        Backbones b = new Backbones(new BackboneCache(dir.resolve("cache"), Duration.ofSeconds(1)),
                BackboneCatalog.defaultEntry());
        Path f = file();
        Backbone plain = b.resolve(f.toString(), Backbones.Choices.defaults(), ProgressListener.none(), () -> false);
        assertThat(plain.preprocessing()).isEqualTo(PreprocessingSpec.resizeCrop(37, 32));
        assertThat(plain.sha256()).isEqualTo(BackboneCache.sha256(f));
        assertThat(plain.name()).isEqualTo("net.onnx");
        Backbones.Choices squashed = new Backbones.Choices(PreprocessingSpec.Geometry.SQUASH, false, null);
        Backbone squash = b.resolve(f.toString(), squashed, ProgressListener.none(), () -> false);
        assertThat(squash.preprocessing()).isEqualTo(PreprocessingSpec.squash(32).withoutNormalization());
        assertThatThrownBy(() -> b.resolve(dir.resolve("absent.onnx").toString(), Backbones.Choices.defaults(),
                ProgressListener.none(), () -> false)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("no such file");
        assertThatThrownBy(() -> b.resolve("vgg99", Backbones.Choices.defaults(), ProgressListener.none(), () -> false))
                .isInstanceOf(ValidationException.class).hasMessageContaining("mobilenetv2");
    }

    @Test
    void theDefaultIsUsedWhenCachedAndOtherwiseTrainingFallsBackSayingWhyInOneLine() throws Exception {
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getByName("127.0.0.1"))) {
            port = s.getLocalPort();
        }
        Path f = file();
        BackboneCatalog.Entry entry = new BackboneCatalog.Entry("tiny", "tiny.onnx",
                URI.create("http://127.0.0.1:" + port + "/tiny.onnx"), BackboneCache.sha256(f), Files.size(f),
                PreprocessingSpec.squash(32), null, "test");
        Path cacheDir = dir.resolve("cache");
        Backbones b = new Backbones(new BackboneCache(cacheDir, Duration.ofSeconds(2)), entry);
        List<String> why = new ArrayList<>();
        ProgressListener events = e -> {
            if (e instanceof ProgressEvent.LogLine line) {
                why.add(line.source() + ": " + line.line());
            }
        };
        assertThat(b.resolveDefault(events, "run-1", () -> false)).isEmpty();
        assertThat(why).singleElement().asString().startsWith("run-1: ").doesNotContain("\n")
                .contains("training from scratch")
                .contains("put it at " + cacheDir.resolve("tiny.onnx"));
        Files.createDirectories(cacheDir);
        Files.copy(f, cacheDir.resolve("tiny.onnx"));
        Optional<Backbone> cached = b.resolveDefault(events, "run-1", () -> false);
        assertThat(cached).isPresent();
        assertThat(cached.get().name()).isEqualTo("tiny");
        assertThat(why).hasSize(1);
    }
}
