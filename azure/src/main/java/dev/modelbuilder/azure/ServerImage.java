package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ValidationException;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The container an endpoint runs: the SDK's server ({@code dev.modelbuilder.serving.ModelServerMain}, the Spring Boot
 * starter's {@code serve} server) on a public JRE 17 image, built by Azure Machine Learning from a Docker build
 * context of a Dockerfile and the server's jars, so that no Docker is needed on the user's machine.
 *
 * <p>The jars are the starter's runtime dependencies as its build listed them ({@value #SERVER_LIST} in the starter's
 * jar), found among the jars given or, by default, among this JVM's class path (with the {@code Class-Path} of jar
 * manifests followed, as {@code java -jar modelbuilder.jar} and surefire's booter jar name their jars). A jar is
 * matched by the Maven coordinates in its {@code META-INF/maven/.../pom.properties} (else its file name), the listed
 * version first, else another version of the same artifact (what an application resolved without Spring Boot's BOM,
 * like the command-line tool). The logging back-end is the application's: the starter's logback may be replaced by
 * slf4j-simple, but some SLF4J provider must be there, since the server's log is what endpoint logs show. The SDK's
 * own modules may also be class folders (a build that has not packaged them yet): they are packed into jars.
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
    /** The SDK's modules as class folders, recognised by a class each holds. */
    private static final Map<String, String> MODULE_MARKERS = Map.of(
            "dev/modelbuilder/serving/ModelServerMain.class", "dev.modelbuilder:modelbuilder-spring-boot-starter",
            "dev/modelbuilder/scoring/PredictionEngine.class", "dev.modelbuilder:modelbuilder-scoring",
            "dev/modelbuilder/pipeline/ModelPackage.class", "dev.modelbuilder:modelbuilder-pipeline",
            "dev/modelbuilder/core/ModelBuilder.class", "dev.modelbuilder:modelbuilder-core");

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
        List<Path> candidates = given.isEmpty() ? classPath(System.getProperty("java.class.path", ""))
                : expand(given);
        List<Candidate> all = new ArrayList<>();
        for (Path p : candidates) {
            Candidate c = Candidate.of(p);
            if (c != null) {
                all.add(c);
            }
        }
        Candidate starter = all.stream().filter(c -> c.is(STARTER)).findFirst().orElseThrow(
                () -> new ValidationException("server jars", given.isEmpty() ? "the class path" : given.toString(),
                        "the SDK's server is not there: add dev.modelbuilder:modelbuilder-spring-boot-starter to the "
                                + "application's dependencies, give its jars (AzureEndpointOptions.withServerJars, "
                                + "e.g. the command-line tool's lib folder), or an image of your own (withImage)"));
        List<String[]> required = starter.serverList();
        Map<String, Candidate> chosen = new LinkedHashMap<>();
        chosen.put(STARTER, starter);
        List<String> missing = new ArrayList<>();
        for (String[] r : required) {
            String key = r[0] + ":" + r[1];
            Candidate exact = all.stream().filter(c -> c.is(key) && c.version.equals(r[2])).findFirst().orElse(null);
            Candidate any = exact != null ? exact : all.stream().filter(c -> c.is(key))
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
            Candidate provider = all.stream().filter(c -> SLF4J_PROVIDERS.stream().anyMatch(c::is)).findFirst()
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
        for (Candidate c : chosen.values()) {
            Jar j = c.toJar();
            if (!names.add(j.name())) {
                j = new Jar(c.artifact + "-" + c.version + "-" + j.sha256().substring(0, 8) + ".jar", j.file(),
                        j.packed(), j.sha256(), j.size(), j.modified());
            }
            jars.add(j);
        }
        jars.sort(Comparator.comparing(Jar::name));
        String dockerfile = dockerfile(sdkVersion);
        MessageDigest d = sha256();
        d.update(dockerfile.getBytes(StandardCharsets.UTF_8));
        for (Jar j : jars) {
            d.update((j.name() + "\n" + j.sha256() + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return new Context(dockerfile, List.copyOf(jars), HexFormat.of().formatHex(d.digest()));
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
     * @param classPath a class path in this platform's syntax
     * @return its entries, with the {@code Class-Path} of every jar's manifest followed (relative to the jar)
     */
    static List<Path> classPath(String classPath) {
        Set<Path> seen = new LinkedHashSet<>();
        for (String entry : classPath.split(File.pathSeparator)) {
            if (!entry.isBlank()) {
                follow(Path.of(entry).toAbsolutePath().normalize(), seen);
            }
        }
        return List.copyOf(seen);
    }

    private static void follow(Path entry, Set<Path> seen) {
        if (!Files.exists(entry) || !seen.add(entry) || !Files.isRegularFile(entry)) {
            return;
        }
        try (JarFile jar = new JarFile(entry.toFile())) {
            Manifest m = jar.getManifest();
            String cp = m == null ? null : m.getMainAttributes().getValue(Attributes.Name.CLASS_PATH);
            if (cp == null) {
                return;
            }
            for (String ref : cp.trim().split("\\s+")) {
                if (ref.isEmpty()) {
                    continue;
                }
                try {
                    URI uri = entry.getParent().toUri().resolve(new URI(ref));
                    if ("file".equals(uri.getScheme())) {
                        follow(Path.of(uri).toAbsolutePath().normalize(), seen);
                    }
                } catch (URISyntaxException | IllegalArgumentException e) {
                    // an entry that is not a file URL: not a jar of this machine
                }
            }
        } catch (IOException e) {
            // not a jar (a class folder, a resource): nothing to follow
        }
    }

    private static List<Path> expand(List<Path> given) {
        List<Path> out = new ArrayList<>();
        for (Path p : given) {
            if (Files.isDirectory(p) && !isClassFolder(p)) {
                try (Stream<Path> files = Files.list(p)) {
                    files.filter(f -> f.getFileName().toString().endsWith(".jar")).sorted().forEach(out::add);
                } catch (IOException e) {
                    throw new FileAccessException(p, "cannot list " + p + ": " + e.getMessage(), e);
                }
            } else {
                out.add(p);
            }
        }
        return out;
    }

    private static boolean isClassFolder(Path dir) {
        return MODULE_MARKERS.keySet().stream().anyMatch(m -> Files.isRegularFile(dir.resolve(m)));
    }

    /** A jar (or an SDK class folder) that may belong to the server. */
    private static final class Candidate {
        final Path path;
        final String group;
        final String artifact;
        final String version;

        private Candidate(Path path, String group, String artifact, String version) {
            this.path = path;
            this.group = group;
            this.artifact = artifact;
            this.version = version == null ? "" : version;
        }

        String key() {
            return group + ":" + artifact;
        }

        /**
         * @param coordinates {@code groupId:artifactId}
         * @return whether this is that artifact (by artifactId alone when the jar does not say its group)
         */
        boolean is(String coordinates) {
            int colon = coordinates.indexOf(':');
            return artifact.equals(coordinates.substring(colon + 1))
                    && (group.equals("?") || group.equals(coordinates.substring(0, colon)));
        }

        static Candidate of(Path p) {
            if (Files.isDirectory(p)) {
                for (Map.Entry<String, String> m : MODULE_MARKERS.entrySet()) {
                    if (Files.isRegularFile(p.resolve(m.getKey()))) {
                        String[] ga = m.getValue().split(":");
                        return new Candidate(p, ga[0], ga[1], version());
                    }
                }
                return null;
            }
            String file = p.getFileName().toString();
            if (!file.endsWith(".jar") || !Files.isRegularFile(p)) {
                return null;
            }
            try (ZipFile zip = new ZipFile(p.toFile())) {
                List<? extends ZipEntry> poms = zip.stream().filter(e -> e.getName().startsWith("META-INF/maven/")
                        && e.getName().endsWith("/pom.properties")).toList();
                for (ZipEntry pom : poms) {
                    Properties props = new Properties();
                    try (InputStream in = zip.getInputStream(pom)) {
                        props.load(in);
                    }
                    String g = props.getProperty("groupId");
                    String a = props.getProperty("artifactId");
                    // a jar that shades others holds their poms too: its own is the one its file is named after
                    if (g != null && a != null && (poms.size() == 1 || file.startsWith(a + "-"))) {
                        return new Candidate(p, g, a, props.getProperty("version"));
                    }
                }
            } catch (IOException e) {
                return null;
            }
            // no (single) pom.properties: the file name, artifactId-version[-classifier].jar, under an unknown group
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+?)-(\\d[^-]*(?:-SNAPSHOT)?)(?:-.+)?\\.jar")
                    .matcher(file);
            return m.matches() ? new Candidate(p, "?", m.group(1), m.group(2)) : null;
        }

        /** @return the starter's list of its runtime dependencies: groupId, artifactId, version */
        List<String[]> serverList() {
            String text;
            try {
                if (Files.isDirectory(path)) {
                    text = Files.readString(path.resolve(SERVER_LIST));
                } else {
                    try (ZipFile zip = new ZipFile(path.toFile())) {
                        ZipEntry e = zip.getEntry(SERVER_LIST);
                        if (e == null) {
                            throw new IOException("no " + SERVER_LIST);
                        }
                        try (InputStream in = zip.getInputStream(e)) {
                            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                        }
                    }
                }
            } catch (IOException e) {
                throw new ValidationException("server jars", path.toString(), "the starter's jar holds no list of its "
                        + "dependencies (" + SERVER_LIST + "): use a starter of the same SDK version");
            }
            return parseList(text);
        }

        Jar toJar() {
            if (Files.isDirectory(path)) {
                byte[] bytes = pack(path);
                return new Jar(artifact + "-" + version + ".jar", null, bytes,
                        HexFormat.of().formatHex(sha256().digest(bytes)), bytes.length, 0);
            }
            try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha256())) {
                long modified = Files.getLastModifiedTime(path).toMillis();
                long size = in.transferTo(java.io.OutputStream.nullOutputStream());
                String sha = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
                return new Jar(path.getFileName().toString(), path, null, sha, size, modified);
            } catch (IOException e) {
                throw new FileAccessException(path, "cannot read " + path + ": " + e.getMessage(), e);
            }
        }
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

    private static byte[] pack(Path dir) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream zip = new ZipOutputStream(bytes); Stream<Path> files = Files.walk(dir)) {
            for (Path f : (Iterable<Path>) files.filter(Files::isRegularFile).sorted()::iterator) {
                ZipEntry e = new ZipEntry(dir.relativize(f).toString().replace(File.separatorChar, '/'));
                e.setTime(0);
                zip.putNextEntry(e);
                Files.copy(f, zip);
                zip.closeEntry();
            }
        } catch (IOException | UncheckedIOException e) {
            throw new ModelBuilderException("cannot pack the class folder " + dir + " into a jar: " + e.getMessage(),
                    e);
        }
        return bytes.toByteArray();
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ModelBuilderException("SHA-256 is missing from this JVM", e);
        }
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
