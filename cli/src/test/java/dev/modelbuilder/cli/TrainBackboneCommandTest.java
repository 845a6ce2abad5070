package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.google.protobuf.ByteString;
import dev.modelbuilder.local.implementation.onnx.Onnx.AttributeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.GraphProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.ModelProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.NodeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.OperatorSetIdProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TensorProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TensorShapeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TypeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.ValueInfoProto;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --backbone}: local training from a pretrained classifier given as an ONNX file. */
class TrainBackboneCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsFromAnOnnxBackboneWithTheGivenPreprocessing() throws Exception {
        Path data = SampleDatasets.shapes(tmp.resolve("data"), 6, 3);
        CliHarness.Result r = CliHarness.run("train", "--data", data.toString(), "--experiment", "transfer",
                "--local-root", tmp.resolve("root").toString(), "--backbone", meanColourClassifier().toString(),
                "--preprocess", "squash", "--no-normalize", "--output", tmp.resolve("model").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("run").get("status").asText()).isEqualTo("Completed");
        assertThat(r.err()).contains("backbone colours.onnx (SHA-256 ").contains("cut before fc");
        ModelPackage pkg = ModelPackage.read(tmp.resolve("model").resolve("MLModel.zip"));
        assertThat(pkg.pipeline().preprocessing()).isEqualTo(PreprocessingSpec.squash(16).withoutNormalization());
    }

    /** A classifier of the mean colour: input [N,3,16,16], GlobalAveragePool, Flatten, Gemm (3 to 4 classes). */
    private Path meanColourClassifier() throws Exception {
        TensorShapeProto.Builder in = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("N"));
        for (long d : new long[] {3, 16, 16}) {
            in.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        ByteBuffer w = ByteBuffer.allocate(12 * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < 12; i++) {
            w.putFloat(i % 5 - 2f);
        }
        GraphProto.Builder g = GraphProto.newBuilder().setName("colours")
                .addInput(ValueInfoProto.newBuilder().setName("image").setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1).setShape(in))))
                .addOutput(ValueInfoProto.newBuilder().setName("scores").setType(TypeProto.newBuilder()
                        .setTensorType(TypeProto.Tensor.newBuilder().setElemType(1))))
                .addInitializer(TensorProto.newBuilder().setName("fc.w").setDataType(1).addDims(4).addDims(3)
                        .setRawData(ByteString.copyFrom(w.array())))
                .addNode(NodeProto.newBuilder().setName("gap").setOpType("GlobalAveragePool").addInput("image")
                        .addOutput("pooled"))
                .addNode(NodeProto.newBuilder().setName("flatten").setOpType("Flatten").addInput("pooled")
                        .addOutput("flat"))
                .addNode(NodeProto.newBuilder().setName("fc").setOpType("Gemm").addInput("flat").addInput("fc.w")
                        .addOutput("scores").addAttribute(AttributeProto.newBuilder().setName("transB")
                                .setType(AttributeProto.AttributeType.INT).setI(1)));
        Path file = tmp.resolve("colours.onnx");
        Files.write(file, ModelProto.newBuilder().setIrVersion(8).setGraph(g)
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).build().toByteArray());
        return file;
    }

    @Test
    void anUnknownBackboneExitsWithTwoNamingTheCatalog() {
        CliHarness.Result r = CliHarness.run("train", "--data", SampleDatasets.shapes(tmp.resolve("d"), 5, 1)
                .toString(), "--experiment", "transfer", "--local-root", tmp.resolve("root").toString(), "--backbone",
                "vgg99", "--output", tmp.resolve("model").toString());
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("vgg99").contains("mobilenetv2").contains("resnet50");
    }
}
