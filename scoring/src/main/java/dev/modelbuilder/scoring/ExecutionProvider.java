package dev.modelbuilder.scoring;

/**
 * Where ONNX Runtime runs the model: the CPU, or an NVIDIA GPU through CUDA.
 *
 * <pre>{@code
 * PredictionEngine gpu = PredictionEngine.builder().withModelPackage(zip)
 *         .withExecutionProvider(ExecutionProvider.cuda(0))
 *         .withFallbackToCpu(true)          // otherwise a missing CUDA setup fails the build() call
 *         .build();
 * }</pre>
 *
 * <p>CUDA needs {@code com.microsoft.onnxruntime:onnxruntime_gpu} on the classpath instead of
 * {@code com.microsoft.onnxruntime:onnxruntime} (exclude the CPU one from modelbuilder-scoring; never keep both),
 * plus CUDA 12.x and cuDNN 9.x libraries on the machine. Nothing is ever downloaded at runtime. Immutable.
 */
public final class ExecutionProvider {
    private static final ExecutionProvider CPU = new ExecutionProvider(false, -1);

    private final boolean cuda;
    private final int deviceId;

    private ExecutionProvider(boolean cuda, int deviceId) {
        this.cuda = cuda;
        this.deviceId = deviceId;
    }

    /** @return ONNX Runtime's default CPU provider */
    public static ExecutionProvider cpu() {
        return CPU;
    }

    /** @return CUDA on device 0 */
    public static ExecutionProvider cuda() {
        return cuda(0);
    }

    /**
     * @param deviceId the CUDA device ordinal, 0 for the first GPU
     * @return CUDA on that device
     * @throws IllegalArgumentException if {@code deviceId} is negative
     */
    public static ExecutionProvider cuda(int deviceId) {
        if (deviceId < 0) {
            throw new IllegalArgumentException("CUDA device id must be 0 or more, got " + deviceId);
        }
        return new ExecutionProvider(true, deviceId);
    }

    /** @return whether this is CUDA */
    public boolean isCuda() {
        return cuda;
    }

    /** @return the CUDA device ordinal, or -1 for the CPU */
    public int deviceId() {
        return deviceId;
    }

    /** @return {@code cpu} or {@code cuda:N} */
    @Override
    public String toString() {
        return cuda ? "cuda:" + deviceId : "cpu";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ExecutionProvider p && p.cuda == cuda && p.deviceId == deviceId;
    }

    @Override
    public int hashCode() {
        return cuda ? 31 + deviceId : 0;
    }
}
