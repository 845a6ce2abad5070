package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.local.implementation.TrainingParameters;
import dev.modelbuilder.local.implementation.transfer.TransferParameters;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local options: defaults resolved at build time, the automatic backbone rule, every problem at once. */
class LocalTrainingOptionsTest {
    @TempDir
    Path temp;

    private static TrainingParameters settings(LocalTrainingOptions options, TrainingSpec spec, int threads) {
        return options.toSettings(spec, threads);
    }

    @Test
    void defaultsApplyWhereTheSpecAndTheOptionsAreSilent() {
        LocalTrainingOptions options = LocalTrainingOptions.defaults();
        assertThat(options.provider()).isEqualTo("local");
        assertThat(options.backbone()).isEqualTo(LocalTrainingOptions.AUTOMATIC_BACKBONE);
        TrainingParameters s = settings(options, TrainingSpec.fromData(Path.of("data")).build(), 3);
        assertThat(s.architecture()).isEqualTo("resnet14");
        assertThat(s.imageSize()).isEqualTo(64);
        assertThat(s.width()).isEqualTo(16);
        assertThat(s.maxEpochs()).isEqualTo(30);
        assertThat(s.timeBudget()).isEqualTo(Duration.ofMinutes(10));
        assertThat(s.batchSize()).isEqualTo(32);
        assertThat(s.learningRate()).isEqualTo(0.005f);
        assertThat(s.weightDecay()).isEqualTo(1e-4f);
        assertThat(s.patience()).isEqualTo(10);
        assertThat(s.threads()).isEqualTo(3);
        assertThat(s.seed()).isEqualTo(42);
        assertThat(s.transfer()).isEqualTo(new TransferParameters(TransferParameters.Mode.DEFAULT_IF_AVAILABLE, null,
                null, null, null, 2));
    }

    @Test
    void theOptionsAndTheSpecWin() {
        LocalTrainingOptions options = LocalTrainingOptions.builder().withArchitecture("ResNet20").withImageSize(224)
                .withMaxEpochs(4).withWidth(8).withBatchSize(16).withLearningRate(0.01).withWeightDecay(0)
                .withPatience(2).build();
        TrainingSpec spec = TrainingSpec.fromData(Path.of("data")).withTimeBudget(Duration.ofSeconds(9))
                .withSeed(3).withOptions(options).build();
        assertThat(settings(options, spec, 1)).isEqualTo(new TrainingParameters("resnet20", 224, 8, 16, 0.01f, 0f, 4,
                Duration.ofSeconds(9), 2, 3, 1, new TransferParameters(TransferParameters.Mode.SCRATCH, null, null, null,
                        null, 2)));
    }

    @Test
    void withoutABackboneTheBuilderChoosesTheAutomaticOneUnlessTheNetworkIsDescribed() {
        assertThat(LocalTrainingOptions.builder().withMaxEpochs(5).build().backbone())
                .as("settings that are not the network's shape keep the automatic choice").isEqualTo("auto");
        assertThat(LocalTrainingOptions.builder().withImageSize(64).build().backbone()).isEqualTo("none");
        assertThat(LocalTrainingOptions.builder().withArchitecture("resnet8").build().backbone()).isEqualTo("none");
        assertThat(LocalTrainingOptions.builder().withoutBackbone().build().backbone()).isEqualTo("none");
        assertThat(LocalTrainingOptions.builder().withBackbone("AUTO").withImageSize(64).build().backbone())
                .as("an explicit choice wins").isEqualTo("auto");
        LocalTrainingOptions named = LocalTrainingOptions.builder().withBackbone(" ResNet50 ").withAugmentViews(4)
                .withPreprocess(PreprocessingSpec.Geometry.SQUASH).withNormalize(false).withCutNode("fc").build();
        assertThat(named.backbone()).isEqualTo("resnet50");
        assertThat(settings(named, TrainingSpec.fromData(Path.of("d")).build(), 1).transfer()).isEqualTo(
                new TransferParameters(TransferParameters.Mode.EXPLICIT, "resnet50", PreprocessingSpec.Geometry.SQUASH,
                        false, "fc", 4));
    }

    @Test
    void aBackboneFileMustExist() throws Exception {
        Path file = Files.write(temp.resolve("net.onnx"), new byte[] {1});
        assertThat(LocalTrainingOptions.builder().withBackbone(file.toString()).build().backbone())
                .isEqualTo(file.toString());
        assertThatThrownBy(() -> LocalTrainingOptions.builder().withBackbone(temp.resolve("gone.onnx").toString())
                .build()).isInstanceOf(ValidationException.class).hasMessageContaining("gone.onnx")
                .hasMessageContaining("mobilenetv2");
    }

    @Test
    void everyBadValueIsReportedAtOnce() {
        assertThatThrownBy(() -> LocalTrainingOptions.builder().withArchitecture("resnet50").withImageSize(16)
                .withMaxEpochs(0).withWidth(0).withBatchSize(1).withLearningRate(0).withWeightDecay(-1)
                .withPatience(0).withAugmentViews(9).withCutNode(" ").withBackbone("vgg99").build())
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(ValidationException.Violation::field).containsExactlyInAnyOrder("backbone",
                                "architecture", "image size", "maximum epochs", "width", "batch size",
                                "learning rate", "weight decay", "patience", "augment views", "cut node"))
                .hasMessageContaining("larger networks such as resnet50 train on Azure");
    }

    @Test
    void theRecordChecksWhatItIsGivenWithoutTheBuilderToo() {
        assertThatThrownBy(() -> new LocalTrainingOptions(null, null, 64, 30, 16, 32, 0.005, 1e-4, 10, null, null, 2,
                null)).isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(ValidationException.Violation::field).containsExactly("backbone", "architecture"));
    }
}
