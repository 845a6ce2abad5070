package dev.modelbuilder.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A folder of resources as files, found by a marker file in it: the folder itself when the resources are files (a
 * reactor build), otherwise a copy out of the jar in a temporary folder, made once and removed at exit.
 */
final class ResourceFolder {
    private final Class<?> anchor;
    private final String root;
    private final String marker;
    private final String prefix;
    private final String what;
    private Path path;

    /**
     * @param anchor the class whose loader finds the resources
     * @param root the folder inside the jar, e.g. {@code /dev/modelbuilder/testdata/decoding}
     * @param marker a file in it, e.g. {@code decoding.json}
     * @param prefix the temporary folder's name prefix
     * @param what the fixtures, as an error message names them
     */
    ResourceFolder(Class<?> anchor, String root, String marker, String prefix, String what) {
        this.anchor = anchor;
        this.root = root;
        this.marker = marker;
        this.prefix = prefix;
        this.what = what;
    }

    /** @return the folder (read it, never write into it) */
    synchronized Path path() {
        if (path == null) {
            path = locate();
        }
        return path;
    }

    private Path locate() {
        URL url = anchor.getResource(root + "/" + marker);
        if (url == null) {
            throw new IllegalStateException("the " + what + " are not on the class path; add a test dependency on "
                    + "dev.modelbuilder:modelbuilder-testdata");
        }
        try {
            URI uri = url.toURI();
            return "file".equals(uri.getScheme()) ? Path.of(uri).getParent() : extract(uri, root, prefix);
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unexpected fixture location " + url, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the fixtures out of " + url, e);
        }
    }

    /**
     * @param inJar a resource's {@code jar:} URI
     * @param root the folder inside the jar, e.g. {@code /dev/modelbuilder/testdata/decoding}
     * @param prefix the temporary folder's name prefix
     * @return the copy
     * @throws IOException if the jar cannot be read or the copy written
     */
    private static Path extract(URI inJar, String root, String prefix) throws IOException {
        Path target = Files.createTempDirectory(prefix);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteTree(target), "testdata-cleanup"));
        try (FileSystem jar = FileSystems.newFileSystem(inJar, Map.of())) {
            Path source = jar.getPath(root);
            try (Stream<Path> files = Files.walk(source)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    Path to = target.resolve(source.relativize(file).toString());
                    if (Files.isDirectory(file)) {
                        Files.createDirectories(to);
                    } else {
                        Files.copy(file, to, StandardCopyOption.REPLACE_EXISTING);
                    }
                }
            }
        }
        return target;
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> files = Files.walk(root)) {
            files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary folder left behind is harmless
        }
    }
}
