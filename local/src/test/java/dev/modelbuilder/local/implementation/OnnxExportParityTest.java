package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.local.implementation.onnx.Onnx;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The exported ONNX model computes what DJL computes: a briefly trained network (so that batch-normalization
 * running statistics are not the identity) gives the same logits under ONNX Runtime as DJL's inference-mode forward
 * pass, within 1e-4, on validation images and on random inputs; and the graph uses only the documented operators
 * with each batch normalization's real epsilon.
 */
class OnnxExportParityTest {

    @TempDir
    Path temp;

    @Test
    void onnxRuntimeAgreesWithDjlOnTheExportedModel() throws Exception {
        Path data = SampleDatasets.shapes(temp.resolve("shapes"), 10, 3);
        DatasetSplit split = ImageFolderDataset.scan(data).split(0.3, 1);
        TrainingData td = TrainingData.load(split, PreprocessingSpec.squash(48), 2);
        TrainingParameters settings = TestParameters.scratch("resnet14", 48, 8, 8, 2, 2);
        try (TrainedNetwork net = new ClassifierTrainer(settings, () -> false, System::nanoTime)
                .train(td, ProgressListener.none(), "test")) {
            byte[] onnx = net.exportOnnx(Map.of("labels", "[]"));
            Onnx.ModelProto proto = Onnx.ModelProto.parseFrom(onnx);
            assertThat(proto.getGraph().getNodeList()).extracting(Onnx.NodeProto::getOpType)
                    .containsOnly("Conv", "BatchNormalization", "Relu", "MaxPool", "Add", "GlobalAveragePool",
                            "Flatten", "Gemm");
            assertThat(proto.getGraph().getNodeList()).filteredOn(n -> n.getOpType().equals("BatchNormalization"))
                    .allSatisfy(n -> assertThat(n.getAttributeList()).singleElement()
                            .satisfies(a -> assertThat(a.getF()).isEqualTo(ResNetArchitecture.DEFAULT_EPSILON)));
            assertThat(proto.getOpsetImport(0).getVersion()).isEqualTo(OnnxExporter.OPSET);

            int n = td.validationSize();
            float[] inputs = new float[(n + 4) * 3 * 48 * 48];
            System.arraycopy(td.validationTensors(), 0, inputs, 0, n * 3 * 48 * 48);
            Random random = new Random(7);
            for (int i = n * 3 * 48 * 48; i < inputs.length; i++) {
                inputs[i] = (float) random.nextGaussian();
            }
            float[][] djl = net.logits(inputs, n + 4);

            OrtEnvironment env = OrtEnvironment.getEnvironment();
            try (OrtSession session = env.createSession(onnx, new OrtSession.SessionOptions())) {
                assertThat(session.getInputNames()).containsExactly(OnnxExporter.INPUT_NAME);
                assertThat(session.getOutputNames()).containsExactly(OnnxExporter.OUTPUT_NAME);
                TensorInfo in = (TensorInfo) session.getInputInfo().get(OnnxExporter.INPUT_NAME).getInfo();
                assertThat(in.getShape()).containsExactly(-1, 3, 48, 48);
                // two different batch sizes through the same session: N is dynamic
                List<float[]> ort = new ArrayList<>();
                ort.addAll(run(env, session, inputs, 0, n));
                ort.addAll(run(env, session, inputs, n, 4));
                for (int i = 0; i < n + 4; i++) {
                    assertThat(ort.get(i)).hasSize(3);
                    for (int c = 0; c < 3; c++) {
                        assertThat(ort.get(i)[c]).as("image %d class %d", i, c).isCloseTo(djl[i][c], within(1e-4f));
                    }
                }
            }
        }
    }

    private static List<float[]> run(OrtEnvironment env, OrtSession session, float[] all, int from, int n)
            throws Exception {
        int t = 3 * 48 * 48;
        try (OnnxTensor x = OnnxTensor.createTensor(env, FloatBuffer.wrap(all, from * t, n * t).slice(),
                new long[] {n, 3, 48, 48});
                OrtSession.Result r = session.run(Map.of(OnnxExporter.INPUT_NAME, x))) {
            float[][] out = (float[][]) r.get(0).getValue();
            return List.of(out);
        }
    }
}
