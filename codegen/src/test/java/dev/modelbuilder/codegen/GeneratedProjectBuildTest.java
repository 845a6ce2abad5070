package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 3: generates the projects from a packaged fixture model, builds them with Maven <em>offline</em> against a
 * local repository that holds this build's artifacts, runs the console app on fixture images, and checks that it
 * prints what the SDK's own engine predicts. Needs Maven (the one running this build) and the dependencies this
 * build already resolved; it never touches the network.
 */
@Tag("integration")
class GeneratedProjectBuildTest {
    @TempDir
    Path tmp;

    @Test
    void generatedProjectsBuildOfflineAndPredictLikeTheSdk() throws Exception {
        Path model = ModelFixture.create(tmp.resolve("model"));
        Path sample = ModelFixture.image("rocket.jpg");
        GeneratedProjects projects = ProjectGenerator.forModel(model).named("Flowers").withSampleImage(sample)
                .generate(tmp.resolve("Flowers"));
        Path repo = seedLocalRepository(tmp.resolve("repo"));

        Path log = tmp.resolve("build.log");
        int code = run(projects.root(), log, 300, maven(), "-B", "-o", "-q", "--no-transfer-progress",
                "-Dmaven.repo.local=" + repo, "package");
        assertThat(code).as("offline build of the generated projects failed:\n%s", tail(log)).isZero();

        Path jar = projects.consoleProject().resolve("target/flowers-consoleapp.jar");
        assertThat(jar).isRegularFile();
        try (PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            for (String image : List.of("coffee.png", "synth_gray_301x199.jpg")) {
                Path file = ModelFixture.image(image);
                assertPrintsWhatTheEnginePredicts(runConsole(jar, file.toString()), engine.predict(file));
            }
            // no argument: the bundled sample, which is rocket.jpg
            assertPrintsWhatTheEnginePredicts(runConsole(jar), engine.predict(sample));
        }
    }

    private static void assertPrintsWhatTheEnginePredicts(String output, Prediction expected) {
        String label = null;
        Map<String, Double> scores = new LinkedHashMap<>();
        boolean inScores = false;
        for (String line : output.split("\\R")) {
            if (line.startsWith("Predicted label: ")) {
                label = line.substring("Predicted label: ".length());
            } else if (line.equals("Scores:")) {
                inScores = true;
            } else if (inScores && line.startsWith("  ")) {
                int colon = line.lastIndexOf(": ");
                scores.put(line.substring(2, colon), Double.parseDouble(line.substring(colon + 2)));
            }
        }
        assertThat(label).as(output).isEqualTo(expected.label());
        assertThat(scores.keySet()).containsExactlyElementsOf(expected.scores().keySet());
        expected.scores().forEach((l, p) -> assertThat(scores.get(l)).as(l).isCloseTo(p, within(1e-6)));
    }

    private String runConsole(Path jar, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString(), "-jar", jar.toString()));
        command.addAll(List.of(args));
        Path log = Files.createTempFile(tmp, "console", ".log");
        int code = run(jar.getParent(), log, 120, command.toArray(String[]::new));
        assertThat(code).as(tail(log)).isZero();
        return Files.readString(log);
    }

    private static String maven() {
        String home = System.getProperty("codegen.maven.home");
        if (home != null && !home.isBlank() && Files.isExecutable(Path.of(home, "bin", "mvn"))) {
            return Path.of(home, "bin", "mvn").toString();
        }
        return "mvn";
    }

    /**
     * A local repository that resolves every third-party artifact from the user's repository (linked, not copied)
     * and holds this build's own artifacts (parent pom, core, scoring) as installed files.
     */
    private static Path seedLocalRepository(Path repo) throws IOException {
        Path user = Path.of(System.getProperty("codegen.local.repository",
                Path.of(System.getProperty("user.home"), ".m2", "repository").toString()));
        Path sdkRoot = Path.of(System.getProperty("codegen.sdk.root", "..")).toAbsolutePath().normalize();
        Files.createDirectories(repo);
        try (Stream<Path> top = Files.list(user)) {
            for (Path entry : top.toList()) {
                if (!entry.getFileName().toString().equals("dev")) {
                    Files.createSymbolicLink(repo.resolve(entry.getFileName().toString()), entry);
                }
            }
        }
        Path dev = Files.createDirectories(repo.resolve("dev"));
        if (Files.isDirectory(user.resolve("dev"))) {
            try (Stream<Path> groups = Files.list(user.resolve("dev"))) {
                for (Path g : groups.toList()) {
                    if (!g.getFileName().toString().equals("modelbuilder")) {
                        Files.createSymbolicLink(dev.resolve(g.getFileName().toString()), g);
                    }
                }
            }
        }
        String version = SdkInfo.load().version();
        install(repo, "modelbuilder-parent", version, sdkRoot.resolve("pom.xml"), null);
        install(repo, "modelbuilder-core", version, sdkRoot.resolve("core/pom.xml"),
                artifact("codegen.core.artifact", sdkRoot.resolve("core/target/classes")));
        install(repo, "modelbuilder-scoring", version, sdkRoot.resolve("scoring/pom.xml"),
                artifact("codegen.scoring.artifact", sdkRoot.resolve("scoring/target/classes")));
        return repo;
    }

    private static Path artifact(String property, Path fallback) {
        String p = System.getProperty(property);
        return p == null || p.isBlank() || p.contains("${") ? fallback : Path.of(p);
    }

    private static void install(Path repo, String artifactId, String version, Path pom, Path artifact)
            throws IOException {
        Path dir = Files.createDirectories(repo.resolve("dev/modelbuilder").resolve(artifactId).resolve(version));
        Files.copy(pom, dir.resolve(artifactId + "-" + version + ".pom"));
        if (artifact != null) {
            Path jar = dir.resolve(artifactId + "-" + version + ".jar");
            if (Files.isDirectory(artifact)) {
                jar(artifact, jar);
            } else {
                Files.copy(artifact, jar);
            }
        }
    }

    /** Packs a classes folder (when the reactor has not packaged it yet, e.g. under {@code mvn test}). */
    private static void jar(Path classes, Path jar) throws IOException {
        try (OutputStream out = Files.newOutputStream(jar); JarOutputStream j = new JarOutputStream(out);
                Stream<Path> files = Files.walk(classes)) {
            for (Path f : files.filter(Files::isRegularFile).toList()) {
                j.putNextEntry(new JarEntry(classes.relativize(f).toString().replace('\\', '/')));
                Files.copy(f, j);
                j.closeEntry();
            }
        }
    }

    private static int run(Path dir, Path log, int timeoutSeconds, String... command) throws Exception {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile()).start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " ran over " + timeoutSeconds + " s:\n" + tail(log));
        }
        return p.exitValue();
    }

    private static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
