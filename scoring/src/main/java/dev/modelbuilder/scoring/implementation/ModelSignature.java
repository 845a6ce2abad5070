package dev.modelbuilder.scoring.implementation;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import dev.modelbuilder.core.exception.ModelLoadException;

import java.util.Arrays;
import java.util.Map;

/**
 * The image input and class-score output of an image classification model, read from the model itself and
 * checked against what the SDK needs: float32 {@code [N,3,H,W]} in, float32 {@code [N,C]} out.
 *
 * @param inputName the image input
 * @param inputShape its shape, -1 for dynamic dimensions
 * @param outputName the class-score output
 * @param outputShape its shape, -1 for dynamic dimensions
 */
public record ModelSignature(String inputName, long[] inputShape, String outputName, long[] outputShape) {

    /**
     * @param session an open session
     * @param wantedInput the declared input name, or null to take the only input
     * @param wantedOutput the declared output name, or null to take the only output
     * @param width the width preprocessing produces
     * @param height the height preprocessing produces
     * @param source the model, in words, for messages
     * @return the checked signature
     * @throws ModelLoadException if names are missing or shapes and types do not fit
     */
    public static ModelSignature of(OrtSession session, String wantedInput, String wantedOutput, int width, int height,
                                    String source) {
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            NodeInfo in = pick(inputs, wantedInput, "input", source);
            NodeInfo out = pick(outputs, wantedOutput, "output", source);
            TensorInfo inInfo = tensor(in, "input", source);
            TensorInfo outInfo = tensor(out, "output", source);
            long[] inShape = inInfo.getShape();
            if (inShape.length != 4 || (inShape[1] != 3 && inShape[1] > 0)) {
                throw new ModelLoadException(source + ": input '" + in.getName() + "' has shape " + shape(inShape)
                        + "; an image classifier needs float32 [N,3,H,W] (NCHW, RGB planes)");
            }
            if ((inShape[2] > 0 && inShape[2] != height) || (inShape[3] > 0 && inShape[3] != width)) {
                throw new ModelLoadException(source + ": input '" + in.getName() + "' has shape " + shape(inShape)
                        + " but the preprocessing produces " + width + "x" + height + " images; use a preprocessing "
                        + "spec of " + inShape[3] + "x" + inShape[2]);
            }
            long[] outShape = outInfo.getShape();
            if (outShape.length < 1) {
                throw new ModelLoadException(source + ": output '" + out.getName() + "' is a scalar; a classifier "
                        + "needs [N,C] class scores");
            }
            return new ModelSignature(in.getName(), inShape, out.getName(), outShape);
        } catch (OrtException e) {
            throw new ModelLoadException(source + ": cannot read the model's inputs and outputs: "
                    + OrtRuntime.describe(e), e);
        }
    }

    private static NodeInfo pick(Map<String, NodeInfo> nodes, String wanted, String kind, String source) {
        if (wanted != null) {
            NodeInfo n = nodes.get(wanted);
            if (n == null) {
                throw new ModelLoadException(source + " has no " + kind + " named '" + wanted + "'; its " + kind
                        + "s are " + nodes.keySet());
            }
            return n;
        }
        if (nodes.size() != 1) {
            throw new ModelLoadException(source + " has " + nodes.size() + " " + kind + "s " + nodes.keySet()
                    + "; name the one to use");
        }
        return nodes.values().iterator().next();
    }

    private static TensorInfo tensor(NodeInfo node, String kind, String source) {
        if (!(node.getInfo() instanceof TensorInfo t) || t.type != OnnxJavaType.FLOAT) {
            throw new ModelLoadException(source + ": " + kind + " '" + node.getName() + "' is " + node.getInfo()
                    + "; a float32 tensor is needed");
        }
        return t;
    }

    /** @return the fixed batch size, or -1 when the batch dimension is dynamic */
    public int fixedBatchSize() {
        return inputShape[0] > 0 ? (int) inputShape[0] : -1;
    }

    /** @return the number of classes (all output dimensions after the batch one), or -1 when not fixed */
    public int classCount() {
        if (outputShape.length == 1) {
            return -1;
        }
        long n = 1;
        for (int i = 1; i < outputShape.length; i++) {
            if (outputShape[i] <= 0) {
                return -1;
            }
            n *= outputShape[i];
        }
        return n > Integer.MAX_VALUE ? -1 : (int) n;
    }

    /** @return copy of the input shape */
    @Override
    public long[] inputShape() {
        return inputShape.clone();
    }

    /** @return copy of the output shape */
    @Override
    public long[] outputShape() {
        return outputShape.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ModelSignature s && inputName.equals(s.inputName) && outputName.equals(s.outputName)
                && Arrays.equals(inputShape, s.inputShape) && Arrays.equals(outputShape, s.outputShape);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * inputName.hashCode() + outputName.hashCode()) + Arrays.hashCode(inputShape)
                + Arrays.hashCode(outputShape);
    }

    @Override
    public String toString() {
        return "input '" + inputName + "' " + shape(inputShape) + ", output '" + outputName + "' " + shape(outputShape);
    }

    /**
     * @param shape a tensor shape, -1 for dynamic dimensions
     * @return the shape as {@code [N,3,224,224]}: a dynamic batch dimension as N, other dynamic ones as ?
     */
    public static String shape(long[] shape) {
        StringBuilder b = new StringBuilder("[");
        for (int i = 0; i < shape.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(shape[i] < 0 ? (i == 0 ? "N" : "?") : String.valueOf(shape[i]));
        }
        return b.append(']').toString();
    }
}
