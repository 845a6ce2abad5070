package dev.modelbuilder.spark.implementation;

import java.io.Serializable;

/**
 * How an executor's engine is built, beside the package itself: part of the engine cache's key, so that two stages
 * asking for different settings never share an engine built for the other.
 *
 * @param intraOpThreads ONNX Runtime's threads for one inference, at least 1
 * @param batchSize images per inference, at least 1
 * @param cudaDevice the CUDA device, or -1 for the CPU
 */
public record EngineParameters(int intraOpThreads, int batchSize, int cudaDevice) implements Serializable {
    private static final long serialVersionUID = 1L;

    /**
     * @throws IllegalArgumentException if a count is less than 1 or the device is less than -1
     */
    public EngineParameters {
        if (intraOpThreads < 1 || batchSize < 1 || cudaDevice < -1) {
            throw new IllegalArgumentException("invalid engine settings: intraOpThreads " + intraOpThreads
                    + ", batchSize " + batchSize + ", cudaDevice " + cudaDevice);
        }
    }

    /** @return {@code cpu} or {@code cuda:N}, for messages */
    public String device() {
        return cudaDevice < 0 ? "cpu" : "cuda:" + cudaDevice;
    }
}
