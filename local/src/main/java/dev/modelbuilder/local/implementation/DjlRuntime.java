package dev.modelbuilder.local.implementation;

import ai.djl.engine.Engine;
import ai.djl.pytorch.jni.JniUtils;
import ai.djl.pytorch.jni.LibUtils;
import com.sun.jna.NativeLibrary;
import dev.modelbuilder.core.exception.ModelBuilderException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

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
 * <p><b>Native warnings.</b> libtorch prints its C++ warnings (for example a deprecation notice about
 * {@code AutoNonVariableTypeMode} that DJL's JNI triggers on every first forward pass) straight to the process's
 * standard error, where no Java logging setting reaches. Its {@code TORCH_CPP_LOG_LEVEL} environment variable is
 * only read by PyTorch's Python start-up, not by libtorch loaded from Java; what libtorch does honour is its
 * exported {@code FLAGS_caffe2_log_level} variable in {@code c10}. Once the engine is loaded this class sets it to
 * ERROR (2), unless the setting {@link LocalSettings#TORCH_WARNINGS} is {@code true}. Where the symbol is
 * not exported (a libtorch built otherwise), the warnings stay and a DEBUG line says why.
 *
 * <p><b>One gradient tape per process.</b> DJL's PyTorch engine lets one gradient collector record at a time in a
 * JVM ({@code PtGradientCollector} keeps that flag in a static field and refuses a second with "A PtGradientCollector
 * is already collecting"). Runs that train at the same time ({@code maxConcurrentRuns} above 1, or two providers
 * in one application) therefore take turns, one forward and backward pass each, through
 * {@link #recordingGradients(Supplier)}.
 *
 * <p><b>Native cache.</b> PyTorch's native libraries unpack to {@code ~/.djl.ai} on first use (about 430 MB); DJL
 * honours the {@code DJL_CACHE_DIR} environment variable or system property to put them elsewhere.
 */
final class DjlRuntime {
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
            Engine engine = Engine.getEngine(ENGINE_NAME);
            if (!NativeLog.QUIET_SET) {
                NativeLog.LOG.debug("libtorch's warnings are left on");
            }
            return engine;
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

    /**
     * Runs one forward and backward pass while no other training of this JVM records gradients (see the class
     * comment). Fair, so that concurrent runs alternate instead of one starving the other.
     *
     * @param pass opens the gradient collector, computes the loss and its gradients, and closes the collector
     * @param <T> what the pass returns
     * @return what the pass returned
     */
    public static <T> T recordingGradients(Supplier<T> pass) {
        GradientTape.LOCK.lock();
        try {
            return pass.get();
        } finally {
            GradientTape.LOCK.unlock();
        }
    }

    /** The process-wide turn for DJL's one gradient collector; it mirrors DJL's own static flag. */
    private static final class GradientTape {
        static final ReentrantLock LOCK = new ReentrantLock(true);

        private GradientTape() {
        }
    }

    /** Sets libtorch's C++ log level once, when first used (after the engine loaded its native libraries). */
    private static final class NativeLog {
        static final Logger LOG = LoggerFactory.getLogger(DjlRuntime.class);
        static final int ERROR_LEVEL = 2;
        static final boolean QUIET_SET = quiet();

        private NativeLog() {
        }

        private static boolean quiet() {
            if (LocalSettings.torchWarnings()) {
                return false;
            }
            try {
                Path c10 = Path.of(LibUtils.getLibtorchPath()).resolve(System.mapLibraryName("c10"));
                if (!Files.isRegularFile(c10)) {
                    LOG.debug("no {} to quiet libtorch's warnings", c10);
                    return false;
                }
                NativeLibrary.getInstance(c10.toString()).getGlobalVariableAddress("FLAGS_caffe2_log_level")
                        .setInt(0, ERROR_LEVEL);
                return true;
            } catch (RuntimeException | UnsatisfiedLinkError e) {
                LOG.debug("cannot set libtorch's log level: {}", e.toString());
                return false;
            }
        }
    }
}
