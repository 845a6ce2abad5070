package dev.modelbuilder.scoring.implementation;

import ai.onnxruntime.OrtEnvironment;
import dev.modelbuilder.pipeline.ImageDecoder;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtLoggingLevel;
import dev.modelbuilder.core.exception.ModelLoadException;

import java.io.IOException;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.Set;

/**
 * Access to the process-wide ONNX Runtime environment, plus the classpath checks that keep a broken setup from
 * failing silently: both the CPU and the GPU jar on the classpath, or CUDA asked for with the CPU jar.
 */
public final class OrtRuntime {
    /** The CPU build's Maven coordinates. */
    public static final String CPU_ARTIFACT = "com.microsoft.onnxruntime:onnxruntime";
    /** The CUDA build's Maven coordinates. */
    public static final String GPU_ARTIFACT = "com.microsoft.onnxruntime:onnxruntime_gpu";
    /** What the CUDA build of ONNX Runtime 1.23 needs on the machine. */
    public static final String CUDA_REQUIREMENT = "an NVIDIA GPU and driver with CUDA 12.x and cuDNN 9.x libraries "
            + "on the library path (LD_LIBRARY_PATH or PATH)";

    static final String ENVIRONMENT_CLASS = "ai/onnxruntime/OrtEnvironment.class";
    static final List<String> CUDA_PROVIDER_LIBRARIES = List.of(
            "ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so",
            "ai/onnxruntime/native/win-x64/onnxruntime_providers_cuda.dll");

    /** Lists every classpath resource of a name, like {@link ClassLoader#getResources(String)}. */
    @FunctionalInterface
    public interface ResourceLister {
        /**
         * @param name a resource name
         * @return the URL of every copy of it, in classpath order
         * @throws IOException if the classpath cannot be searched
         */
        List<URL> list(String name) throws IOException;

        /**
         * @param loader the class loader to search
         * @return a lister over {@code loader}
         */
        static ResourceLister of(ClassLoader loader) {
            return name -> Collections.list(loader.getResources(name));
        }
    }

    private static volatile OrtEnvironment environment;

    private OrtRuntime() {
    }

