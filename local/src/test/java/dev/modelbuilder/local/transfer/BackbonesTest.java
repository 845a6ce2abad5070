package dev.modelbuilder.local.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ImageClassificationTraining;
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
        Backbones.Resolved plain = b.resolve(f.toString(), Backbones.Choices.defaults(), (d, t) -> { }, () -> false);
        assertThat(plain.preprocessing()).isEqualTo(PreprocessingSpec.resizeCrop(37, 32));
        assertThat(plain.sha256()).isEqualTo(BackboneCache.sha256(f));
        assertThat(plain.name()).isEqualTo("net.onnx");
        Backbones.Resolved squash = b.resolve(f.toString(), new Backbones.Choices("squash", false, null),
                (d, t) -> { }, () -> false);
        assertThat(squash.preprocessing()).isEqualTo(PreprocessingSpec.squash(32).withoutNormalization());
        assertThatThrownBy(() -> b.resolve(dir.resolve("absent.onnx").toString(), Backbones.Choices.defaults(),
                (d, t) -> { }, () -> false)).isInstanceOf(ValidationException.class).hasMessageContaining("no such file");
        assertThatThrownBy(() -> b.resolve("vgg99", Backbones.Choices.defaults(), (d, t) -> { }, () -> false))
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
        assertThat(b.resolveDefault((d, t) -> { }, () -> false, why::add)).isEmpty();
        assertThat(why).singleElement().asString().doesNotContain("\n").contains("training from scratch")
                .contains("put it at " + cacheDir.resolve("tiny.onnx"));
        Files.createDirectories(cacheDir);
        Files.copy(f, cacheDir.resolve("tiny.onnx"));
        Optional<Backbones.Resolved> cached = b.resolveDefault((d, t) -> { }, () -> false, why::add);
        assertThat(cached).isPresent();
        assertThat(cached.get().name()).isEqualTo("tiny");
        assertThat(why).hasSize(1);
    }

    @Test
    void settingsChooseTheMode() {
        ImageClassificationTraining.Builder base = ImageClassificationTraining.fromFolder(dir);
        assertThat(TransferSettings.from(base.build()).mode()).isEqualTo(TransferSettings.Mode.DEFAULT_IF_AVAILABLE);
        assertThat(TransferSettings.from(ImageClassificationTraining.fromFolder(dir).withImageSize(64).build()).mode())
                .isEqualTo(TransferSettings.Mode.SCRATCH);
        assertThat(TransferSettings.from(ImageClassificationTraining.fromFolder(dir).withoutBackbone().build())
                .mode()).isEqualTo(TransferSettings.Mode.SCRATCH);
        TransferSettings named = TransferSettings.from(ImageClassificationTraining.fromFolder(dir)
                .withBackbone("resnet50").withOption("augmentViews", "4").withOption("preprocess", "SQUASH").build());
        assertThat(named.mode()).isEqualTo(TransferSettings.Mode.EXPLICIT);
        assertThat(named.views()).isEqualTo(4);
        assertThat(named.choices().geometry()).isEqualTo("squash");
        assertThatThrownBy(() -> TransferSettings.from(ImageClassificationTraining.fromFolder(dir)
                .withBackbone("resnet50").withOption("augmentViews", "9").withOption("normalize", "maybe").build()))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("augmentViews").hasMessageContaining("normalize");
    }
}
