package dev.modelbuilder.local.implementation.transfer;

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
import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;

/**
 * Backbones and datasets the transfer tests make for themselves: a small ImageNet-shaped CNN classifier written as
 * ONNX (edge and colour filters, then seeded random filters, global average pooling and a classification layer) and a
 * texture dataset it has never been trained for.
 */
final class TestBackbones {
    /** How the classifier ends. */
    enum Ending {
        /** Flatten, Gemm, Softmax (like the ONNX model zoo's classifiers). */
        GEMM,
        /** Flatten, MatMul, Add. */
        MATMUL,
        /** Flatten only: not a classifier. */
        NONE
    }

    static final int SIZE = 32;
    static final int FEATURES = 24;

    private TestBackbones() {
    }

    /**
     * @param ending how it ends
     * @param channels input channels (3 for a valid backbone)
     * @return the serialized model, input "data" [N,channels,32,32], output "prob"
     */
    static byte[] cnn(Ending ending, int channels) {
        Random random = new Random(42);
        GraphProto.Builder g = GraphProto.newBuilder().setName("tinycnn");
        // conv1: 8 filters on luminance edges and colours
        float[] w1 = new float[8 * channels * 9];
        float[][] kernels = {
            {-1, 0, 1, -2, 0, 2, -1, 0, 1}, {-1, -2, -1, 0, 0, 0, 1, 2, 1}, {0, 1, 0, 1, -4, 1, 0, 1, 0},
            {2, 1, 0, 1, 0, -1, 0, -1, -2}, {0, 0, 0, 0, 1, 0, 0, 0, 0}};
        for (int f = 0; f < 8; f++) {
            for (int c = 0; c < channels; c++) {
                for (int k = 0; k < 9; k++) {
                    float v = f < 4 ? kernels[f][k] / 3f : (f - 4 == c || f == 7 ? kernels[4][k] : 0f);
                    w1[(f * channels + c) * 9 + k] = f < 4 ? v : (f == 7 ? -v : v);
                }
            }
        }
        init(g, "conv1.w", w1, 8, channels, 3, 3);
        init(g, "conv1.b", new float[8], 8);
        node(g, "Conv", "conv1", new String[] {"data", "conv1.w", "conv1.b"}, "c1", ints("pads", 1, 1, 1, 1),
                ints("kernel_shape", 3, 3));
        node(g, "Relu", "relu1", new String[] {"c1"}, "r1");
        node(g, "MaxPool", "pool1", new String[] {"r1"}, "p1", ints("kernel_shape", 2, 2), ints("strides", 2, 2));
        float[] w2 = new float[FEATURES * 8 * 9];
        for (int i = 0; i < w2.length; i++) {
            w2[i] = (float) (random.nextGaussian() * 0.3);
        }
        float[] b2 = new float[FEATURES];
        for (int i = 0; i < b2.length; i++) {
            b2[i] = 0.05f;
        }
        init(g, "conv2.w", w2, FEATURES, 8, 3, 3);
        init(g, "conv2.b", b2, FEATURES);
        node(g, "Conv", "conv2", new String[] {"p1", "conv2.w", "conv2.b"}, "c2", ints("pads", 1, 1, 1, 1),
                ints("kernel_shape", 3, 3));
        node(g, "Relu", "relu2", new String[] {"c2"}, "r2");
        node(g, "GlobalAveragePool", "gap", new String[] {"r2"}, "gap");
        node(g, "Flatten", "flatten", new String[] {"gap"}, "flat", AttributeProto.newBuilder().setName("axis")
                .setType(AttributeProto.AttributeType.INT).setI(1).build());
        String out = "flat";
        int outDim = FEATURES;
        if (ending != Ending.NONE) {
            float[] fc = new float[10 * FEATURES];
            for (int i = 0; i < fc.length; i++) {
                fc[i] = (float) (random.nextGaussian() * 0.1);
            }
            if (ending == Ending.GEMM) {
                init(g, "fc.w", fc, 10, FEATURES);
                init(g, "fc.b", new float[10], 10);
                node(g, "Gemm", "fc", new String[] {"flat", "fc.w", "fc.b"}, "logits", AttributeProto.newBuilder()
                        .setName("transB").setType(AttributeProto.AttributeType.INT).setI(1).build());
                node(g, "Softmax", "softmax", new String[] {"logits"}, "prob");
            } else {
                init(g, "fc.w", fc, FEATURES, 10);
                init(g, "fc.b", new float[10], 10);
                node(g, "MatMul", "fc", new String[] {"flat", "fc.w"}, "mm");
                node(g, "Add", "fc_add", new String[] {"mm", "fc.b"}, "prob");
            }
            out = "prob";
            outDim = 10;
        }
        g.addInput(value("data", channels, SIZE, SIZE)).addOutput(value(out, outDim));
        return ModelProto.newBuilder().setIrVersion(8).setProducerName("transfer-test")
                .addOpsetImport(OperatorSetIdProto.newBuilder().setDomain("").setVersion(13)).setGraph(g).build()
                .toByteArray();
    }

