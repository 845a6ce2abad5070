package dev.modelbuilder.azure;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads the shape of one input of an ONNX model from its protobuf encoding, without loading the model: the path
 * {@code ModelProto.graph} (field 7) {@code > GraphProto.input} (11) {@code > ValueInfoProto} ({@code name} 1,
 * {@code type} 2) {@code > TypeProto.tensor_type} (1) {@code > Tensor.shape} (2) {@code > TensorShapeProto.dim} (1)
 * {@code > Dimension.dim_value} (1) or {@code dim_param} (2), as onnx.proto defines them. The weights (the graph's
 * initializers) are skipped over, not read, so a 100 MB model costs a few reads of its mapped pages.
 */
final class OnnxInputShape {
    private static final int WIRE_VARINT = 0;
    private static final int WIRE_64BIT = 1;
    private static final int WIRE_LENGTH = 2;
    private static final int WIRE_32BIT = 5;

    private OnnxInputShape() {
    }

    /**
     * @param onnx the model file
     * @param inputName the input, e.g. {@code input1}
     * @return its dimensions, {@code -1} for a symbolic or unknown one (e.g. the batch), or {@code null} when the
     *     model declares no such input or cannot be read as ONNX
     * @throws IOException when the file cannot be read
     */
    static long[] of(Path onnx, String inputName) throws IOException {
        try (FileChannel channel = FileChannel.open(onnx, StandardOpenOption.READ)) {
            if (channel.size() > Integer.MAX_VALUE) {
                return null;
            }
            MappedByteBuffer model = channel.map(FileChannel.MapMode.READ_ONLY, 0, channel.size());
            ByteBuffer graph = field(model, 7);
            if (graph == null) {
                return null;
            }
            while (graph.hasRemaining()) {
                long key = varint(graph);
                int number = (int) (key >>> 3);
                int wire = (int) (key & 7);
                if (number == 11 && wire == WIRE_LENGTH) {
                    ByteBuffer valueInfo = slice(graph);
                    long[] shape = inputShape(valueInfo, inputName);
                    if (shape != null) {
                        return shape;
                    }
                } else {
                    skip(graph, wire);
                }
            }
            return null;
        } catch (RuntimeException e) {
            // not a well-formed protobuf message: the caller falls back to the job's settings
            return null;
        }
    }

    private static long[] inputShape(ByteBuffer valueInfo, String inputName) {
        String name = null;
        ByteBuffer type = null;
        while (valueInfo.hasRemaining()) {
            long key = varint(valueInfo);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (number == 1 && wire == WIRE_LENGTH) {
                ByteBuffer text = slice(valueInfo);
                byte[] bytes = new byte[text.remaining()];
                text.get(bytes);
                name = new String(bytes, StandardCharsets.UTF_8);
            } else if (number == 2 && wire == WIRE_LENGTH) {
                type = slice(valueInfo);
            } else {
                skip(valueInfo, wire);
            }
        }
        if (!inputName.equals(name) || type == null) {
            return null;
        }
        ByteBuffer tensor = field(type, 1);
        ByteBuffer shape = tensor == null ? null : field(tensor, 2);
        if (shape == null) {
            return null;
        }
        List<Long> dims = new ArrayList<>();
        while (shape.hasRemaining()) {
            long key = varint(shape);
            if ((key >>> 3) == 1 && (key & 7) == WIRE_LENGTH) {
                ByteBuffer dim = slice(shape);
                long value = -1;
                while (dim.hasRemaining()) {
                    long k = varint(dim);
                    if ((k >>> 3) == 1 && (k & 7) == WIRE_VARINT) {
                        value = varint(dim);
                    } else {
                        skip(dim, (int) (k & 7));
                    }
                }
                dims.add(value);
            } else {
                skip(shape, (int) (key & 7));
            }
        }
        return dims.stream().mapToLong(Long::longValue).toArray();
    }

    /** The first length-delimited field of that number in the message, or {@code null}. */
    private static ByteBuffer field(ByteBuffer message, int wanted) {
        ByteBuffer m = message.duplicate();
        while (m.hasRemaining()) {
            long key = varint(m);
            int number = (int) (key >>> 3);
            int wire = (int) (key & 7);
            if (number == wanted && wire == WIRE_LENGTH) {
                return slice(m);
            }
            skip(m, wire);
        }
        return null;
    }

    private static ByteBuffer slice(ByteBuffer b) {
        int length = (int) varint(b);
        if (length < 0 || length > b.remaining()) {
            throw new IllegalArgumentException("truncated field");
        }
        ByteBuffer s = b.slice(b.position(), length);
        b.position(b.position() + length);
        return s;
    }

    private static void skip(ByteBuffer b, int wire) {
        switch (wire) {
            case WIRE_VARINT -> varint(b);
            case WIRE_64BIT -> b.position(b.position() + 8);
            case WIRE_LENGTH -> slice(b);
            case WIRE_32BIT -> b.position(b.position() + 4);
            default -> throw new IllegalArgumentException("unknown wire type " + wire);
        }
    }

    private static long varint(ByteBuffer b) {
        long value = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte next = b.get();
            value |= (long) (next & 0x7f) << shift;
            if ((next & 0x80) == 0) {
                return value;
            }
        }
        throw new IllegalArgumentException("malformed varint");
    }
}
