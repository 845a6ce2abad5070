package dev.modelbuilder.scoring.implementation;

import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.pipeline.ModelCache;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ONNX Runtime's fully optimized form of a packaged model, kept beside the model cache so that later loads skip graph
 * optimization (for a ResNet50 about half of the session's creation time).
 *
 * <p>The optimized graph may hold layouts chosen for this processor's vector width, so an entry is named by the
 * model's SHA-256, the ONNX Runtime version and a fingerprint of the processor, and it comes with a probe: the outputs
 * of the session it was written by, on a fixed input. A session made from the entry is used only when it gives those
 * outputs again; otherwise the entry is deleted and the model is optimized afresh. Anything that goes wrong here
 * falls back to loading the model itself.
 */
public final class OptimizedModels {
    private static final Logger LOG = LoggerFactory.getLogger(OptimizedModels.class);
    private static final float TOLERANCE = 1e-4f;
    /** A probe file starts with the optimized model's SHA-256. */
    private static final int SHA256_BYTES = 32;

    private final Path directory;
    private final String sha256;
    private final int width;
    private final int height;

    private OptimizedModels(Path directory, String sha256, int width, int height) {
        this.directory = directory;
        this.sha256 = sha256;
        this.width = width;
        this.height = height;
    }

    /**
     * @param directory the folder to keep optimized models in
     * @param sha256 the model's SHA-256
     * @param width the model input's width, for the probe
     * @param height the model input's height, for the probe
     * @return the entry of that model on this processor and runtime
     */
    public static OptimizedModels of(Path directory, String sha256, int width, int height) {
        return new OptimizedModels(directory, sha256, width, height);
    }

    private String baseName() {
        String key = OrtRuntime.version() + "|" + processorFingerprint() + "|" + width + "x" + height;
        return sha256 + "-" + sha256Hex(key.getBytes(StandardCharsets.UTF_8)).substring(0, 16);
    }

    Path modelFile() {
        return directory.resolve(baseName() + ".onnx");
    }

    private Path probeFile() {
        return directory.resolve(baseName() + ".probe");
    }

    /**
     * @return a session on the optimized model when there is an entry and its probe matches; null otherwise
     */
    OrtSession openCached(OrtEnvironment env, OrtSession.SessionOptions noOptimization) {
        Path model = modelFile();
        Path probe = probeFile();
        if (!Files.isRegularFile(model) || !Files.isRegularFile(probe)) {
            return null;
        }
        OrtSession session = null;
        try {
            byte[] recorded = Files.readAllBytes(probe);
            if (recorded.length < SHA256_BYTES
                    || !HexFormat.of().formatHex(recorded, 0, SHA256_BYTES).equals(ModelCache.sha256(model))) {
                LOG.warn("the optimized form {} has changed since it was written; not using it", model);
                deleteQuietly(model);
                deleteQuietly(probe);
                return null;
            }
            ExternalDataCheck.check(model, "the optimized form of model " + sha256);
            session = env.createSession(model.toString(), noOptimization);
            float[] expected = floats(recorded, SHA256_BYTES);
            float[] actual = probe(env, session);
            if (actual != null && matches(expected, actual)) {
                return session;
            }
            LOG.warn("the optimized form of model {} gives other outputs on this machine; optimizing it afresh",
                    sha256);
        } catch (ModelLoadException e) {
            LOG.warn("not using the optimized form {}: {}", model, e.getMessage());
        } catch (OrtException | IOException | RuntimeException e) {
            LOG.debug("cannot use the optimized model {}", model, e);
        }
        close(session);
        deleteQuietly(model);
        deleteQuietly(probe);
        return null;
    }

    /**
     * Asks ONNX Runtime to write the optimized model while it creates the session.
     *
     * @return the partial file it will write, or null when the folder cannot be written
     */
    Path prepareWrite(OrtSession.SessionOptions options) {
        try {
            Files.createDirectories(directory);
            Path partial = Files.createTempFile(directory, baseName() + ".", ".partial");
            options.setOptimizedModelFilePath(partial.toString());
            return partial;
        } catch (IOException | OrtException e) {
            LOG.debug("cannot write optimized models to {}", directory, e);
            return null;
        }
    }

    /** Removes a partial file whose session was never created. */
    void abandon(Path partial) {
        deleteQuietly(partial);
    }

    /** Records the probe of the session that wrote the partial file and moves both into place. */
    void commit(OrtEnvironment env, OrtSession session, Path partial) {
        Path probePartial = null;
        try {
            float[] outputs = probe(env, session);
            if (outputs == null || Files.size(partial) == 0) {
                return;
            }
            probePartial = Files.createTempFile(directory, baseName() + ".", ".probe.partial");
            ByteBuffer b = ByteBuffer.allocate(SHA256_BYTES + outputs.length * Float.BYTES)
                    .order(ByteOrder.LITTLE_ENDIAN);
            b.put(HexFormat.of().parseHex(ModelCache.sha256(partial)));
            b.asFloatBuffer().put(outputs);
            Files.write(probePartial, b.array());
            AtomicFiles.replace(probePartial, probeFile());
            AtomicFiles.replace(partial, modelFile());
            removeEntriesOfEvictedModels();
        } catch (OrtException | IOException | RuntimeException e) {
            LOG.debug("cannot keep the optimized model of {}", sha256, e);
        } finally {
            deleteQuietly(partial);
            if (probePartial != null) {
                deleteQuietly(probePartial);
            }
        }
    }

    /** Drops the entries of models that the model cache (the folder above) no longer holds. */
    private void removeEntriesOfEvictedModels() throws IOException {
        Path models = directory.getParent();
        Pattern entry = Pattern.compile("([0-9a-f]{64})-[0-9a-f]{16}\\.(onnx|probe)");
        try (Stream<Path> files = Files.list(directory)) {
            for (Path p : (Iterable<Path>) files::iterator) {
                Matcher m = entry.matcher(p.getFileName().toString());
                if (m.matches() && models != null && !Files.exists(models.resolve(m.group(1) + ".onnx"))) {
                    deleteQuietly(p);
                }
            }
        }
    }

    /** The outputs on a fixed, non-trivial input; null when the model is not one image input of 3 channels. */
    private float[] probe(OrtEnvironment env, OrtSession session) throws OrtException {
        if (session.getInputNames().size() != 1) {
            return null;
        }
        String input = session.getInputNames().iterator().next();
        long[] shape = {1, 3, height, width};
        int n = 3 * height * width;
        FloatBuffer data = ByteBuffer.allocateDirect(n * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
        for (int i = 0; i < n; i++) {
            data.put(i, ((i * 7919) % 1009) / 1009f - 0.5f);
        }
        try (OnnxTensor t = OnnxTensor.createTensor(env, data, shape);
             OrtSession.Result result = session.run(Map.of(input, t))) {
            FloatBuffer all = FloatBuffer.allocate(0);
            for (Map.Entry<String, OnnxValue> e : result) {
                if (!(e.getValue() instanceof OnnxTensor out) || out.getFloatBuffer() == null) {
                    return null;
                }
                FloatBuffer f = out.getFloatBuffer();
                FloatBuffer joined = FloatBuffer.allocate(all.capacity() + f.remaining());
                joined.put(all.rewind()).put(f);
                all = joined;
            }
            return all.array();
        }
    }

    private static boolean matches(float[] expected, float[] actual) {
        if (expected.length != actual.length) {
            return false;
        }
        for (int i = 0; i < expected.length; i++) {
            if (!(Math.abs(expected[i] - actual[i]) <= TOLERANCE * Math.max(1f, Math.abs(expected[i])))) {
                return false;
            }
        }
        return true;
    }

    private static float[] floats(byte[] probe, int offset) {
        FloatBuffer f = ByteBuffer.wrap(probe, offset, probe.length - offset).slice().order(ByteOrder.LITTLE_ENDIAN)
                .asFloatBuffer();
        float[] out = new float[f.remaining()];
        f.get(out);
        return out;
    }

    /**
     * What an optimized graph may depend on besides the runtime's version: the architecture and, where the system
     * tells them, the processor's model and feature flags.
     */
    static String processorFingerprint() {
        StringBuilder b = new StringBuilder(System.getProperty("os.name", "") + "/" + System.getProperty("os.arch", ""));
        Path cpuinfo = Path.of("/proc/cpuinfo");
        if (Files.isReadable(cpuinfo)) {
            try (Stream<String> lines = Files.lines(cpuinfo)) {
                lines.filter(l -> l.startsWith("flags") || l.startsWith("Features") || l.startsWith("model name"))
                        .distinct().forEach(l -> b.append('|').append(l.strip()));
            } catch (IOException | java.io.UncheckedIOException e) {
                LOG.debug("cannot read {}", cpuinfo, e);
            }
        }
        String id = System.getenv("PROCESSOR_IDENTIFIER");
        if (id != null) {
            b.append('|').append(id);
        }
        return b.toString().toLowerCase(Locale.ROOT);
    }

    private static String sha256Hex(byte[] bytes) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    private static void close(OrtSession session) {
        if (session != null) {
            try {
                session.close();
            } catch (OrtException e) {
                LOG.debug("closing a probe session failed", e);
            }
        }
    }

    private static void deleteQuietly(Path p) {
        try {
            Files.deleteIfExists(p);
        } catch (IOException e) {
            LOG.debug("cannot delete {}", p, e);
        }
    }
}
