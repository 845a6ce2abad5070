package dev.modelbuilder.testdata;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.ImageIO;

/**
 * A classifier whose outputs a test controls: an ONNX model (written here, byte by byte, in the protobuf wire format)
 * that averages each colour channel of its input and multiplies the three means by a weight matrix:
 * {@code logits[c] = sum_k mean_k * weights[k][c]}. With the preprocessing {@code squash(SIZE)} without normalization,
 * a solid image of colour (r, g, b) gets exactly {@code logits[c] = (r * w[0][c] + g * w[1][c] + b * w[2][c]) / 255}
 * (in float32), so its softmax can be computed by hand.
 *
 * <p>Graph: {@code input1} float32 {@code [N,3,SIZE,SIZE]} - GlobalAveragePool - Flatten - Gemm (no bias) -
 * {@code output1} float32 {@code [N,C]} logits. IR version 8, opset 17.
 */
public final class ColourClassifier {
    /** The input's width and height. */
    public static final int SIZE = 8;

    private ColourClassifier() {
    }

    /**
     * Writes the model.
     *
     * @param file where to write it
     * @param weights {@code weights[k][c]}: 3 rows (R, G, B), one column per class
     * @return the file
     */
    public static Path writeModel(Path file, float[][] weights) {
        if (weights.length != 3) {
            throw new IllegalArgumentException("give 3 weight rows (R, G, B)");
        }
        int classes = weights[0].length;
        ByteBuffer w = ByteBuffer.allocate(3 * classes * 4).order(ByteOrder.LITTLE_ENDIAN);
        for (float[] row : weights) {
            if (row.length != classes) {
                throw new IllegalArgumentException("every weight row needs " + classes + " columns");
            }
            for (float v : row) {
                w.putFloat(v);
            }
        }
        Proto weightTensor = new Proto().varint(1, 3).varint(1, classes).varint(2, 1).string(8, "W")
                .bytes(9, w.array());
        Proto graph = new Proto()
                .message(1, node("GlobalAveragePool", new String[] {"input1"}, "pooled", null))
                .message(1, node("Flatten", new String[] {"pooled"}, "flat",
                        new Proto().string(1, "axis").varint(3, 1).varint(20, 2)))
                .message(1, node("Gemm", new String[] {"flat", "W"}, "output1", null))
                .string(2, "colour-classifier")
                .message(5, weightTensor)
                .message(11, valueInfo("input1", "N", 3, SIZE, SIZE))
                .message(12, valueInfo("output1", "N", classes));
        Proto model = new Proto().varint(1, 8).string(2, "modelbuilder-testdata")
                .message(7, graph).message(8, new Proto().string(1, "").varint(2, 17));
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            Files.write(file, model.toByteArray());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * Writes a solid-colour PNG.
     *
     * @param file where to write it (folders are created)
     * @param r red, 0-255
     * @param g green, 0-255
     * @param b blue, 0-255
     * @param size its width and height in pixels
     * @return the file
     */
    public static Path writeSolidPng(Path file, int r, int g, int b, int size) {
        BufferedImage img = new BufferedImage(size, size, BufferedImage.TYPE_INT_RGB);
        int rgb = new Color(r, g, b).getRGB();
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                img.setRGB(x, y, rgb);
            }
        }
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            if (!ImageIO.write(img, "png", file.toFile())) {
                throw new IOException("no PNG writer");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }

    /**
     * @param r red, 0-255
     * @param g green, 0-255
     * @param b blue, 0-255
     * @param weights the model's weights
     * @return the logits the model gives a solid image of that colour, computed in double
     */
    public static double[] logits(int r, int g, int b, float[][] weights) {
        double[] out = new double[weights[0].length];
        for (int c = 0; c < out.length; c++) {
            out[c] = ((float) (r / 255.0) * weights[0][c] + (float) (g / 255.0) * weights[1][c]
                    + (float) (b / 255.0) * weights[2][c]);
        }
        return out;
    }

    /**
     * @param logits logits
     * @return their softmax, in double
     */
    public static double[] softmax(double[] logits) {
        double max = Double.NEGATIVE_INFINITY;
        for (double l : logits) {
            max = Math.max(max, l);
        }
        double sum = 0;
        double[] out = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            out[i] = Math.exp(logits[i] - max);
            sum += out[i];
        }
        for (int i = 0; i < out.length; i++) {
            out[i] /= sum;
        }
        return out;
    }

    private static Proto node(String op, String[] inputs, String output, Proto attribute) {
        Proto n = new Proto();
        for (String in : inputs) {
            n.string(1, in);
        }
        n.string(2, output).string(3, op + "_" + output).string(4, op);
        if (attribute != null) {
            n.message(5, attribute);
        }
        return n;
    }

    private static Proto valueInfo(String name, String batchParam, int... dims) {
        Proto shape = new Proto().message(1, new Proto().string(2, batchParam));
        for (int d : dims) {
            shape.message(1, new Proto().varint(1, d));
        }
        Proto tensorType = new Proto().varint(1, 1).message(2, shape);
        return new Proto().string(1, name).message(2, new Proto().message(1, tensorType));
    }

    /** A protobuf message being written: fields in the order added. */
    private static final class Proto {
        private final ByteArrayOutputStream out = new ByteArrayOutputStream();

        Proto varint(int field, long value) {
            tag(field, 0);
            writeVarint(value);
            return this;
        }

        Proto string(int field, String value) {
            return bytes(field, value.getBytes(StandardCharsets.UTF_8));
        }

        Proto bytes(int field, byte[] value) {
            tag(field, 2);
            writeVarint(value.length);
            out.writeBytes(value);
            return this;
        }

        Proto message(int field, Proto value) {
            return bytes(field, value.toByteArray());
        }

        byte[] toByteArray() {
            return out.toByteArray();
        }

        private void tag(int field, int wireType) {
            writeVarint(((long) field << 3) | wireType);
        }

        private void writeVarint(long value) {
            long v = value;
            while ((v & ~0x7FL) != 0) {
                out.write((int) ((v & 0x7F) | 0x80));
                v >>>= 7;
            }
            out.write((int) v);
        }
    }
}
