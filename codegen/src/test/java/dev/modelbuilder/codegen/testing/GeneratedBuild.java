package dev.modelbuilder.codegen.testing;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * Builds generated projects for real: a local Maven repository that links every third-party artifact of the
 * user's repository and holds this build's own artifacts (parent pom, core, pipeline, scoring, the Spring Boot starter), an offline Maven run, and
 * running the console app. Shared with other modules' tests through codegen's test-jar. Reads the system
 * properties {@code codegen.local.repository}, {@code codegen.sdk.root}, {@code codegen.core.artifact},
 * {@code codegen.scoring.artifact}, {@code codegen.serving.artifact} and {@code codegen.maven.home} that the module's surefire configuration sets.
 */
public final class GeneratedBuild {
    /**
     * JVM options for the short-lived JVMs these tests start (a Maven build of a few files, a console app that
     * predicts one image, the Web API service for a few hundred requests): the client compiler alone and the serial
     * collector start them with about half the CPU time of the defaults, and change nothing they compute.
     */
    public static final List<String> SHORT_JVM_OPTIONS = List.of("-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC");

    private GeneratedBuild() {
    }

    /**
     * Builds a generated parent project with {@code mvn -o package}.
     *
     * @param projectRoot the generated folder holding the parent pom
     * @param work a scratch folder for the repository and the log
     * @return the build log when the build succeeded
     * @throws AssertionError with the log's tail when it failed
     */
    public static Path buildOffline(Path projectRoot, Path work) throws Exception {
        return build(projectRoot, work, true, 300);
    }

    /**
     * Builds a generated parent project with {@code mvn package}, letting Maven download what the user's repository
     * lacks (Spring Boot's artifacts for a Web API project, on the first run); this build's own artifacts still come
     * from the seeded repository.
     *
     * @param projectRoot the generated folder holding the parent pom
     * @param work a scratch folder for the repository and the log
     * @return the build log when the build succeeded
     * @throws AssertionError with the log's tail when it failed
     */
    public static Path buildOnline(Path projectRoot, Path work) throws Exception {
        return build(projectRoot, work, false, 900);
    }

    private static Path build(Path projectRoot, Path work, boolean offline, int timeoutSeconds) throws Exception {
        Path repo = seedLocalRepository(work.resolve("repo"));
        Path log = work.resolve("build.log");
        List<String> command = new ArrayList<>(List.of(maven(), "-B", "-q", "--no-transfer-progress",
                "-Dmaven.repo.local=" + repo, "package"));
        if (offline) {
            command.add(1, "-o");
        }
        int code = run(projectRoot, log, timeoutSeconds, Map.of("MAVEN_OPTS", mavenOpts()),
                command.toArray(String[]::new));
        if (code != 0) {
            throw new AssertionError((offline ? "offline " : "") + "build of the generated projects failed:\n"
                    + tail(log));
        }
        return log;
    }

    /**
     * Runs {@code java -jar} on a built console app.
     *
     * @param jar the console app's jar
     * @param work a scratch folder for the output
     * @param args the program arguments
     * @return what it printed
     */
    public static String runConsole(Path jar, Path work, String... args) throws Exception {
        return runConsoles(jar, work, List.of(List.of(args))).get(0);
    }

