package dev.modelbuilder.local.implementation;

import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A trained network holding its best checkpoint's parameters in native memory: export it to ONNX, or run DJL's own
 * forward pass (inference mode). Close it to free the native memory. Not thread-safe.
 */
final class TrainedNetwork implements AutoCloseable {
    private final Model model;
    private final ResNet network;
    private final ClassifierTrainer.EpochResult best;
    private final ClassifierTrainer.StopReason stopReason;
    private final int epochs;
    private boolean closed;

    TrainedNetwork(Model model, ResNet network, ClassifierTrainer.EpochResult best,
            ClassifierTrainer.StopReason stopReason, int epochs) {
        this.model = Objects.requireNonNull(model, "model");
        this.network = Objects.requireNonNull(network, "network");
        this.best = best;
        this.stopReason = Objects.requireNonNull(stopReason, "stopReason");
        this.epochs = epochs;
    }

    /** @return the best epoch, if one was validated */
    public Optional<ClassifierTrainer.EpochResult> best() {
        return Optional.ofNullable(best);
    }

    /** @return why training stopped */
    public ClassifierTrainer.StopReason stopReason() {
        return stopReason;
    }

    /** @return epochs run */
    public int epochs() {
        return epochs;
    }

    /** @return the network */
    public ResNet network() {
        return network;
    }

    /**
     * @param metadata model metadata to record
     * @return the ONNX model bytes
     */
    public byte[] exportOnnx(Map<String, String> metadata) {
        requireOpen();
        return OnnxExporter.export(network, metadata);
    }

    /**
     * Runs DJL's forward pass in inference mode (batch normalization with running statistics).
     *
     * @param tensors {@code n} input tensors of [3, size, size], one after the other
     * @param n how many
     * @return logits, [n][classes]
     */
    public float[][] logits(float[] tensors, int n) {
        requireOpen();
        int size = network.config().imageSize();
        int classes = network.config().classes();
        try (NDManager m = model.getNDManager().newSubManager()) {
            NDArray x = m.create(FloatBuffer.wrap(tensors, 0, n * 3 * size * size).slice(),
                    new Shape(n, 3, size, size));
            NDList out = network.block().forward(new ParameterStore(m, false), new NDList(x), false);
            float[] flat = out.singletonOrThrow().toFloatArray();
            float[][] result = new float[n][classes];
            for (int i = 0; i < n; i++) {
                System.arraycopy(flat, i * classes, result[i], 0, classes);
            }
            return result;
        }
    }

    private void requireOpen() {
        if (closed) {
            throw new IllegalStateException("the trained network was closed");
        }
    }

    @Override
    public void close() {
        if (!closed) {
            closed = true;
            model.close();
        }
    }
}
