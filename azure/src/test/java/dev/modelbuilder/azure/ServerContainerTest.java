package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.jar.Attributes;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The endpoint's container without Docker: the build context gathered from this JVM's class path (the starter and
 * its dependencies, as the starter's jar lists them), and the Dockerfile's own entry point run with
 * {@code AZUREML_MODEL_DIR} set to a folder laid out as Azure Machine Learning mounts a registered model
 * ({@code .../azureml-models/<name>/<version>/...}): the server answers the liveness, readiness and scoring routes the
 * environment names.
 */
class ServerContainerTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    @TempDir
    Path temp;

    static Path modelPackage(Path dir) throws IOException {
        Files.createDirectories(dir);
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(),
                LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return zip;
    }

    @Test
    void theDockerfilesEntryPointServesAModelMountedAsAzureMountsIt() throws Exception {
        ServerImage.Context context = ServerImage.context(List.of(), "test");
        assertThat(context.jars()).extracting(ServerImage.Jar::name)
                .anyMatch(n -> n.startsWith("modelbuilder-spring-boot-starter"))
                .anyMatch(n -> n.startsWith("onnxruntime-")).anyMatch(n -> n.startsWith("slf4j-simple"))
                .noneMatch(n -> n.startsWith("azure-") || n.startsWith("logback") || n.startsWith("junit"));
        Path dir = context.writeTo(temp.resolve("context"));
        String dockerfile = Files.readString(dir.resolve("Dockerfile"));
        assertThat(dockerfile).contains("FROM eclipse-temurin:17-jre", "COPY lib/ /opt/modelbuilder/lib/");

        // the model as Azure mounts a version registered from a datastore folder
        Path mount = temp.resolve("var/azureml-app/azureml-models/mb-flowers/1");
        modelPackage(mount.resolve("0123abcd"));
        int port;
        try (ServerSocket s = new ServerSocket(0)) {
            port = s.getLocalPort();
        }
        List<String> command = new ArrayList<>();
        for (JsonNode part : JSON.readTree(entrypoint(dockerfile))) {
            String arg = part.asText();
            command.add(switch (arg) {
                // this machine's JVM, on the client compiler alone like the build's other test JVMs (a short run)
                case "java" -> Path.of(System.getProperty("java.home"), "bin", "java") + "\u0000-XX:TieredStopAtLevel=1";
                case ServerImage.LIB + "/*" -> dir.resolve("lib") + "/*";
                default -> arg.equals(String.valueOf(ServerImage.PORT)) ? String.valueOf(port) : arg;
            });
        }
        command = command.stream().flatMap(a -> java.util.Arrays.stream(a.split("\u0000"))).toList();
        assertThat(command).contains("--host", "0.0.0.0", ServerImage.MAIN_CLASS);
        ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(temp.resolve("server.log").toFile());
        pb.environment().put("AZUREML_MODEL_DIR", mount.toString());
        pb.environment().remove("MODELBUILDER_MODEL");
        Process server = pb.start();
        try {
            URI base = URI.create("http://127.0.0.1:" + port);
            assertThat(awaitStatus(base.resolve(EndpointAssets.LIVENESS), server)).isEqualTo(200);
            assertThat(awaitStatus(base.resolve(EndpointAssets.READINESS), server)).isEqualTo(200);
            Path image = ImageClassificationFixtures.imageFiles().get(0);
            HttpResponse<String> scored = HTTP.send(HttpRequest.newBuilder(base.resolve(EndpointAssets.SCORING))
                    .header("Content-Type", "application/octet-stream")
                    .POST(HttpRequest.BodyPublishers.ofFile(image)).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(scored.statusCode()).isEqualTo(200);
            assertThat(LabelMap.read(ImageClassificationFixtures.labelMap()).size()).isPositive();
            assertThat(JSON.readTree(scored.body()).path("label").asText()).isNotEmpty();
            assertThat(Files.readString(temp.resolve("server.log"))).contains("Serving at", "MLModel.zip");
        } finally {
            server.destroy();
            server.waitFor();
        }
    }

    private static String entrypoint(String dockerfile) {
        return dockerfile.lines().filter(l -> l.startsWith("ENTRYPOINT ")).findFirst().orElseThrow()
                .substring("ENTRYPOINT ".length());
    }

    private int awaitStatus(URI uri, Process server) throws Exception {
        Instant deadline = Instant.now().plusSeconds(90);
        while (Instant.now().isBefore(deadline)) {
            if (!server.isAlive()) {
                throw new AssertionError("the server exited: " + Files.readString(temp.resolve("server.log")));
            }
            try {
                int status = HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).GET().build(),
                        HttpResponse.BodyHandlers.discarding()).statusCode();
                if (status == 200) {
                    return status;
                }
            } catch (IOException e) {
                // not listening yet
            }
            Thread.sleep(200);
        }
        throw new AssertionError(uri + " did not answer 200 in time: " + Files.readString(temp.resolve("server.log")));
    }

    @Test
    void jarsAreFoundThroughManifestClassPathsAndAMissingOneIsNamed() throws Exception {
        // java -jar modelbuilder.jar names its jars in its manifest's Class-Path, relative to itself
        List<Path> classPath = ClassPathArtifacts.classPath(System.getProperty("java.class.path"));
        Path lib = Files.createDirectories(temp.resolve("tool/lib"));
        StringBuilder refs = new StringBuilder();
        for (Path p : classPath) {
            String name = p.getFileName().toString();
            if (Files.isRegularFile(p) && name.endsWith(".jar") && !name.startsWith("jackson-core")) {
                Files.copy(p, lib.resolve(name));
                refs.append("lib/").append(name).append(' ');
            }
        }
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.CLASS_PATH, refs.toString().trim());
        Path tool = temp.resolve("tool/modelbuilder.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(tool), manifest)) {
            out.flush();
        }
        List<Path> followed = ClassPathArtifacts.classPath(tool.toString());
        assertThat(followed).contains(lib.resolve(classPath.stream().map(p -> p.getFileName().toString())
                .filter(n -> n.startsWith("modelbuilder-spring-boot-starter")).findFirst().orElseThrow()));
        assertThatThrownBy(() -> ServerImage.context(List.of(lib), "test")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("com.fasterxml.jackson.core:jackson-core");
        assertThatThrownBy(() -> ServerImage.context(List.of(temp.resolve("context-none")), "test"))
                .isInstanceOf(ValidationException.class).hasMessageContaining("modelbuilder-spring-boot-starter");
        assertThat(ServerImage.compareVersions("1.10.2", "1.9.0")).isPositive();
        assertThat(ServerImage.compareVersions("2.0.1", "2.0.1")).isZero();
        assertThat(Map.of("list", ServerImage.parseList("The following files have been resolved:\n"
                + "   a.b:c:jar:1.0:compile -- module c\n   a.b:d:jar:linux:2.0:runtime\n"
                + "   a.b:e:jar:3.0:compile (optional)\n")).get("list")).extracting(a -> String.join(":", a))
                .containsExactly("a.b:c:1.0", "a.b:d:2.0");
    }
}
