package dev.modelbuilder.scoring;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.scoring.implementation.OrtRuntime;

import java.net.MalformedURLException;
import java.net.URL;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The classpath checks, with a fake resource lister instead of real jars. */
class OrtRuntimeTest {
    private static final String CPU_JAR = "/repo/com/microsoft/onnxruntime/onnxruntime/1.23.2/onnxruntime-1.23.2.jar";
    private static final String GPU_JAR =
            "/repo/com/microsoft/onnxruntime/onnxruntime_gpu/1.23.2/onnxruntime_gpu-1.23.2.jar";

    private static URL url(String jar, String entry) {
        try {
            return new URL("jar:file:" + jar + "!/" + entry);
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
    }

    private static OrtRuntime.ResourceLister lister(Map<String, List<URL>> resources) {
        return name -> resources.getOrDefault(name, List.of());
    }

    @Test
    void bothBuildsOnTheClasspathFailNamingWhatToExclude() {
        OrtRuntime.ResourceLister both = lister(Map.of(
                "ai/onnxruntime/OrtEnvironment.class", List.of(url(CPU_JAR, "ai/onnxruntime/OrtEnvironment.class"),
                        url(GPU_JAR, "ai/onnxruntime/OrtEnvironment.class")),
                "ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so",
                List.of(url(GPU_JAR, "ai/onnxruntime/native/linux-x64/libonnxruntime_providers_cuda.so"))));

        assertThatThrownBy(() -> OrtRuntime.checkSingleOrtBuild(both)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("both ONNX Runtime builds are on the classpath")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime (" + CPU_JAR + ")")
                .hasMessageContaining("com.microsoft.onnxruntime:onnxruntime_gpu (" + GPU_JAR + ")")
                .hasMessageContaining("For CUDA scoring exclude com.microsoft.onnxruntime:onnxruntime");
        assertThat(OrtRuntime.gpuBuildOnClasspath(both)).isTrue();
    }

    @Test
    void twoCopiesOfOneBuildAlsoFail() {
        String other = "/libs/onnxruntime-1.22.0.jar";
        OrtRuntime.ResourceLister twice = lister(Map.of("ai/onnxruntime/OrtEnvironment.class",
                List.of(url(CPU_JAR, "ai/onnxruntime/OrtEnvironment.class"),
                        url(other, "ai/onnxruntime/OrtEnvironment.class"))));

        assertThatThrownBy(() -> OrtRuntime.checkSingleOrtBuild(twice)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("on the classpath 2 times").hasMessageContaining(other);
    }

    @Test
    void oneBuildPasses() {
        OrtRuntime.ResourceLister one = lister(Map.of("ai/onnxruntime/OrtEnvironment.class",
                List.of(url(CPU_JAR, "ai/onnxruntime/OrtEnvironment.class"))));

        assertThatCode(() -> OrtRuntime.checkSingleOrtBuild(one)).doesNotThrowAnyException();
        assertThat(OrtRuntime.gpuBuildOnClasspath(one)).isFalse();
    }

    @Test
    void theRealClasspathHasExactlyTheCpuBuild() {
        assertThatCode(() -> OrtRuntime.checkSingleOrtBuild(
                OrtRuntime.ResourceLister.of(OrtRuntimeTest.class.getClassLoader()))).doesNotThrowAnyException();
        assertThat(OrtRuntime.version()).isEqualTo("1.23.2");
    }
}
