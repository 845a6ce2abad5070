package dev.modelbuilder.local.implementation;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import dev.modelbuilder.core.exception.ModelBuilderException;

/**
 * The one door to DJL and its PyTorch engine. Every class of this module that touches DJL calls
 * {@link #engine()} (or {@link #prepareThread(int)}) first, so this class's static initializer runs before any DJL
 * class is loaded by this module.
 *
 * <p><b>Offline.</b> The static initializer sets the system property {@value #OFFLINE_PROPERTY}{@code =true} unless
 * the application already set it (to any value: an explicit {@code false} is respected). DJL reads that switch each
 * time it would go online; with it, DJL neither downloads native libraries (the PyTorch JNI and CPU native jars are
 * dependencies of this module) nor calls its telemetry/metadata endpoint (169.254.169.254). {@code OfflineProofTest}
 * checks this in a fresh JVM that records every connection attempt.
 *
 * <p><b>Threads.</b> PyTorch's intra-op thread count is per process; {@link #prepareThread(int)} sets it on the
 * calling (training) thread and switches autograd recording off there (DJL's gradient collector switches it on
 * while it is open). Inter-op parallelism is not used by training: {@value #INTEROP_PROPERTY} defaults to 1 unless set.
 *
 * <p><b>Native cache.</b> PyTorch's native libraries unpack to {@code ~/.djl.ai} on first use (about 430 MB); DJL
 * honours the {@code DJL_CACHE_DIR} environment variable or system property to put them elsewhere.
 */
public final class DjlRuntime {
    /** DJL's offline switch. */
    public static final String OFFLINE_PROPERTY = "ai.djl.offline";
    /** DJL's PyTorch inter-op thread setting, read once when the engine loads. */
    public static final String INTEROP_PROPERTY = "ai.djl.pytorch.num_interop_threads";
    /** The engine this module trains with. */
    public static final String ENGINE_NAME = "PyTorch";

    static {
        // Guarded: runs once per class loader, and never overrides what the application chose.
        if (System.getProperty(OFFLINE_PROPERTY) == null && System.getenv("DJL_OFFLINE") == null) {
            System.setProperty(OFFLINE_PROPERTY, "true");
        }
        if (System.getProperty(INTEROP_PROPERTY) == null) {
            System.setProperty(INTEROP_PROPERTY, "1");
        }
    }

    private DjlRuntime() {
    }

    /** @return whether DJL is in offline mode as this module configured it */
    public static boolean isOffline() {
        return Boolean.parseBoolean(System.getProperty(OFFLINE_PROPERTY))
                || Boolean.parseBoolean(System.getenv("DJL_OFFLINE"));
    }

    /**
     * Loads the PyTorch engine (unpacking its native libraries on first use).
     *
     * @return the engine
     * @throws ModelBuilderException when the engine cannot be loaded (missing native jar, unwritable cache folder)
     */
    public static Engine engine() {
        try {
            return Engine.getEngine(ENGINE_NAME);
        } catch (RuntimeException | UnsatisfiedLinkError e) {
            throw new ModelBuilderException("the PyTorch engine could not be loaded for local training: " + e
                    + ". The module needs ai.djl.pytorch:pytorch-jni and pytorch-native-cpu on the class path and a"
                    + " writable native cache (~/.djl.ai, or set DJL_CACHE_DIR)", e);
        }
    }

    /**
     * Prepares the calling thread for training or inference: loads the engine, sets PyTorch's intra-op thread count
     * and turns autograd recording off.
     *
     * @param threads intra-op threads, at least 1
     */
    public static void prepareThread(int threads) {
        engine();
        JniUtils.setNumThreads(Math.max(1, threads));
        JniUtils.setGradMode(false);
    }
}
