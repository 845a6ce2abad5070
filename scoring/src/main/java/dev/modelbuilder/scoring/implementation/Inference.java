package dev.modelbuilder.scoring.implementation;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.core.exception.ScoringException;

import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;

/** One inference of a checked session over images already in a tensor buffer: the raw output rows. Thread-safe. */
public final class Inference {
    private final ModelSession model;
    private final ModelSignature signature;
    private final int width;
    private final int height;
    private final int fixedBatch;
    private final int classes;
    private final Set<String> outputNames;

    /**
     * @param model the open session
     * @param signature its checked signature
     * @param width the image width
     * @param height the image height
     * @param classes the class count
     */
    public Inference(ModelSession model, ModelSignature signature, int width, int height, int classes) {
        this.model = model;
        this.signature = signature;
        this.width = width;
        this.height = height;
        this.fixedBatch = Math.max(0, signature.fixedBatchSize());
        this.classes = classes;
        this.outputNames = Set.of(signature.outputName());
    }

    /**
     * @param buffer {@code count} images (or the model's fixed batch size), one after the other
     * @param count the images to score
     * @param what the images in words, for messages
     * @return one output row of {@code classes} values per image
     * @throws ScoringException if inference fails or the output has another size
     */
    public float[][] run(FloatBuffer buffer, int count, String what) {
        int rows = fixedBatch > 0 ? fixedBatch : count;
        int tensorSize = 3 * width * height;
        FloatBuffer view = buffer.duplicate();
        view.position(0).limit(rows * tensorSize);
        long[] shape = {rows, 3, height, width};
        float[] flat;
        try (OnnxTensor input = OnnxTensor.createTensor(model.env(), view, shape);
             OrtSession.Result result = model.session().run(Map.of(signature.inputName(), input), outputNames)) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor out)) {
                throw new ScoringException(model.name() + ": output '" + signature.outputName() + "' is not a tensor");
            }
            FloatBuffer fb = out.getFloatBuffer();
            flat = new float[fb.remaining()];
            fb.get(flat);
        } catch (OrtException e) {
            throw new ScoringException("inference failed for " + what + ": " + OrtRuntime.describe(e), e);
        }
        if (flat.length != rows * classes) {
            throw new ScoringException(model.name() + " returned " + flat.length + " values for " + rows
                    + " images; expected " + classes + " per image (one per label)");
        }
        float[][] out = new float[count][];
        for (int i = 0; i < count; i++) {
            out[i] = Arrays.copyOfRange(flat, i * classes, (i + 1) * classes);
        }
        return out;
    }
}