    private static void init(GraphProto.Builder g, String name, float[] values, long... dims) {
        ByteBuffer raw = ByteBuffer.allocate(values.length * 4).order(ByteOrder.LITTLE_ENDIAN);
        raw.asFloatBuffer().put(values);
        TensorProto.Builder t = TensorProto.newBuilder().setName(name).setDataType(TensorProto.DataType.FLOAT_VALUE)
                .setRawData(ByteString.copyFrom(raw.array()));
        for (long d : dims) {
            t.addDims(d);
        }
        g.addInitializer(t);
    }

    private static void node(GraphProto.Builder g, String op, String name, String[] inputs, String output,
            AttributeProto... attributes) {
        NodeProto.Builder n = NodeProto.newBuilder().setOpType(op).setName(name).addOutput(output);
        for (String i : inputs) {
            n.addInput(i);
        }
        for (AttributeProto a : attributes) {
            n.addAttribute(a);
        }
        g.addNode(n);
    }

    private static AttributeProto ints(String name, long... values) {
        AttributeProto.Builder a = AttributeProto.newBuilder().setName(name).setType(AttributeProto.AttributeType.INTS);
        for (long v : values) {
            a.addInts(v);
        }
        return a.build();
    }

    private static ValueInfoProto value(String name, long... dims) {
        TensorShapeProto.Builder shape = TensorShapeProto.newBuilder()
                .addDim(TensorShapeProto.Dimension.newBuilder().setDimParam("batch"));
        for (long d : dims) {
            shape.addDim(TensorShapeProto.Dimension.newBuilder().setDimValue(d));
        }
        return ValueInfoProto.newBuilder().setName(name).setType(TypeProto.newBuilder().setTensorType(
                TypeProto.Tensor.newBuilder().setElemType(TensorProto.DataType.FLOAT_VALUE).setShape(shape))).build();
    }

    /** The texture labels of {@link #textures}. */
    static final String[] TEXTURES = {"checks", "dots", "horizontal", "vertical"};

    /**
     * Writes a texture dataset: horizontal and vertical stripes, checks and dots in random colours and scales.
     *
     * @param dir the dataset folder
     * @param perLabel images per label
     * @param seed varies the images
     * @return {@code dir}
     */
    static Path textures(Path dir, int perLabel, long seed) {
        for (int l = 0; l < TEXTURES.length; l++) {
            Path folder = dir.resolve(TEXTURES[l]);
            try {
                Files.createDirectories(folder);
                for (int i = 0; i < perLabel; i++) {
                    Random r = new Random(seed * 7919 + l * 104_729L + i);
                    BufferedImage image = texture(l, r);
                    ImageIO.write(image, "png", folder.resolve(String.format(Locale.ROOT, "%s_%03d.png",
                            TEXTURES[l], i)).toFile());
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return dir;
    }

    private static BufferedImage texture(int label, Random r) {
        int w = 40 + r.nextInt(40);
        int h = 40 + r.nextInt(40);
        int period = 6 + r.nextInt(6);
        int phase = r.nextInt(period);
        Color a = new Color(r.nextInt(100), r.nextInt(100), r.nextInt(100));
        Color b = new Color(155 + r.nextInt(100), 155 + r.nextInt(100), 155 + r.nextInt(100));
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int u = (x + phase) % period;
                int v = (y + phase) % period;
                boolean on = switch (label) {
                    case 0 -> ((x + phase) / period + (y + phase) / period) % 2 == 0;
                    case 1 -> u < period / 3 && v < period / 3;
                    case 2 -> v < period / 2;
                    default -> u < period / 2;
                };
                image.setRGB(x, y, (on ? a : b).getRGB());
            }
        }
        return image;
    }
}
