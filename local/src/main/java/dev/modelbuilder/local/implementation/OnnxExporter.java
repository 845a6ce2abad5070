package dev.modelbuilder.local.implementation;

import ai.djl.ndarray.NDArray;
import ai.djl.nn.Block;
import ai.djl.nn.Parameter;
import com.google.protobuf.ByteString;
import dev.modelbuilder.local.implementation.onnx.Onnx.AttributeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.GraphProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.ModelProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.NodeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.OperatorSetIdProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.StringStringEntryProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TensorProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TensorShapeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.TypeProto;
import dev.modelbuilder.local.implementation.onnx.Onnx.ValueInfoProto;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * Writes a trained {@link ResNet} as an ONNX model: input {@value #INPUT_NAME} float32 [N,3,H,W] with a symbolic batch
 * dimension, output {@value #OUTPUT_NAME} float32 [N,C] raw logits. Operators: Conv, BatchNormalization (with each
 * layer's own epsilon), Relu, MaxPool, Add, GlobalAveragePool, Flatten and Gemm, from the default operator set at
 * version {@value #OPSET} (IR version {@value #IR_VERSION}). Weights are copied from the DJL layers the ops reference:
 * convolution weights as they are ([out,in,kh,kw]), linear weights [out,in] with {@code transB=1}, batch
 * normalization with its running mean and variance. Stateless.
 */
final class OnnxExporter {
    /** The model input's name, as Model Builder writes it. */
    public static final String INPUT_NAME = "input1";
    /** The model output's name, as Model Builder writes it. */
    public static final String OUTPUT_NAME = "output1";
    /** The default-domain operator set version used. */
    public static final int OPSET = 17;
    /** The ONNX IR version matching {@link #OPSET}. */
    public static final int IR_VERSION = 8;
    private static final int FLOAT = TensorProto.DataType.FLOAT_VALUE;

    private OnnxExporter() {
    }

    /**
     * @param network the trained network (parameters initialized)
     * @param metadata free-form model metadata, e.g. the labels and the run id
     * @return the serialized ONNX model
     */
    public static byte[] export(ResNet network, Map<String, String> metadata) {
        Emitter e = new Emitter();
        String out = e.emitAll(network.ops(), INPUT_NAME, "");
        // name the final value output1: rename the last node's output
        NodeProto last = e.graph.getNode(e.graph.getNodeCount() - 1);
        e.graph.setNode(e.graph.getNodeCount() - 1, last.toBuilder().setOutput(0, OUTPUT_NAME).build());
        if (!out.equals(last.getOutput(0))) {
            throw new IllegalStateException("the graph does not end with its last node");
        }
        int size = network.config().imageSize();
        e.graph.setName(network.config().name())
                .addInput(tensorValue(INPUT_NAME, "N", 3, size, size))
                .addOutput(tensorValue(OUTPUT_NAME, "N", network.config().classes()));
        ModelProto.Builder model = ModelProto.newBuilder()
                .setIrVersion(IR_VERSION)
                .setProducerName("modelbuilder-local")
                .setProducerVersion(ResNet.class.getPackage().getImplementationVersion() == null ? "dev"
                        : ResNet.class.getPackage().getImplementationVersion())
                .setModelVersion(1)
                .setDocString("ResNet-style image classifier (" + network.config().name() + ", width "
                        + network.config().width() + ") trained by Model Builder for Java's local backend")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(OPSET))
                .setGraph(e.graph);
        metadata.forEach((k, v) -> model.addMetadataProps(StringStringEntryProto.newBuilder().setKey(k).setValue(v)));
        return model.build().toByteArray();
    }

    private static ValueInfoProto tensorValue(String name, String batch, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam(batch));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name)
                .setType(TypeProto.newBuilder().setTensorType(
                        TypeProto.Tensor.newBuilder().setElemType(FLOAT).setShape(shape)))
                .build();
    }

    private static final class Emitter {
        final GraphProto.Builder graph = GraphProto.newBuilder();
        private int counter;

        String emitAll(List<ResNet.Op> ops, String input, String scope) {
            String x = input;
            for (ResNet.Op op : ops) {
                x = emit(op, x, scope);
            }
            return x;
        }

        String emit(ResNet.Op op, String x, String scope) {
            String id = scope + name(op) + "_" + counter++;
            if (op instanceof ResNet.Conv c) {
                String w = initializer(id + ".weight", c.layer(), "weight",
                        c.outChannels(), c.inChannels(), c.kernel(), c.kernel());
                return node("Conv", id, List.of(x, w),
                        ints("kernel_shape", c.kernel(), c.kernel()),
                        ints("strides", c.stride(), c.stride()),
                        ints("pads", c.padding(), c.padding(), c.padding(), c.padding()),
                        ints("dilations", 1, 1),
                        intAttr("group", 1));
            }
            if (op instanceof ResNet.BatchNormOp bn) {
                int ch = bn.channels();
                String gamma = initializer(id + ".gamma", bn.layer(), "gamma", ch);
                String beta = initializer(id + ".beta", bn.layer(), "beta", ch);
                String mean = initializer(id + ".running_mean", bn.layer(), "runningMean", ch);
                String var = initializer(id + ".running_var", bn.layer(), "runningVar", ch);
                return node("BatchNormalization", id, List.of(x, gamma, beta, mean, var),
                        floatAttr("epsilon", bn.epsilon()));
            }
            if (op instanceof ResNet.Relu) {
                return node("Relu", id, List.of(x));
            }
            if (op instanceof ResNet.MaxPool p) {
                return node("MaxPool", id, List.of(x),
                        ints("kernel_shape", p.kernel(), p.kernel()),
                        ints("strides", p.stride(), p.stride()),
                        ints("pads", p.padding(), p.padding(), p.padding(), p.padding()));
            }
            if (op instanceof ResNet.Residual r) {
                String main = emitAll(r.main(), x, id + "/");
                String shortcut = r.shortcut().isEmpty() ? x : emitAll(r.shortcut(), x, id + "/shortcut/");
                return node("Add", id + "/add", List.of(main, shortcut));
            }
            if (op instanceof ResNet.GlobalAvgPool) {
                return node("GlobalAveragePool", id, List.of(x));
            }
            if (op instanceof ResNet.Flatten) {
                return node("Flatten", id, List.of(x), intAttr("axis", 1));
            }
            if (op instanceof ResNet.Dense d) {
                String w = initializer(id + ".weight", d.layer(), "weight", d.outFeatures(), d.inFeatures());
                String b = initializer(id + ".bias", d.layer(), "bias", d.outFeatures());
                return node("Gemm", id, List.of(x, w, b),
                        floatAttr("alpha", 1f), floatAttr("beta", 1f), intAttr("transA", 0), intAttr("transB", 1));
            }
            throw new IllegalArgumentException("no ONNX mapping for " + op);
        }

        private static String name(ResNet.Op op) {
            String n = op.getClass().getSimpleName();
            return Character.toLowerCase(n.charAt(0)) + n.substring(1);
        }

        private String node(String opType, String name, List<String> inputs, AttributeProto... attributes) {
            String output = name + ":out";
            graph.addNode(NodeProto.newBuilder().setName(name).setOpType(opType).addAllInput(inputs)
                    .addOutput(output).addAllAttribute(Arrays.asList(attributes)));
            return output;
        }

        private String initializer(String name, Block layer, String parameter, long... dims) {
            Parameter p = layer.getParameters().get(parameter);
            if (p == null || !p.isInitialized()) {
                throw new IllegalStateException("layer " + layer + " has no initialized parameter '" + parameter + "'");
            }
            NDArray array = p.getArray();
            long expected = Arrays.stream(dims).reduce(1, (a, b) -> a * b);
            if (array.size() != expected) {
                throw new IllegalStateException("parameter " + name + " has shape " + array.getShape()
                        + ", expected " + Arrays.toString(dims));
            }
            float[] values = array.toFloatArray();
            ByteBuffer raw = ByteBuffer.allocate(values.length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            raw.asFloatBuffer().put(values);
            TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(FLOAT)
                    .setRawData(ByteString.copyFrom(raw.array()));
            for (long d : dims) {
                t.addDims(d);
            }
            graph.addInitializer(t);
            return name;
        }

        private static AttributeProto ints(String name, long... values) {
            AttributeProto.Builder a = AttributeProto.newBuilder().setName(name)
                    .setType(AttributeProto.AttributeType.INTS);
            for (long v : values) {
                a.addInts(v);
            }
            return a.build();
        }

        private static AttributeProto intAttr(String name, long value) {
            return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INT).setI(value)
                    .build();
        }

        private static AttributeProto floatAttr(String name, float value) {
            return AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.FLOAT).setF(value)
                    .build();
        }
    }
}
