package dev.modelbuilder.scoring.implementation;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtProvider;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * An open ONNX Runtime session with its options and the provider it really runs on: created from a file or a direct
 * buffer, on CUDA with an optional fall back to the CPU, then checked against the labels and preprocessing. Used by
 * the prediction engine and by package verification alike.
 */
public final class ModelSession implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ModelSession.class);

    private final OrtEnvironment env;
    private final String name;
    private OrtSession.SessionOptions options;
    private OrtSession session;
    private int cudaDevice;

    /** Where the model comes from and how to run it. */
    public record Request(Path file, ByteBuffer bytes, String name, int cudaDevice, boolean fallbackToCpu,
                          int intraOpThreads, OptimizedModels optimized) {
        /**
         * @param file the model file, or null with {@code bytes}
         * @param bytes the model's bytes (a direct buffer is used as it is), or null with {@code file}
         * @param name the model in words, for messages
         * @param cudaDevice the CUDA device to run on, or -1 for the CPU
         * @param fallbackToCpu whether an unusable CUDA provider falls back to the CPU
         * @param intraOpThreads ONNX Runtime intra-op threads, 0 for its default
         * @param optimized where the model's optimized form is kept for CPU sessions, or null to optimize it on
         *     every load
         */
        public Request {
            if ((file == null) == (bytes == null)) {
                throw new IllegalArgumentException("give a model file or its bytes");
            }
        }
    }

    private ModelSession(OrtEnvironment env, String name) {
        this.env = env;
        this.name = name;
    }

    /**
     * @param r the request
     * @return the open session
     * @throws ModelLoadException if the model cannot be loaded or CUDA is unusable without fallback
     */
    public static ModelSession open(Request r) {
        boolean optimizable = r.cudaDevice() < 0 && r.optimized() != null;
        if (optimizable) {
            // the optimized form was written by ONNX Runtime from this model after it passed the check below
            ModelSession cached = openCachedOptimized(r);
            if (cached != null) {
                return cached;
            }
        }
        // before ONNX Runtime sees the model: it would open any file an external-data entry names
        if (r.file() != null) {
            ExternalDataCheck.check(r.file(), r.name());
        } else {
            ExternalDataCheck.check(r.bytes(), r.name());
        }
        ModelSession m = new ModelSession(OrtRuntime.environment(), r.name());
        m.cudaDevice = r.cudaDevice();
        m.options = baseOptions(r.intraOpThreads(), r.name());
        if (m.cudaDevice >= 0) {
            String problem = enableCuda(m.options, m.cudaDevice);
            if (problem != null) {
                m.useCpuInstead(problem, r);
            }
        }
        if (optimizable && m.openWritingOptimized(r)) {
            return m;
        }
        try {
            m.session = create(m.env, r, m.options);
        } catch (OrtException e) {
            if (m.cudaDevice < 0) {
                m.options.close();
                throw new ModelLoadException("cannot load " + r.name() + ": " + OrtRuntime.describe(e), e);
            }
            m.useCpuInstead("creating the session on cuda:" + m.cudaDevice + " failed: " + OrtRuntime.describe(e), r);
            try {
                m.session = create(m.env, r, m.options);
            } catch (OrtException e2) {
                m.options.close();
                throw new ModelLoadException("cannot load " + r.name() + ": " + OrtRuntime.describe(e2), e2);
            }
        }
        return m;
    }

    /**
     * @return a CPU session on the model's cached optimized form, when there is one that passes its probe; else null
     */
    private static ModelSession openCachedOptimized(Request r) {
        ModelSession m = new ModelSession(OrtRuntime.environment(), r.name());
        m.cudaDevice = -1;
        OrtSession.SessionOptions plain = baseOptions(r.intraOpThreads(), r.name());
        try {
            plain.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.NO_OPT);
            m.session = r.optimized().openCached(m.env, plain);
        } catch (OrtException e) {
            LOG.debug("cannot configure a session for the optimized model", e);
        }
        if (m.session == null) {
            plain.close();
            return null;
        }
        m.options = plain;
        return m;
    }

    /**
     * On the CPU: a session on the model that also writes its optimized form for the next load.
     *
     * @return whether the session is open; false leaves the ordinary load to the caller
     */
    private boolean openWritingOptimized(Request r) {
        Path partial = r.optimized().prepareWrite(options);
        if (partial == null) {
            return false;
        }
        try {
            session = create(env, r, options);
        } catch (OrtException e) {
            // possibly the optimized model's write: the caller loads the model again without it
            LOG.debug("creating a session that writes the optimized model failed", e);
            r.optimized().abandon(partial);
            options.close();
            options = baseOptions(r.intraOpThreads(), name);
            return false;
        }
        r.optimized().commit(env, session, partial);
        return true;
    }

    /**
     * Reads the model's signature and checks it against the preprocessing and the labels. When the class dimension
     * is dynamic and {@code probeDynamic} is set, one inference on zeros tells the class count.
     *
     * @param labels the labels in class-index order
     * @param spec the preprocessing
     * @param input the declared input name, or null for the only input
     * @param output the declared output name, or null for the only output
     * @param probeDynamic whether to find a dynamic class count by one inference
     * @return the checked signature
     * @throws ModelLoadException if names, shapes or the class count do not fit
     */
    public ModelSignature check(LabelMap labels, PreprocessingSpec spec, String input, String output,
                                boolean probeDynamic) {
        ModelSignature sig = ModelSignature.of(session, input, output, spec.width(), spec.height(), name);
        int classes = sig.classCount();
        if (classes < 0 && probeDynamic) {
            classes = probeClassCount(sig, spec);
        }
        if (classes >= 0) {
            labels.requireSize(classes, name + " (output '" + sig.outputName() + "' "
                    + ModelSignature.shape(sig.outputShape()) + ")");
        }
        return sig;
    }

    private int probeClassCount(ModelSignature sig, PreprocessingSpec spec) {
        int n = Math.max(1, sig.fixedBatchSize());
        long floats = BufferPool.requireFits(n, spec.tensorSize(), "a test inference of " + name);
        long[] shape = {n, 3, spec.height(), spec.width()};
        FloatBuffer zeros = ByteBuffer.allocateDirect((int) (floats * Float.BYTES)).order(ByteOrder.nativeOrder())
                .asFloatBuffer();
        try (OnnxTensor t = OnnxTensor.createTensor(env, zeros, shape);
             OrtSession.Result r = session.run(Map.of(sig.inputName(), t), Set.of(sig.outputName()))) {
            OnnxValue v = r.get(0);
            if (!(v instanceof OnnxTensor out)) {
                throw new ModelLoadException(name + ": output '" + sig.outputName() + "' is not a tensor");
            }
            return (int) (out.getInfo().getNumElements() / n);
        } catch (OrtException e) {
            throw new ModelLoadException(name + ": a test inference to find the number of classes failed: "
                    + OrtRuntime.describe(e), e);
        }
    }

    private void useCpuInstead(String problem, Request r) {
        int device = cudaDevice;
        options.close();
        if (!r.fallbackToCpu()) {
            throw new ModelLoadException(OrtRuntime.cudaUnavailableMessage(problem, device));
        }
        LOG.warn("CUDA (device {}) is not usable, scoring {} on the CPU instead (fallbackToCpu is on): {}", device,
                name, problem);
        options = baseOptions(r.intraOpThreads(), name);
        cudaDevice = -1;
    }

    /** @return the environment the session lives in */
    public OrtEnvironment env() {
        return env;
    }

    /** @return the session */
    public OrtSession session() {
        return session;
    }

    /** @return the CUDA device the session runs on, or -1 for the CPU (also after a fallback) */
    public int cudaDevice() {
        return cudaDevice;
    }

    /** @return the model in words */
    public String name() {
        return name;
    }

    /** Closes the session and its options, logging (not throwing) a failure. */
    @Override
    public void close() {
        try {
            session.close();
        } catch (OrtException | RuntimeException e) {
            LOG.warn("closing the ONNX Runtime session of {} failed: {}", name, e.toString());
        }
        options.close();
    }

    private static OrtSession create(OrtEnvironment env, Request r, OrtSession.SessionOptions o) throws OrtException {
        if (r.file() != null) {
            return env.createSession(r.file().toString(), o);
        }
        ByteBuffer bytes = r.bytes();
        // ONNX Runtime reads models only from direct buffers
        ByteBuffer direct = bytes.isDirect() ? bytes
                : ByteBuffer.allocateDirect(bytes.remaining()).put(bytes.duplicate()).flip();
        return env.createSession(direct, o);
    }

    private static OrtSession.SessionOptions baseOptions(int intraOpThreads, String name) {
        OrtSession.SessionOptions o = new OrtSession.SessionOptions();
        try {
            o.setOptimizationLevel(OrtSession.SessionOptions.OptLevel.ALL_OPT);
            if (intraOpThreads > 0) {
                o.setIntraOpNumThreads(intraOpThreads);
            }
            // ONNX Runtime's intra-op workers spin for a long while after each run; stop them when a run ends so that
            // they do not take the cores the next call decodes and resizes its images on (they still spin during a
            // run)
            o.addConfigEntry("session.force_spinning_stop", "1");
            return o;
        } catch (OrtException e) {
            o.close();
            throw new ModelLoadException("cannot configure ONNX Runtime for " + name + ": " + OrtRuntime.describe(e),
                    e);
        }
    }

    /** @return null when CUDA was added, otherwise why not */
    private static String enableCuda(OrtSession.SessionOptions o, int deviceId) {
        if (!OrtRuntime.gpuBuildOnClasspath()) {
            return "the classpath holds the CPU build " + OrtRuntime.CPU_ARTIFACT + ", which has no CUDA provider";
        }
        if (!OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA)) {
            return "this ONNX Runtime build does not list the CUDA provider";
        }
        try {
            o.addCUDA(deviceId);
            return null;
        } catch (OrtException e) {
            return OrtRuntime.describe(e);
        }
    }
}
