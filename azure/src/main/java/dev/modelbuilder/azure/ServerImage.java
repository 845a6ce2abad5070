package dev.modelbuilder.azure;

import dev.modelbuilder.azure.ClassPathArtifacts.Artifact;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;

/**
 * The container an endpoint runs: the SDK's server ({@code dev.modelbuilder.serving.ModelServerMain}, the Spring Boot
 * starter's {@code serve} server) on a public JRE 17 image, built by Azure Machine Learning from a Docker build
 * context of a Dockerfile and the server's jars, so that no Docker is needed on the user's machine.
 *
 * <p>The jars are the starter's runtime dependencies as its build listed them ({@value #SERVER_LIST} in the starter's
 * jar), chosen among the jars given or, by default, among this JVM's class path ({@link ClassPathArtifacts} finds and
 * identifies them): the listed version first, else another version of the same artifact (what an application
 * resolved without Spring Boot's BOM, like the command-line tool). The logging back-end is the application's: the
 * starter's logback may be replaced by slf4j-simple, but some SLF4J provider must be there, since the server's log is
 * what endpoint logs show.
 */
final class ServerImage {
    /** The environment's name in the workspace. */
    static final String ENVIRONMENT = "modelbuilder-serve";
    /** The port the server listens on in the container, named by the environment's inference routes. */
    static final int PORT = 8080;
    /** The server's entry point. */
    static final String MAIN_CLASS = "dev.modelbuilder.serving.ModelServerMain";
    /** The public base image: Eclipse Temurin's JRE 17 (Ubuntu; glibc, which ONNX Runtime's natives need). */
    static final String BASE_IMAGE = "eclipse-temurin:17-jre";
    /** Where the jars go in the image. */
    static final String LIB = "/opt/modelbuilder/lib";
    /** The starter's list of its runtime dependencies (maven-dependency-plugin's {@code list} output). */
    static final String SERVER_LIST = "META-INF/modelbuilder/server-classpath.txt";
    private static final String STARTER = "dev.modelbuilder:modelbuilder-spring-boot-starter";
    /** Artifacts of the starter's logging choice that an application may have replaced by its own. */
    private static final Set<String> REPLACEABLE_LOGGING = Set.of("ch.qos.logback:logback-classic",
            "ch.qos.logback:logback-core", "org.springframework.boot:spring-boot-starter-logging",
            "org.apache.logging.log4j:log4j-to-slf4j", "org.apache.logging.log4j:log4j-api",
            "org.slf4j:jul-to-slf4j");
    /** SLF4J providers, any of which gives the server a log. */
    private static final List<String> SLF4J_PROVIDERS = List.of("ch.qos.logback:logback-classic",
            "org.slf4j:slf4j-simple", "org.apache.logging.log4j:log4j-slf4j2-impl", "org.slf4j:slf4j-jdk14",
            "org.slf4j:slf4j-reload4j");

    /**
     * One jar of the build context.
     *
     * @param name its file name in {@code lib/}
     * @param file the jar on this machine, or {@code null} when it was packed from a class folder
     * @param packed the packed jar's bytes, or {@code null}
     * @param sha256 its SHA-256, hex
     * @param size its size in bytes
     */
    record Jar(String name, Path file, byte[] packed, String sha256, long size, long modified) {
        /** @return whether the file is as it was when read (a packed class folder is taken as it was) */
        boolean unchanged() {
            try {
                return file == null || (Files.size(file) == size
                        && Files.getLastModifiedTime(file).toMillis() == modified);
            } catch (IOException e) {
                return false;
            }
        }

        /** @return its content */
        InputStream open() throws IOException {
            return file != null ? Files.newInputStream(file) : new java.io.ByteArrayInputStream(packed);
        }
    }

    /**
     * A build context.
     *
     * @param dockerfile the Dockerfile's text
     * @param jars the jars, by name
     * @param sha256 the SHA-256 of the Dockerfile and every jar's name and SHA-256, hex: the context's identity
     */
    record Context(String dockerfile, List<Jar> jars, String sha256) {
        /** @return whether every jar file is as it was when the context was gathered */
        boolean unchanged() {
            return jars.stream().allMatch(Jar::unchanged);
        }

        /** @return the bytes to upload */
        long size() {
            return jars.stream().mapToLong(Jar::size).sum() + dockerfile.length();
        }