    /**
     * Runs {@code java -jar} on a built console app once per argument list, all at the same time (each run is a
     * JVM start that predicts one image: together they take what the slowest takes, not the sum).
     *
     * @param jar the console app's jar
     * @param work a scratch folder for the output
     * @param argumentLists the program arguments of each run
     * @return what each run printed, in the order of the argument lists
     * @throws AssertionError naming the run and its output when a run failed or ran over two minutes
     */
    public static List<String> runConsoles(Path jar, Path work, List<List<String>> argumentLists)
            throws Exception {
        List<Process> processes = new ArrayList<>();
        List<Path> logs = new ArrayList<>();
        try {
            for (List<String> args : argumentLists) {
                List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin",
                        "java").toString()));
                command.addAll(SHORT_JVM_OPTIONS);
                command.addAll(List.of("-jar", jar.toString()));
                command.addAll(args);
                Path log = Files.createTempFile(work, "console", ".log");
                logs.add(log);
                processes.add(new ProcessBuilder(command).directory(jar.getParent().toFile())
                        .redirectErrorStream(true).redirectOutput(log.toFile()).start());
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            List<String> outputs = new ArrayList<>();
            for (int i = 0; i < processes.size(); i++) {
                Process p = processes.get(i);
                if (!p.waitFor(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) {
                    throw new AssertionError("console app " + argumentLists.get(i) + " ran over 120 s:\n"
                            + tail(logs.get(i)));
                }
                if (p.exitValue() != 0) {
                    throw new AssertionError("console app " + argumentLists.get(i) + " exited with "
                            + p.exitValue() + ":\n" + tail(logs.get(i)));
                }
                outputs.add(Files.readString(logs.get(i)));
            }
            return outputs;
        } finally {
            processes.forEach(Process::destroyForcibly);
        }
    }

    /**
     * @param output what the generated console app printed
     * @return the predicted label and every label's score it printed
     */
    public static Map.Entry<String, Map<String, Double>> parseConsoleOutput(String output) {
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
        return Map.entry(String.valueOf(label), scores);
    }

    private static String sdkVersion() {
        Properties p = new Properties();
        try (InputStream in = GeneratedBuild.class.getResourceAsStream("/dev/modelbuilder/codegen/sdk.properties")) {
            p.load(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return p.getProperty("version");
    }

    public static String maven() {
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
    public static Path seedLocalRepository(Path repo) throws IOException {
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
        String version = sdkVersion();
        install(repo, "modelbuilder-parent", version, sdkRoot.resolve("pom.xml"), null);
        install(repo, "modelbuilder-core", version, sdkRoot.resolve("core/pom.xml"),
                artifact("codegen.core.artifact", sdkRoot.resolve("core/target/classes")));
        install(repo, "modelbuilder-pipeline", version, sdkRoot.resolve("pipeline/pom.xml"),
                artifact("codegen.pipeline.artifact", sdkRoot.resolve("pipeline/target/classes")));
        install(repo, "modelbuilder-scoring", version, sdkRoot.resolve("scoring/pom.xml"),
                artifact("codegen.scoring.artifact", sdkRoot.resolve("scoring/target/classes")));
        // the generated Web API runs on the starter; a module whose tests build no Web API may not have built it
        Path starter = artifact("codegen.serving.artifact", sdkRoot.resolve("serving/target/classes"));
        if (Files.exists(starter)) {
            install(repo, "modelbuilder-spring-boot-starter", version, sdkRoot.resolve("serving/pom.xml"), starter);
        }
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

    /** The short-lived JVM options first, so that options already in the environment's MAVEN_OPTS win. */
    private static String mavenOpts() {
        String user = System.getenv("MAVEN_OPTS");
        String mine = String.join(" ", SHORT_JVM_OPTIONS);
        return user == null || user.isBlank() ? mine : mine + " " + user;
    }

    public static int run(Path dir, Path log, int timeoutSeconds, String... command) throws Exception {
        return run(dir, log, timeoutSeconds, Map.of(), command);
    }

    private static int run(Path dir, Path log, int timeoutSeconds, Map<String, String> environment,
            String... command) throws Exception {
        ProcessBuilder builder = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        builder.environment().putAll(environment);
        Process p = builder.start();
        if (!p.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            throw new AssertionError(String.join(" ", command) + " ran over " + timeoutSeconds + " s:\n" + tail(log));
        }
        return p.exitValue();
    }

    public static String tail(Path log) throws IOException {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        return String.join("\n", lines.subList(Math.max(0, lines.size() - 60), lines.size()));
    }
}
