package dev.modelbuilder.azure.testing;

import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Random;

/**
 * Writes small, real ONNX models (protobuf encoded by hand) with the contract of AutoML's exported image
 * classifiers: input {@code input1} float32 {@code [N,3,S,S]} (S = 224 unless asked otherwise), output
 * {@code output1} float32 {@code [N,C]} logits. The graph is ReduceMean over the pixels of each channel, then Gemm
 * with seeded weights, opset 13.
 *
 * <p>{@link #normalizingClassifier} is the same network with what AutoML's export puts in front of it when a job
 * sets {@code enableOnnxNormalization}: the AutoML vision package's {@code BaseModelWrapper.export_onnx_model} wraps
 * the model in a module that divides its input by 255 and then subtracts the ImageNet mean and divides by the
 * standard deviation per channel (float32), and exports it with a dummy input multiplied by 255, so the exported
 * graph takes pixel values 0-255. Here that is {@code Div(input1, 255)}, {@code Sub(mean[1,3,1,1])},
 * {@code Div(std[1,3,1,1])} before the same ReduceMean and Gemm: fed raw pixels it computes exactly what the plain
 * network computes when fed {@code (x / 255 - mean) / std}.
 */
public final class OnnxModels {
    private OnnxModels() {
    }

    /**
     * @param classes the class count C
     * @param seed varies the weights
     * @return the model's bytes
     */
    public static byte[] classifier(int classes, long seed) {
        return classifier(classes, seed, 224, false);
    }

    /**
     * @param classes the class count C
     * @param seed varies the weights (the same seed gives the same weights as {@link #classifier(int, long)})
     * @param size the input's height and width
     * @return the model's bytes: the plain network with AutoML's in-graph scaling and normalization in front
     */
    public static byte[] normalizingClassifier(int classes, long seed, int size) {
        return classifier(classes, seed, size, true);
    }

    /**
     * @param classes the class count C
     * @param seed varies the weights
     * @param size the input's height and width
     * @param normalizing whether the graph divides by 255 and normalizes with the ImageNet mean and std itself
     * @return the model's bytes
     */
    public static byte[] classifier(int classes, long seed, int size, boolean normalizing) {
        Random r = new Random(seed);
        float[] w = new float[classes * 3];
        float[] b = new float[classes];
        for (int i = 0; i < w.length; i++) {
            w[i] = (float) r.nextGaussian();
        }
        for (int i = 0; i < b.length; i++) {
            b[i] = (float) (r.nextGaussian() * 0.1);
        }
        Proto graph = new Proto();
        String pixels = "input1";
        if (normalizing) {
            graph.bytes(1, node("Div", new String[] {"input1", "K255"}, "scaled"));
            graph.bytes(1, node("Sub", new String[] {"scaled", "MEAN"}, "centred"));
            graph.bytes(1, node("Div", new String[] {"centred", "STD"}, "normalized"));
            pixels = "normalized";
        }
        graph.bytes(1, node("ReduceMean", new String[] {pixels}, "pooled",
                new Proto().string(1, "axes").int64s(8, 2, 3).varint(20, 7),
                new Proto().string(1, "keepdims").varint(3, 0).varint(20, 2)));
        graph.bytes(1, node("Gemm", new String[] {"pooled", "W", "B"}, "output1",
                new Proto().string(1, "transB").varint(3, 1).varint(20, 2)));
        graph.string(2, "modelbuilder-test-classifier");
        graph.bytes(5, tensor("W", w, classes, 3));
        graph.bytes(5, tensor("B", b, classes));
        if (normalizing) {
            graph.bytes(5, tensor("K255", new float[] {255f}));
            graph.bytes(5, tensor("MEAN", new float[] {0.485f, 0.456f, 0.406f}, 1, 3, 1, 1));
            graph.bytes(5, tensor("STD", new float[] {0.229f, 0.224f, 0.225f}, 1, 3, 1, 1));
        }
        graph.bytes(11, valueInfo("input1", new Object[] {"N", 3L, (long) size, (long) size}));
        graph.bytes(12, valueInfo("output1", new Object[] {"N", (long) classes}));
        Proto model = new Proto();
        model.varint(1, 8);
        model.string(2, "modelbuilder-tests");
        model.bytes(7, graph);
        model.bytes(8, new Proto().string(1, "").varint(2, 13));
        return model.toBytes();
    }

    private static Proto node(String op, String[] inputs, String output, Proto... attributes) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        n.string(2, output);
        n.string(3, output + "_" + op.toLowerCase());
        n.string(4, op);
        for (Proto a : attributes) {
            n.bytes(5, a);
        }
        return n;
    }

    private static Proto tensor(String name, float[] values, long... dims) {
        Proto t = new Proto();
        for (long d : dims) {
            t.varint(1, d);
        }
        t.varint(2, 1);
        t.string(8, name);
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float v : values) {
            raw.putFloat(v);
        }
        t.raw(9, raw.array());
        return t;
    }

    private static Proto valueInfo(String name, Object[] dims) {
        Proto shape = new Proto();
        for (Object d : dims) {
            Proto dim = new Proto();
            if (d instanceof String s) {
                dim.string(2, s);
            } else {
                dim.varint(1, (Long) d);
            }
            shape.bytes(1, dim);
        }
        Proto tensorType = new Proto().varint(1, 1).bytes(2, shape);
        return new Proto().string(1, name).bytes(2, new Proto().bytes(1, tensorType));
    }

    /** A protobuf message being written. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            writeVarint((long) field << 3);
            writeVarint(value);
            return this;
        }

        Proto int64s(int field, long... values) {
            for (long v : values) {
                varint(field, v);
            }
            return this;
        }

        Proto string(int field, String value) {
            return raw(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto bytes(int field, Proto message) {
            return raw(field, message.toBytes());
        }

        Proto raw(int field, byte[] data) {
            writeVarint(((long) field << 3) | 2);
            writeVarint(data.length);
            out.writeBytes(data);
            return this;
        }

        private void writeVarint(long v) {
            long value = v;
            while ((value & ~0x7FL) != 0) {
                out.write((int) ((value & 0x7F) | 0x80));
                value >>>= 7;
            }
            out.write((int) value);
        }

        byte[] toBytes() {
            return out.toByteArray();
        }
    }
}