    /**
     * Starts, on a daemon thread, the work every process's first engine does whatever its model: loading ONNX
     * Runtime's native library, then the image readers. Failures are not reported here: {@link #environment()} and
     * the first decode report them, on the caller's thread.
     *
     * @return completed when the warm-up has ended (at once when the runtime was already loaded)
     */
    public static CompletableFuture<Void> warmUpInBackground() {
        if (environment != null) {
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        Thread warmUp = new Thread(() -> {
            try {
                environment();
            } catch (RuntimeException | LinkageError e) {
                // environment() throws the same again on the caller's thread, with the caller's context
            }
            try {
                ImageDecoder.warmUp();
            } finally {
                done.complete(null);
            }
        }, "modelbuilder-warm-up");
        warmUp.setDaemon(true);
        warmUp.start();
        return done;
    }

    /**
     * @return the shared environment (never close it), after checking the classpath once
     * @throws ModelLoadException if both ONNX Runtime builds are on the classpath or the native library cannot load
     */
    public static OrtEnvironment environment() {
        OrtEnvironment env = environment;
        if (env == null) {
            synchronized (OrtRuntime.class) {
                env = environment;
                if (env == null) {
                    checkSingleOrtBuild(ResourceLister.of(loader()));
                    NativeLibraries.prepare(loader());
                    try {
                        env = OrtEnvironment.getEnvironment(OrtLoggingLevel.ORT_LOGGING_LEVEL_ERROR, "modelbuilder");
                    } catch (LinkageError | RuntimeException e) {
                        throw new ModelLoadException("the ONNX Runtime native library cannot be loaded on this platform ("
                                + System.getProperty("os.name") + " " + System.getProperty("os.arch") + "): "
                                + e.getMessage(), e);
                    }
                    environment = env;
                }
            }
        }
        return env;
    }

    /** @return the ONNX Runtime version, e.g. {@code 1.23.2} */
    public static String version() {
        return environment().getVersion();
    }

    /** @return whether the CUDA build's provider library is on this class loader's classpath */
    public static boolean gpuBuildOnClasspath() {
        return gpuBuildOnClasspath(ResourceLister.of(loader()));
    }

    /**
     * @param lister the classpath to search
     * @return whether the CUDA build's provider library is on it
     */
    public static boolean gpuBuildOnClasspath(ResourceLister lister) {
        for (String lib : CUDA_PROVIDER_LIBRARIES) {
            if (!listQuietly(lister, lib).isEmpty()) {
                return true;
            }
        }
        return false;
    }

    /**
     * Fails when ONNX Runtime's classes are on the classpath more than once, typically both
     * {@value #CPU_ARTIFACT} and {@value #GPU_ARTIFACT}: only the first would load, silently.
     *
     * @param lister the classpath to search
     * @throws ModelLoadException naming the jars and which artifact to exclude
     */
    public static void checkSingleOrtBuild(ResourceLister lister) {
        List<URL> copies = listQuietly(lister, ENVIRONMENT_CLASS);
        Set<String> jars = new LinkedHashSet<>();
        for (URL url : copies) {
            jars.add(containerOf(url));
        }
        if (jars.size() <= 1) {
            return;
        }
        Set<String> gpuJars = new LinkedHashSet<>();
        for (String lib : CUDA_PROVIDER_LIBRARIES) {
            for (URL url : listQuietly(lister, lib)) {
                gpuJars.add(containerOf(url));
            }
        }
        List<String> cpu = new ArrayList<>();
        List<String> gpu = new ArrayList<>();
        for (String jar : jars) {
            (gpuJars.contains(jar) ? gpu : cpu).add(jar);
        }
        if (!cpu.isEmpty() && !gpu.isEmpty()) {
            throw new ModelLoadException("both ONNX Runtime builds are on the classpath: the CPU build " + CPU_ARTIFACT
                    + " (" + String.join(", ", cpu) + ") and the GPU build " + GPU_ARTIFACT + " (" + String.join(", ", gpu)
                    + "). Only the first one would load, silently. For CUDA scoring exclude " + CPU_ARTIFACT
                    + " from modelbuilder-scoring and keep " + GPU_ARTIFACT + "; for CPU scoring remove " + GPU_ARTIFACT
                    + ".");
        }
        throw new ModelLoadException("ONNX Runtime is on the classpath " + jars.size() + " times (" + String.join(", ", jars)
                + "); keep exactly one of " + CPU_ARTIFACT + " or " + GPU_ARTIFACT + " in one version");
    }

    /**
     * @param problem why CUDA could not be used
     * @param deviceId the requested device
     * @return the message of the fail-fast error: the artifact to use, the CUDA/cuDNN requirement and the fallback option
     */
    public static String cudaUnavailableMessage(String problem, int deviceId) {
        return "the CUDA execution provider (device " + deviceId + ") is not usable: " + problem + ". GPU scoring needs "
                + GPU_ARTIFACT + " in place of " + CPU_ARTIFACT + " (exclude the CPU one; version " + runtimeVersionOr()
                + ") and " + CUDA_REQUIREMENT + ". Or build the engine with fallbackToCpu(true) to score on the CPU.";
    }

    private static String runtimeVersionOr() {
        Package p = OrtEnvironment.class.getPackage();
        String v = p == null ? null : p.getImplementationVersion();
        return v == null ? "1.23.2" : v;
    }

    /**
     * @param e an ONNX Runtime error
     * @return its message with its error code
     */
    public static String describe(OrtException e) {
        String msg = e.getMessage() == null ? "" : e.getMessage().trim();
        return msg + " [" + e.getCode() + "]";
    }

    private static List<URL> listQuietly(ResourceLister lister, String name) {
        try {
            List<URL> urls = lister.list(name);
            return urls == null ? List.of() : urls;
        } catch (IOException e) {
            throw new ModelLoadException("cannot search the classpath for " + name + ": " + e.getMessage(), e);
        }
    }

    /** {@code jar:file:/x/onnxruntime-1.23.2.jar!/ai/...} becomes {@code /x/onnxruntime-1.23.2.jar}. */
    static String containerOf(URL url) {
        String s = url.toString();
        if (s.startsWith("jar:")) {
            int bang = s.indexOf("!/");
            s = s.substring(4, bang < 0 ? s.length() : bang);
        }
        if (s.startsWith("file:")) {
            s = s.substring(5);
        }
        for (String suffix : new String[] {ENVIRONMENT_CLASS}) {
            if (s.endsWith(suffix)) {
                s = s.substring(0, s.length() - suffix.length());
            }
        }
        for (String lib : CUDA_PROVIDER_LIBRARIES) {
            if (s.endsWith(lib)) {
                s = s.substring(0, s.length() - lib.length());
            }
        }
        return s;
    }

    private static ClassLoader loader() {
        ClassLoader l = OrtEnvironment.class.getClassLoader();
        return l != null ? l : ClassLoader.getSystemClassLoader();
    }
}