        /**
         * Writes the context into a folder: {@code Dockerfile} and {@code lib/}.
         *
         * @param dir the folder (created when missing)
         * @return the folder
         */
        Path writeTo(Path dir) {
            try {
                Files.createDirectories(dir.resolve("lib"));
                Files.writeString(dir.resolve("Dockerfile"), dockerfile);
                for (Jar j : jars) {
                    try (InputStream in = j.open()) {
                        Files.copy(in, dir.resolve("lib").resolve(j.name()),
                                java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                    }
                }
                return dir;
            } catch (IOException e) {
                throw new FileAccessException(dir, "cannot write the build context to " + dir + ": " + e.getMessage(),
                        e);
            }
        }
    }

    private ServerImage() {
    }

    /** @return the container's command: the server on every interface, on {@value #PORT} */
    static List<String> command() {
        return List.of("java", "-XX:MaxRAMPercentage=75.0", "-cp", LIB + "/*", MAIN_CLASS, "--host", "0.0.0.0",
                "--port", String.valueOf(PORT));
    }

    /**
     * @param sdkVersion the SDK's version, for the image's label
     * @return the Dockerfile
     */
    static String dockerfile(String sdkVersion) {
        String entrypoint = command().stream().map(s -> "\"" + s + "\"").collect(Collectors.joining(", ", "[", "]"));
        return "# The server of Model Builder for Java " + sdkVersion + " (modelbuilder serve), built by Azure Machine "
                + "Learning from this context.\n"
                + "# The model is mounted by Azure at $AZUREML_MODEL_DIR, where the server finds its MLModel.zip.\n"
                + "FROM " + BASE_IMAGE + "\n"
                + "COPY lib/ " + LIB + "/\n"
                + "EXPOSE " + PORT + "\n"
                + "ENTRYPOINT " + entrypoint + "\n";
    }

