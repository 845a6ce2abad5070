package dev.modelbuilder.scoring.implementation;

import dev.modelbuilder.core.exception.ModelLoadException;

import java.nio.BufferUnderflowException;
import java.nio.ByteBuffer;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Refuses ONNX models that keep tensors in external data files, before ONNX Runtime sees them: ONNX Runtime would
 * open whatever file an entry names, anywhere on disk ({@code ../../etc/passwd}). Walks the protobuf structure only
 * (model, graphs, nodes, attributes, functions, sparse tensors); tensor contents are skipped, not read.
 */
public final class ExternalDataCheck {
    private static final int MAX_DEPTH = 64;
    private static final int EXTERNAL = 1;

    private enum Message { MODEL, GRAPH, NODE, ATTRIBUTE, FUNCTION, SPARSE_TENSOR, TENSOR }

    private final ByteBuffer buf;
    private final String name;
    /** Where the last varint read ended. */
    private int next;

    private ExternalDataCheck(ByteBuffer buf, String name) {
        this.buf = buf;
        this.name = name;
    }

    /**
     * @param file an ONNX model file (mapped, not read whole)
     * @param name the model in words, for the error
     * @throws ModelLoadException if a tensor is stored in external data, or the file cannot be read or parsed
     */
    public static void check(Path file, String name) {
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            long size = ch.size();
            if (size > Integer.MAX_VALUE) {
                throw new ModelLoadException(name + " is " + size + " bytes; models over 2 GiB need external data, "
                        + "which is refused");
            }
            check(ch.map(FileChannel.MapMode.READ_ONLY, 0, size), name);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("ONNX model not found: " + file, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + name + ": " + e.getMessage(), e);
        }
    }

    /**
     * @param model the serialized ONNX model (read from its position to its limit; the buffer is not changed)
     * @param name the model in words, for the error
     * @throws ModelLoadException if a tensor is stored in external data, or the model is not a valid protobuf
     */
    public static void check(ByteBuffer model, String name) {
        ByteBuffer b = model.duplicate();
        ExternalDataCheck check = new ExternalDataCheck(b, name);
        try {
            check.walk(Message.MODEL, b.position(), b.limit(), 0);
        } catch (IndexOutOfBoundsException | BufferUnderflowException e) {
            throw check.invalid("its protobuf data is cut short", e);
        }
    }

    private void walk(Message type, int start, int end, int depth) {
        if (depth > MAX_DEPTH) {
            throw new ModelLoadException(name + " nests graphs more than " + MAX_DEPTH + " deep; refusing it");
        }
        String tensorName = null;
        String location = null;
        boolean external = false;
        int pos = start;
        while (pos < end) {
            long key = varint(pos);
            pos = next;
            int field = (int) (key >>> 3);
            int wire = (int) (key & 7);
            switch (wire) {
                case 0 -> {
                    long value = varint(pos);
                    pos = next;
                    if (type == Message.TENSOR && field == 14 && value == EXTERNAL) {
                        external = true;
                    }
                }
                case 1 -> pos += 8;
                case 5 -> pos += 4;
                case 2 -> {
                    long len = varint(pos);
                    pos = next;
                    if (len < 0 || len > end - pos) {
                        throw invalid("a field runs past its end", null);
                    }
                    int fieldEnd = pos + (int) len;
                    Message child = child(type, field);
                    if (child != null) {
                        walk(child, pos, fieldEnd, depth + 1);
                    } else if (type == Message.TENSOR && field == 8) {
                        tensorName = string(pos, fieldEnd);
                    } else if (type == Message.TENSOR && field == 13) {
                        external = true;
                        String l = entryValue(pos, fieldEnd, "location");
                        location = l != null ? l : location;
                    }
                    pos = fieldEnd;
                }
                default -> throw invalid("unknown protobuf wire type " + wire, null);
            }
        }
        if (pos != end) {
            throw invalid("a field runs past its end", null);
        }
        if (external) {
            throw new ModelLoadException(name + " keeps tensor '" + (tensorName == null ? "?" : tensorName)
                    + "' in an external data file" + (location == null ? "" : " ('" + location + "')")
                    + "; models with external data are refused, as ONNX Runtime would read that file from anywhere on "
                    + "disk. Save the model with all tensors inside it (onnx.save_model(model, path, "
                    + "save_as_external_data=False))");
        }
    }

    private ModelLoadException invalid(String why, Throwable cause) {
        return new ModelLoadException("cannot load " + name + ": it is not a valid ONNX model (" + why + ")", cause);
    }

    /** The nested messages that can hold tensors; null for every other field. */
    private static Message child(Message type, int field) {
        return switch (type) {
            case MODEL -> field == 7 ? Message.GRAPH : field == 25 ? Message.FUNCTION : null;
            case GRAPH -> field == 1 ? Message.NODE : field == 5 ? Message.TENSOR
                    : field == 15 ? Message.SPARSE_TENSOR : null;
            case NODE -> field == 5 ? Message.ATTRIBUTE : null;
            case ATTRIBUTE -> field == 5 || field == 10 ? Message.TENSOR : field == 6 || field == 11 ? Message.GRAPH
                    : field == 22 || field == 23 ? Message.SPARSE_TENSOR : null;
            case FUNCTION -> field == 7 ? Message.NODE : field == 11 ? Message.ATTRIBUTE : null;
            case SPARSE_TENSOR -> field == 1 || field == 2 ? Message.TENSOR : null;
            case TENSOR -> null;
        };
    }

    /** The value of a StringStringEntryProto (key = 1, value = 2) whose key is {@code wanted}, else null. */
    private String entryValue(int start, int end, String wanted) {
        String k = null;
        String v = null;
        int pos = start;
        while (pos < end) {
            long key = varint(pos);
            pos = next;
            if ((key & 7) != 2) {
                return null;
            }
            long len = varint(pos);
            pos = next;
            if (len < 0 || len > end - pos) {
                return null;
            }
            String s = string(pos, pos + (int) len);
            if ((key >>> 3) == 1) {
                k = s;
            } else if ((key >>> 3) == 2) {
                v = s;
            }
            pos += (int) len;
        }
        return wanted.equals(k) ? v : null;
    }

    private String string(int start, int end) {
        byte[] b = new byte[Math.min(end - start, 4096)];
        buf.get(start, b);
        StringBuilder out = new StringBuilder();
        for (char c : new String(b, StandardCharsets.UTF_8).toCharArray()) {
            out.append(Character.isISOControl(c) ? '?' : c);
        }
        return out.toString();
    }

    private long varint(int pos) {
        long result = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            byte b = buf.get(pos++);
            result |= (long) (b & 0x7F) << shift;
            if (b >= 0) {
                next = pos;
                return result;
            }
        }
        throw invalid("a malformed varint", null);
    }
}
