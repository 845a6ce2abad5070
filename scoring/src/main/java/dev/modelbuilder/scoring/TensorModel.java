package dev.modelbuilder.scoring;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.scoring.implementation.ExternalDataCheck;
import dev.modelbuilder.scoring.implementation.OrtRuntime;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;

/**
 * An ONNX model run directly on tensors that the caller has already preprocessed, without a package's labels or
 * preprocessing: for feature extraction with a pretrained backbone and for checking a model's outputs. Scoring images
 * is {@link PredictionEngine}'s job. On the CPU, with ONNX Runtime's full graph optimization.
 *
 * <pre>{@code
 * try (TensorModel backbone = TensorModel.load(onnxBytes, "the cut backbone", 2)) {
 *     float[] features = backbone.run("input1", tensors, new long[] {8, 3, 224, 224});
 * }
 * }</pre>
 *
 * <p>Thread-safe for {@link #run}; close it to free the native session.
 */
public final class TensorModel implements AutoCloseable {
    private final OrtSession session;
    private final String description;

    private TensorModel(OrtSession session, String description) {
        this.session = session;
        this.description = description;
    }

    /**
     * Loads ONNX Runtime's native library now, so that a platform where it cannot load fails at once rather than
     * at the end of a long job (and so that a job stopped during the JVM's shutdown needs no library loading).
     *
     * @throws ModelLoadException when ONNX Runtime cannot be loaded on this platform or two of its builds are on the
     *     classpath
     */
    public static void requireRuntime() {
        OrtRuntime.environment();
    }

    /**
     * @param onnx the model's bytes
     * @param description what the model is, for error messages, e.g. {@code the cut backbone}
     * @param threads ONNX Runtime's intra-op threads (1 or more)
     * @return the loaded model
     * @throws ModelLoadException when ONNX Runtime cannot load it, or it keeps a tensor in an external data file
     */
    public static TensorModel load(byte[] onnx, String description, int threads) {
        Objects.requireNonNull(onnx, "onnx");
        Objects.requireNonNull(description, "description");
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be at least 1, got " + threads);
        }
        // before ONNX Runtime sees it: it would open any file an external-data entry names
        ExternalDataCheck.check(java.nio.ByteBuffer.wrap(onnx), description);
        try (OrtSession.SessionOptions options = new OrtSession.SessionOptions()) {
            options.setIntraOpNumThreads(threads);
            options.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            // as in PredictionEngine: stop the intra-op workers spinning after a run, so that they leave the cores to
            // the threads that prepare the next batch
            options.addConfigEntry("session.force_spinning_stop", "1");
            return new TensorModel(OrtRuntime.environment().createSession(onnx, options), description);
        } catch (OrtException e) {
            throw new ModelLoadException("ONNX Runtime cannot load " + description + ": " + OrtRuntime.describe(e), e);
        }
    }

    /**
     * Runs the model on one float input and returns its first output.
     *
     * @param inputName the model's input name
     * @param data the input values, from the buffer's position to its limit
     * @param shape the input's shape, e.g. {@code [n, 3, 224, 224]}
     * @return the first output's values, flattened in row-major order
     * @throws ScoringException when ONNX Runtime cannot run the model on this input (a wrong shape, say)
     */
    public float[] run(String inputName, FloatBuffer data, long[] shape) {
        Objects.requireNonNull(inputName, "inputName");
        try (OnnxTensor input = OnnxTensor.createTensor(OrtRuntime.environment(), data, shape);
             OrtSession.Result result = session.run(Map.of(inputName, input))) {
            FloatBuffer out = ((OnnxTensor) result.get(0)).getFloatBuffer();
            float[] values = new float[out.remaining()];
            out.get(values);
            return values;
        } catch (OrtException | ClassCastException e) {
            String why = e instanceof OrtException o ? OrtRuntime.describe(o) : "its first output is not a tensor";
            throw new ScoringException("ONNX Runtime failed to run " + description + ": " + why, e);
        }
    }

    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException e) {
            throw new ScoringException("could not close the ONNX Runtime session of " + description, e);
        }
    }
}