    /**
     * Gathers the server's jars and the Dockerfile.
     *
     * @param given jars or folders of jars, or an empty list for this JVM's class path
     * @param sdkVersion the SDK's version
     * @return the context
     * @throws ValidationException when the starter is not among the jars, or a jar it needs is missing
     */
    static Context context(List<Path> given, String sdkVersion) {
        List<Path> candidates = given.isEmpty()
                ? ClassPathArtifacts.classPath(System.getProperty("java.class.path", ""))
                : ClassPathArtifacts.expand(given);
        List<Artifact> all = new ArrayList<>();
        for (Path p : candidates) {
            Artifact c = Artifact.of(p);
            if (c != null) {
                all.add(c);
            }
        }
        Artifact starter = all.stream().filter(c -> c.is(STARTER)).findFirst().orElseThrow(
                () -> new ValidationException("server jars", given.isEmpty() ? "the class path" : given.toString(),
                        "the SDK's server is not there: add dev.modelbuilder:modelbuilder-spring-boot-starter to the "
                                + "application's dependencies, give its jars (AzureEndpointOptions.withServerJars, "
                                + "e.g. the command-line tool's lib folder), or an image of your own (withImage)"));
        List<String[]> required = serverList(starter);
        Map<String, Artifact> chosen = new LinkedHashMap<>();
        chosen.put(STARTER, starter);
        List<String> missing = new ArrayList<>();
        for (String[] r : required) {
            String key = r[0] + ":" + r[1];
            Artifact exact = all.stream().filter(c -> c.is(key) && c.version.equals(r[2])).findFirst().orElse(null);
            Artifact any = exact != null ? exact : all.stream().filter(c -> c.is(key))
                    .max((a, b) -> compareVersions(a.version, b.version)).orElse(null);
            if (any != null) {
                chosen.putIfAbsent(key, any);
            } else if (!REPLACEABLE_LOGGING.contains(key)) {
                missing.add(key + ":" + r[2]);
            }
        }
        if (!missing.isEmpty()) {
            throw new ValidationException("server jars", given.isEmpty() ? "the class path" : given.toString(),
                    "the server needs " + String.join(", ", missing) + ", which are not there: give the starter's "
                            + "jars with their dependencies (e.g. the command-line tool's lib folder), or an image "
                            + "of your own (AzureEndpointOptions.withImage)");
        }
        if (SLF4J_PROVIDERS.stream().noneMatch(p -> chosen.values().stream().anyMatch(c -> c.is(p)))) {
            Artifact provider = all.stream().filter(c -> SLF4J_PROVIDERS.stream().anyMatch(c::is)).findFirst()
                    .orElseThrow(() -> new ValidationException("server jars", given.isEmpty() ? "the class path"
                            : given.toString(), "no SLF4J provider (logback-classic or slf4j-simple) is there: the "
                            + "server's log, which the endpoint's logs show, would be empty; add one"));
            chosen.put(provider.key(), provider);
            if (provider.is("ch.qos.logback:logback-classic")) {
                all.stream().filter(c -> c.is("ch.qos.logback:logback-core")).findFirst()
                        .ifPresent(c -> chosen.put(c.key(), c));
            }
        }
        List<Jar> jars = new ArrayList<>();
        Set<String> names = new LinkedHashSet<>();
        for (Artifact c : chosen.values()) {
            Jar j = c.toJar();
            if (!names.add(j.name())) {
                j = new Jar(c.artifact + "-" + c.version + "-" + j.sha256().substring(0, 8) + ".jar", j.file(),
                        j.packed(), j.sha256(), j.size(), j.modified());
            }
            jars.add(j);
        }
        jars.sort(Comparator.comparing(Jar::name));
        String dockerfile = dockerfile(sdkVersion);
        MessageDigest d = ClassPathArtifacts.sha256();
        d.update(dockerfile.getBytes(StandardCharsets.UTF_8));
        for (Jar j : jars) {
            d.update((j.name() + "\n" + j.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Context(dockerfile, List.copyOf(jars), HexFormat.of().formatHex(d.digest()));
    }

    /** @return the starter's list of its runtime dependencies: groupId, artifactId, version */
    private static List<String[]> serverList(Artifact starter) {
        try {
            return parseList(starter.text(SERVER_LIST));
        } catch (IOException e) {
            throw new ValidationException("server jars", starter.path.toString(), "the starter's jar holds no list of "
                    + "its dependencies (" + SERVER_LIST + "): use a starter of the same SDK version");
        }
    }

    private static final Map<String, Context> CACHE = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * {@link #context} once per process for the same jars: the SHA-256 of 100 MB of jars is worth keeping, and a jar
     * whose size or modification time changed since makes the context gathered again.
     *
     * @param given jars or folders of jars, or an empty list for this JVM's class path
     * @param sdkVersion the SDK's version
     * @return the context
     */
    static Context cached(List<Path> given, String sdkVersion) {
        String key = sdkVersion + "\n" + (given.isEmpty() ? System.getProperty("java.class.path", "") : given);
        Context c = CACHE.get(key);
        if (c == null || !c.unchanged()) {
            c = context(given, sdkVersion);
            CACHE.put(key, c);
        }
        return c;
    }

    /**
     * @param a a version, e.g. {@code 1.10.2}
     * @param b another
     * @return their order, number by number ({@code 1.10} after {@code 1.9}), then as text
     */
    static int compareVersions(String a, String b) {
        String[] x = a.split("[^0-9]+");
        String[] y = b.split("[^0-9]+");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            if (!x[i].isEmpty() && !y[i].isEmpty() && x[i].length() < 10 && y[i].length() < 10) {
                int c = Integer.compare(Integer.parseInt(x[i]), Integer.parseInt(y[i]));
                if (c != 0) {
                    return c;
                }
            }
        }
        return a.compareTo(b);
    }

    /**
     * @param text maven-dependency-plugin's {@code list} output
     * @return groupId, artifactId, version of each jar listed, optional ones left out
     */
    static List<String[]> parseList(String text) {
        List<String[]> out = new ArrayList<>();
        for (String line : text.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("The following") || l.contains("(optional)")) {
                continue;
            }
            int module = l.indexOf(" -- ");
            String[] p = (module < 0 ? l : l.substring(0, module)).strip().split(":");
            if (p.length == 5 && p[2].equals("jar")) {
                out.add(new String[] {p[0], p[1], p[3]});
            } else if (p.length == 6 && p[2].equals("jar")) {
                out.add(new String[] {p[0], p[1], p[4]});
            }
        }
        return out;
    }

    /** @return the SDK's version, as the azure module's jar says it ({@code dev} when run from classes) */
    static String version() {
        String v = ServerImage.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    /**
     * @param sdkVersion the SDK's version
     * @param contextSha256 the build context's SHA-256, or of the image reference
     * @return the environment version: the SDK's version and the context's identity, in the characters Azure allows
     */
    static String environmentVersion(String sdkVersion, String contextSha256) {
        return (sdkVersion + "-" + contextSha256.substring(0, 12)).replaceAll("[^A-Za-z0-9.-]", "-")
                .toLowerCase(Locale.ROOT);
    }
}
