package dev.modelbuilder.local.implementation.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.local.implementation.onnx.Onnx.ModelProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.NodeProto;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.TensorModel;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BackboneGraphTest {

    @Test
    void cutsBeforeTheFinalGemmAndKeepsOnlyWhatTheFeaturesNeed() throws Exception {
        BackboneGraph g = BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.GEMM, 3), "tiny", null);
        assertThat(g.featureValue()).isEqualTo("flat");
        assertThat(g.cutNode()).isEqualTo("fc");
        assertThat(g.inputHeight()).isEqualTo(32);
        ModelProto cut = ModelProto.parseFrom(g.featureModel());
        assertThat(cut.getGraph().getNodeList()).extracting(NodeProto::getName)
                .containsExactly("conv1", "relu1", "pool1", "conv2", "relu2", "gap", "flatten");
        assertThat(cut.getGraph().getInitializerList()).extracting(t -> t.getName())
                .containsExactlyInAnyOrder("conv1.w", "conv1.b", "conv2.w", "conv2.b");
        assertThat(cut.getGraph().getInput(0).getName()).isEqualTo("input1");
        try (FeatureExtractor fx = new FeatureExtractor(g.featureModel(), PreprocessingSpec.squash(32), 2, 4)) {
            assertThat(fx.dimension()).isEqualTo(TestBackbones.FEATURES);
            assertThat(fx.batchSize()).isEqualTo(4);
        }
    }

    @Test
    void cutsBeforeAFinalMatMulOrANamedNode() {
        BackboneGraph mm = BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.MATMUL, 3), "mm", null);
        assertThat(mm.featureValue()).isEqualTo("flat");
        assertThat(mm.cutNode()).isEqualTo("fc");
        BackboneGraph named = BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.NONE, 3), "none", "gap");
        assertThat(named.featureValue()).isEqualTo("r2");
    }

    @Test
    void mergedModelEqualsFeaturesThenHead() throws Exception {
        BackboneGraph g = BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.GEMM, 3), "tiny", null);
        Random r = new Random(3);
        float[][] w = new float[3][TestBackbones.FEATURES];
        float[] b = {0.1f, -0.2f, 0.3f};
        for (float[] row : w) {
            for (int j = 0; j < row.length; j++) {
                row[j] = (float) r.nextGaussian();
            }
        }
        LogisticHead.Result head = new LogisticHead.Result(w, b, 0, 0, 1, 1, 0);
        byte[] merged = g.withHead(w, b, Map.of("modelbuilder.labels", "[\"a\",\"b\",\"c\"]"));
        ModelProto m = ModelProto.parseFrom(merged);
        assertThat(m.getGraph().getOutput(0).getName()).isEqualTo("output1");
        assertThat(m.getGraph().getInput(0).getName()).isEqualTo("input1");
        assertThat(m.getOpsetImport(0).getVersion()).isEqualTo(13);
        assertThat(m.getMetadataPropsList()).anyMatch(p -> p.getKey().equals("modelbuilder.labels"));
        int n = 5;
        float[] images = new float[n * 3 * 32 * 32];
        for (int i = 0; i < images.length; i++) {
            images[i] = (float) r.nextGaussian();
        }
        float[] features;
        try (FeatureExtractor fx = new FeatureExtractor(g.featureModel(), PreprocessingSpec.squash(32), 2, 8)) {
            features = fx.run(FloatBuffer.wrap(images), n);
        }
        float[] logits;
        try (TensorModel model = TensorModel.load(merged, "the merged model", 2)) {
            logits = model.run("input1", FloatBuffer.wrap(images), new long[] {n, 3, 32, 32});
        }
        assertThat(logits).hasSize(n * 3);
        for (int i = 0; i < n; i++) {
            float[] row = new float[TestBackbones.FEATURES];
            System.arraycopy(features, i * row.length, row, 0, row.length);
            float[] expected = head.logits(row);
            for (int c = 0; c < 3; c++) {
                assertThat(logits[i * 3 + c]).isCloseTo(expected[c], within(1e-4f));
            }
        }
    }

    @Test
    void refusesABackboneThatIsNotAClassifier() {
        assertThatThrownBy(() -> BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.NONE, 3), "flat.onnx",
                null))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("no final Gemm or MatMul")
                .hasMessageContaining("name the node");
        assertThatThrownBy(() -> BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.GEMM, 3), "x.onnx",
                "nosuch"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("nosuch");
    }

    @Test
    void refusesAnInputThatIsNotThreeChannelImages() {
        assertThatThrownBy(() -> BackboneGraph.parse(TestBackbones.cnn(TestBackbones.Ending.GEMM, 1), "gray.onnx",
                null))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("[N,3,H,W]")
                .hasMessageContaining("'data' float32 [batch, 1, 32, 32]");
        assertThatThrownBy(() -> BackboneGraph.parse(new byte[] {1, 2, 3}, "junk.onnx", null))
                .isInstanceOf(dev.modelbuilder.core.exception.ModelLoadException.class)
                .hasMessageContaining("junk.onnx");
    }

    @Test
    void aBackboneKeepingWeightsInAnExternalFileIsRefusedBeforeAnythingReadsIt(@org.junit.jupiter.api.io.TempDir
            java.nio.file.Path dir) throws Exception {
        // the same hostile model as scoring's tests: tensor 'W' in '../secret.bin'; a FIFO there would block a reader
        java.nio.file.Path backbone = java.nio.file.Files.createDirectories(dir.resolve("models")).resolve("bb.onnx");
        try (var in = BackboneGraphTest.class.getResourceAsStream("external_outside.onnx")) {
            java.nio.file.Files.copy(in, backbone);
        }
        assertThat(new ProcessBuilder("mkfifo", dir.resolve("secret.bin").toString()).start().waitFor()).isZero();

        assertThatThrownBy(() -> BackboneGraph.read(backbone, null))
                .isInstanceOf(dev.modelbuilder.core.exception.ModelLoadException.class)
                .hasMessageContaining("the backbone bb.onnx").hasMessageContaining("external data file ('../secret.bin')");
    }

    @Test
    void anInputSideThatWouldWrapAroundAnIntIsRefused() throws Exception {
        ModelProto model = ModelProto.parseFrom(TestBackbones.cnn(TestBackbones.Ending.GEMM, 3));
        var g = model.getGraph().toBuilder();
        var shape = g.getInput(0).getType().getTensorType().getShape().toBuilder();
        shape.setDim(2, shape.getDim(2).toBuilder().setDimValue((1L << 32) + 224));
        g.setInput(0, g.getInput(0).toBuilder().setType(g.getInput(0).getType().toBuilder()
                .setTensorType(g.getInput(0).getType().getTensorType().toBuilder().setShape(shape))));
        byte[] bytes = model.toBuilder().setGraph(g).build().toByteArray();

        assertThatThrownBy(() -> BackboneGraph.parse(bytes, "wide", null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("fixed H and W of 1 to 16384 pixels");
    }

    @Test
    void aBackboneOverTwoGigabytesIsRefusedWithoutReadingIt(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir)
            throws Exception {
        java.nio.file.Path huge = dir.resolve("huge.onnx");
        try (var file = new java.io.RandomAccessFile(huge.toFile(), "rw")) {
            file.setLength(3L << 30); // sparse: 3 GiB declared, nothing written
        }

        assertThatThrownBy(() -> BackboneGraph.read(huge, null))
                .isInstanceOf(dev.modelbuilder.core.exception.ModelLoadException.class)
                .hasMessageContaining("the backbone huge.onnx is 3221225472 bytes");
    }
}
