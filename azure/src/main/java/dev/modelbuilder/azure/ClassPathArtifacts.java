package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ModelBuilderException;
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
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.jar.Attributes;
import java.util.jar.JarFile;
import java.util.jar.Manifest;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * The jars of a class path or of folders given, each recognised by its Maven coordinates, for {@link ServerImage} to
 * choose the server's from: the {@code Class-Path} of jar manifests is followed (as {@code java -jar modelbuilder.jar}
 * and surefire's booter jar name their jars); a jar is identified by the {@code META-INF/maven/.../pom.properties} it
 * holds (its own, when it shades others), else by its file name ({@code artifactId-version.jar}, group unknown); the
 * SDK's own modules may be class folders (a build that has not packaged them yet), recognised by a class each holds
 * and packed into jars.
 */
final class ClassPathArtifacts {
    /** The SDK's modules as class folders, recognised by a class each holds. */
    private static final Map<String, String> MODULE_MARKERS = Map.of(
            "dev/modelbuilder/serving/ModelServerMain.class", "dev.modelbuilder:modelbuilder-spring-boot-starter",
            "dev/modelbuilder/scoring/PredictionEngine.class", "dev.modelbuilder:modelbuilder-scoring",
            "dev/modelbuilder/pipeline/ModelPackage.class", "dev.modelbuilder:modelbuilder-pipeline",
            "dev/modelbuilder/core/ModelBuilder.class", "dev.modelbuilder:modelbuilder-core");

    private ClassPathArtifacts() {
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

    /**
     * @param given jars, folders of jars, or SDK class folders
     * @return the jars and class folders, a folder of jars listed (sorted)
     */
    static List<Path> expand(List<Path> given) {
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

    /** A jar, or an SDK class folder, with the Maven coordinates it was recognised by. */
    static final class Artifact {
        final Path path;
        final String group;
        final String artifact;
        final String version;

        private Artifact(Path path, String group, String artifact, String version) {
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

        static Artifact of(Path p) {
            if (Files.isDirectory(p)) {
                for (Map.Entry<String, String> m : MODULE_MARKERS.entrySet()) {
                    if (Files.isRegularFile(p.resolve(m.getKey()))) {
                        String[] ga = m.getValue().split(":");
                        return new Artifact(p, ga[0], ga[1], ServerImage.version());
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
                        return new Artifact(p, g, a, props.getProperty("version"));
                    }
                }
            } catch (IOException e) {
                return null;
            }
            // no (single) pom.properties: the file name, artifactId-version[-classifier].jar, under an unknown group
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(.+?)-(\\d[^-]*(?:-SNAPSHOT)?)(?:-.+)?\\.jar")
                    .matcher(file);
            return m.matches() ? new Artifact(p, "?", m.group(1), m.group(2)) : null;
        }

        /**
         * @param entry a file's path inside the jar or class folder, e.g. {@code META-INF/...}
         * @return the file's text (UTF-8)
         * @throws IOException when it is not there or cannot be read
         */
        String text(String entry) throws IOException {
            if (Files.isDirectory(path)) {
                return Files.readString(path.resolve(entry));
            }
            try (ZipFile zip = new ZipFile(path.toFile())) {
                ZipEntry e = zip.getEntry(entry);
                if (e == null) {
                    throw new IOException("no " + entry);
                }
                try (InputStream in = zip.getInputStream(e)) {
                    return new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            }
        }

        /** @return the jar of the build context: the file as it is, or the class folder packed */
        ServerImage.Jar toJar() {
            if (Files.isDirectory(path)) {
                byte[] bytes = pack(path);
                return new ServerImage.Jar(artifact + "-" + version + ".jar", null, bytes,
                        HexFormat.of().formatHex(sha256().digest(bytes)), bytes.length, 0);
            }
            try (InputStream in = new DigestInputStream(Files.newInputStream(path), sha256())) {
                long modified = Files.getLastModifiedTime(path).toMillis();
                long size = in.transferTo(java.io.OutputStream.nullOutputStream());
                String sha = HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
                return new ServerImage.Jar(path.getFileName().toString(), path, null, sha, size, modified);
            } catch (IOException e) {
                throw new FileAccessException(path, "cannot read " + path + ": " + e.getMessage(), e);
            }
        }
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

    /** @return a new SHA-256 digest */
    static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new ModelBuilderException("SHA-256 is missing from this JVM", e);
        }
    }
}
