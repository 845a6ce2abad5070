package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import javax.tools.DiagnosticCollector;
import javax.tools.JavaCompiler;
import javax.tools.JavaFileObject;
import javax.tools.StandardJavaFileManager;
import javax.tools.ToolProvider;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Tier 1: the files written and their key contents. */
class ProjectGeneratorTest {
    @TempDir
    Path tmp;
    Path modelDir;

    @BeforeEach
    void model() throws Exception {
        modelDir = ModelFixture.create(tmp.resolve("model"));
    }

    private GeneratedProjects generate(Path out) {
        return ProjectGenerator.forModel(modelDir).withName("Flowers").withSampleImage(ModelFixture.image("rocket.jpg"))
                .generate(out);
    }

    @Test
    void writesTheExpectedFiles() throws Exception {
        List<ProgressEvent> events = new ArrayList<>();
        GeneratedProjects p = ProjectGenerator.forModel(modelDir).withName("Flowers")
                .withSampleImage(ModelFixture.image("rocket.jpg")).withListener(events::add)
                .longCopyThreshold(4096).generate(tmp.resolve("out"));
        assertThat(p.files()).containsExactly(
                ".gitignore",
                "Flowers.ConsoleApp/pom.xml",
                "Flowers.ConsoleApp/src/main/java/com/example/flowers/consoleapp/PipelineBuilder.java",
                "Flowers.ConsoleApp/src/main/java/com/example/flowers/consoleapp/Program.java",
                "Flowers.ConsoleApp/src/main/resources/com/example/flowers/consoleapp/sample.jpg",
                "Flowers.Model/pom.xml",
                "Flowers.Model/src/main/java/com/example/flowers/model/ConsumeModel.java",
                "Flowers.Model/src/main/java/com/example/flowers/model/ModelInput.java",
                "Flowers.Model/src/main/java/com/example/flowers/model/ModelOutput.java",
                "Flowers.Model/src/main/resources/com/example/flowers/model/MLModel.zip",
                "Flowers.Model/src/main/resources/com/example/flowers/model/bestModel.onnx",
                "Flowers.Model/src/main/resources/com/example/flowers/model/bestModelMap.json",
                "README.md",
                "pom.xml");
        try (Stream<Path> all = Files.walk(p.root())) {
            assertThat(all.filter(Files::isRegularFile).count()).isEqualTo(p.files().size() + 1);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(p.manifest()).content().contains("Flowers.Model/pom.xml").contains("README.md");
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress s && s.unit().equals("files"))
                .last().extracting(e -> ((ProgressEvent.StepProgress) e).fraction()).isEqualTo(1.0);
        assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepProgress s && s.unit().equals("bytes"))
                .extracting(e -> ((ProgressEvent.StepProgress) e).total())
                .containsOnly(Files.size(modelDir.resolve("bestModel.onnx")),
                        Files.size(modelDir.resolve("MLModel.zip")), Files.size(ModelFixture.image("rocket.jpg")));
    }

    @Test
    void pomsPinTheSdkVersionBeingBuilt() throws Exception {
        GeneratedProjects p = generate(tmp.resolve("out"));
        String version = SdkInfo.load().version();
        assertThat(version).doesNotContain("${");
        String parent = Files.readString(p.root().resolve("pom.xml"));
        assertThat(parent).contains("<artifactId>flowers-parent</artifactId>")
                .contains("<module>Flowers.Model</module>").contains("<module>Flowers.ConsoleApp</module>")
                .contains("<modelbuilder.version>" + version + "</modelbuilder.version>")
                .contains("<artifactId>modelbuilder-scoring</artifactId>")
                .contains("<arg>-Xlint:all</arg>").contains("<arg>-Werror</arg>");
        String model = Files.readString(p.modelProject().resolve("pom.xml"));
        assertThat(model).contains("<artifactId>flowers-model</artifactId>")
                .contains("<artifactId>modelbuilder-scoring</artifactId>");
        String console = Files.readString(p.consoleProject().resolve("pom.xml"));
        assertThat(console).contains("<artifactId>flowers-consoleapp</artifactId>")
                .contains("<artifactId>flowers-model</artifactId>")
                .contains("<mainClass>com.example.flowers.consoleapp.Program</mainClass>");
    }

    @Test
    void javaSourcesCarryTheHeaderAndNoGeneratedAnnotation() throws Exception {
        GeneratedProjects p = generate(tmp.resolve("out"));
        for (String f : p.files()) {
            if (f.endsWith(".java")) {
                String src = Files.readString(p.root().resolve(f));
                assertThat(src).startsWith("// Generated by Model Builder for Java " + SdkInfo.load().version())
                        .doesNotContain("javax.annotation.Generated").doesNotContain("@Generated");
            }
        }
        String pipeline = Files.readString(p.consoleProject().resolve(
                "src/main/java/com/example/flowers/consoleapp/PipelineBuilder.java"));
        assertThat(pipeline).contains("PreprocessingSpec.resizeCrop(256, 224, 224)")
                .contains("withNormalization(new float[] {0.485f, 0.456f, 0.406f}");
    }

    @Test
    void webApiIsAddedOnDemand() throws Exception {
        GeneratedProjects p = ProjectGenerator.forModel(modelDir).withName("Flowers").withWebApi(true)
                .generate(tmp.resolve("out"));
        String web = "Flowers.WebApi/";
        String src = web + "src/main/java/com/example/flowers/webapi/";
        assertThat(p.webApiProject()).contains(p.root().resolve("Flowers.WebApi"));
        assertThat(p.files()).filteredOn(f -> f.startsWith(web)).containsExactly(
                web + "Dockerfile", web + "README.md", web + "pom.xml", src + "WebApiApplication.java",
                web + "src/main/resources/application.properties");
        String springBoot = SdkInfo.load().get("spring.boot");
        assertThat(springBoot).startsWith("4.1.");
        assertThat(p.root().resolve("pom.xml")).content()
                .contains("<module>Flowers.WebApi</module>")
                .contains("<spring-boot.version>" + springBoot + "</spring-boot.version>")
                .contains("<artifactId>spring-boot-dependencies</artifactId>")
                .contains("<artifactId>spring-boot-maven-plugin</artifactId>")
                .doesNotContain("{{");
        assertThat(p.root().resolve(web + "pom.xml")).content()
                .contains("<artifactId>flowers-webapi</artifactId>").contains("<artifactId>flowers-model</artifactId>")
                .contains("<artifactId>modelbuilder-spring-boot-starter</artifactId>").doesNotContain("<version>4.");
        assertThat(p.root().resolve(web + "Dockerfile")).content().contains("FROM eclipse-temurin:17-jre")
                .contains("COPY target/flowers-webapi.jar");
        assertThat(p.root().resolve(web + "src/main/resources/application.properties")).content()
                .contains("server.port=${PORT:8080}").contains("modelbuilder.server.max-image-size=10MB")
                .contains("modelbuilder.model=classpath:com/example/flowers/model/MLModel.zip");
        assertThat(p.root().resolve(web + "README.md")).content().contains("curl -F image=@")
                .contains("--data-binary @").contains("modelbuilder.server.enabled=false")
                .contains("PredictionEngine engine").doesNotContain("{{");

        GeneratedProjects without = generate(tmp.resolve("plain"));
        assertThat(without.webApiProject()).isEmpty();
        assertThat(without.files()).noneMatch(f -> f.contains("WebApi"));
        assertThat(without.root().resolve("pom.xml")).content().doesNotContain("spring").doesNotContain("WebApi");
    }

    @Test
    void generatedSourcesCompileWithoutWarnings() throws Exception {
        // the Web API's Spring jars are on the test class path (the starter, test scope)
        GeneratedProjects p = ProjectGenerator.forModel(modelDir).withName("Flowers")
                .withSampleImage(ModelFixture.image("rocket.jpg")).withWebApi(true).generate(tmp.resolve("out"));
        List<Path> sources;
        try (Stream<Path> all = Files.walk(p.root())) {
            sources = all.filter(f -> f.toString().endsWith(".java")).toList();
        }
        JavaCompiler compiler = ToolProvider.getSystemJavaCompiler();
        DiagnosticCollector<JavaFileObject> diagnostics = new DiagnosticCollector<>();
        Path classes = Files.createDirectories(tmp.resolve("classes"));
        StringWriter out = new StringWriter();
        try (StandardJavaFileManager files = compiler.getStandardFileManager(diagnostics, Locale.ROOT,
                StandardCharsets.UTF_8)) {
            Boolean ok = compiler.getTask(out, files, diagnostics, List.of("-Xlint:all", "-Werror", "--release", "17",
                    "-classpath", System.getProperty("java.class.path"), "-d", classes.toString()), null,
                    files.getJavaFileObjectsFromPaths(sources)).call();
            assertThat(diagnostics.getDiagnostics()).as(out.toString()).isEmpty();
            assertThat(ok).isTrue();
        }
        assertThat(classes.resolve("com/example/flowers/model/ConsumeModel.class")).isRegularFile();
        assertThat(classes.resolve("com/example/flowers/consoleapp/Program.class")).isRegularFile();
        assertThat(classes.resolve("com/example/flowers/webapi/WebApiApplication.class")).isRegularFile();
    }

    @Test
    void refusesANonEmptyFolderUnlessOverwriting() throws Exception {
        Path out = Files.createDirectories(tmp.resolve("busy"));
        Files.writeString(out.resolve("keep.txt"), "mine");
        assertThatThrownBy(() -> generate(out)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("is not empty: choose an empty or new folder, or allow overwriting");
        GeneratedProjects p = ProjectGenerator.forModel(modelDir).withName("Flowers").withOverwrite(true).generate(out);
        assertThat(out.resolve("keep.txt")).hasContent("mine");
        assertThat(p.files()).contains("pom.xml").doesNotContain("keep.txt");
    }

    @Test
    void neverWritesOutsideTheFolder() {
        OutputFolder folder = new OutputFolder(tmp.resolve("o"), false);
        assertThatThrownBy(() -> folder.resolve("../escape.txt")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("must stay inside");
        assertThatThrownBy(() -> folder.resolve("a/../../escape.txt")).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> folder.resolve("/etc/passwd")).isInstanceOf(ValidationException.class);
        assertThat(tmp.resolve("escape.txt")).doesNotExist();
    }

    @Test
    void withoutASampleTheConsoleAppAsksForAnImage() throws Exception {
        GeneratedProjects p = ProjectGenerator.forModel(modelDir).withName("Flowers").generate(tmp.resolve("out"));
        assertThat(p.files()).noneMatch(f -> f.contains("sample."));
        assertThat(p.consoleProject().resolve("src/main/java/com/example/flowers/consoleapp/Program.java")).content()
                .contains("usage: flowers-consoleapp IMAGE");
    }

    @Test
    void missingArtifactsAndBadSamplesAreClearErrors() throws Exception {
        Files.delete(modelDir.resolve("MLModel.zip"));
        assertThatThrownBy(() -> generate(tmp.resolve("out"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has no MLModel.zip");
        ModelFixture.create(tmp.resolve("model2"));
        Path text = Files.writeString(tmp.resolve("notes.txt"), "x");
        assertThatThrownBy(() -> ProjectGenerator.forModel(tmp.resolve("model2")).withSampleImage(text)
                .generate(tmp.resolve("o2"))).hasMessageContaining("use a JPEG, PNG, BMP or GIF file");
    }

    @Test
    void labelMapThatDisagreesWithThePackageIsRejected() throws Exception {
        Files.writeString(modelDir.resolve("bestModelMap.json"), "[\"a\",\"b\",\"c\",\"d\",\"e\"]");
        assertThatThrownBy(() -> generate(tmp.resolve("out"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("differs from the labels in MLModel.zip");
    }
}
