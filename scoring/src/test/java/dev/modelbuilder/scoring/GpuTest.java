package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.LabelMap;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import dev.modelbuilder.pipeline.PreprocessingSpec;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.modelbuilder.core.exception.ModelLoadException;

import java.util.List;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;

/**
 * CUDA gives the same results as the CPU. Excluded by default (tag {@code gpu}); run on a GPU machine with
 * {@code mvn -pl scoring verify -Pgpu} (swaps in onnxruntime_gpu). Skipped where CUDA is not usable.
 */
@Tag("gpu")
class GpuTest {

    @Test
    void cudaMatchesCpu() {
        PredictionEngineBuilder base = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel())
                .withLabels(LabelMap.read(ImageClassificationFixtures.labelMap())).withPreprocessing(PreprocessingSpec.resizeCrop(256, 224));
        PredictionEngine gpu;
        try {
            gpu = base.withExecutionProvider(ExecutionProvider.cuda(0)).build();
        } catch (ModelLoadException e) {
            assumeTrue(false, "CUDA is not usable here: " + e.getMessage());
            return;
        }
        try (gpu; PredictionEngine cpu = base.withExecutionProvider(ExecutionProvider.cpu()).build()) {
            assertThat(gpu.executionProvider().isCuda()).isTrue();
            List<Prediction> onGpu = gpu.predictBatch(ImageSource.ofFiles(ImageClassificationFixtures.imageFiles()));
            List<Prediction> onCpu = cpu.predictBatch(ImageSource.ofFiles(ImageClassificationFixtures.imageFiles()));
            for (int i = 0; i < onGpu.size(); i++) {
                float[] g = onGpu.get(i).logits();
                float[] c = onCpu.get(i).logits();
                for (int k = 0; k < g.length; k++) {
                    assertThat(g[k]).isCloseTo(c[k], within(1e-3f));
                }
                assertThat(onGpu.get(i).label()).isEqualTo(onCpu.get(i).label());
            }
        }
    }
}
