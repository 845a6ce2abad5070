package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.testing.TestImages;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 28, item 1: a model exported with {@code enableOnnxNormalization=true} divides by 255 and normalizes inside
 * its graph, so it takes pixel values 0-255 (the AutoML vision package's {@code BaseModelWrapper.export_onnx_model}).
 * The emulator "trains" such a model for such a job ({@code OnnxModels.normalizingClassifier}); the downloaded
 * MLModel.zip must feed it raw pixels and score exactly like the same network without those nodes, fed the usual
 * {@code (x / 255 - mean) / std}.
 */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class OnnxNormalizationTest {
    private EmulatedAzure azure;
    private ModelBuilder mb;
    private WorkspaceScope ws;

    @TempDir
    Path temp;

    @BeforeEach
    void open(EmulatedAzure emulated) {
        azure = emulated;
        mb = ModelBuilder.using(azure.builder().build());
        mb.workspaces().define("norm-ws").withRegion("eastus").create();
        ws = mb.workspace("norm-ws");
        ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
    }

    @AfterEach
    void close() {
        mb.close();
    }

    @Test
    void aModelThatNormalizesItselfIsFedRawPixelsAndScoresLikeItsPlainTwin() throws Exception {
        List<String> labels = List.of("cat", "dog", "fox");
        Path data = TestImages.dataset(temp.resolve("pets"), labels, 5);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu")
                .withOptions(AzureTrainingOptions.builder().withOnnxNormalization(true).build()).build())
                .inExperiment("norm").beginCreate();
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(azure.arm.jobProperties("norm-ws", run.id()).at("/taskDetails/modelSettings/enableOnnxNormalization")
                .asBoolean()).isTrue();

        TrainedModel model = run.downloadModel(temp.resolve("model"));
        ModelPackage downloaded = ModelPackage.read(model.pipeline());
        PreprocessingSpec pre = downloaded.pipeline().preprocessing();
        assertThat(pre.scale()).as("values 0-255").isEqualTo(PreprocessingSpec.PixelScale.RAW);
        assertThat(pre.normalize()).isFalse();
        assertThat(downloaded.pipeline().formatVersion()).isEqualTo(PipelineSpec.FORMAT_VERSION_2);

        // the same network without the Div/Sub/Div in front, packaged the usual way: x / 255, ImageNet mean and std
        Path plainOnnx = temp.resolve("plain.onnx");
        Files.write(plainOnnx, azure.arm.modelWithoutNormalization("norm-ws", run.id()));
        Path plainZip = temp.resolve("plain.zip");
        ModelPackage.write(plainZip, plainOnnx, LabelMap.of(labels),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));

        // what the package said before issue 28: values scaled to [0, 1], which the graph divides by 255 again
        Path twiceZip = temp.resolve("twice.zip");
        ModelPackage.write(twiceZip, model.onnxModel(), LabelMap.of(labels),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224).withoutNormalization()));

        try (PredictionEngine normalizing = PredictionEngine.builder().withModelPackage(model.pipeline()).build();
             PredictionEngine plain = PredictionEngine.builder().withModelPackage(plainZip).build();
             PredictionEngine twice = PredictionEngine.builder().withModelPackage(twiceZip).build()) {
            for (int i = 0; i < 4; i++) {
                Path image = TestImages.write(temp.resolve("x" + i + ".png"), "png", 100 + i);
                Prediction a = normalizing.predict(image);
                Prediction b = plain.predict(image);
                assertThat(a.logits()).as("image %d", i).containsExactly(b.logits());
                assertThat(a.scores()).isEqualTo(b.scores());
                assertThat(a.label()).isEqualTo(b.label());
                assertThat(twice.predict(image).logits()).as("scaled twice, the scores are wrong")
                        .isNotEqualTo(b.logits());
            }
        }
    }
}
