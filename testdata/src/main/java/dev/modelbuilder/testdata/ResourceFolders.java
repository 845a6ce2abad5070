package dev.modelbuilder.testdata;

import java.io.IOException;
import java.net.URI;
import java.nio.file.FileSystem;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.Map;
import java.util.stream.Stream;

/** A folder of resources as files: where the jar holds them, a copy in a temporary folder removed at exit. */
final class ResourceFolders {
    private ResourceFolders() {
    }

    /**
     * @param inJar a resource's {@code jar:} URI
     * @param root the folder inside the jar, e.g. {@code /dev/modelbuilder/testdata/decoding}
     * @param prefix the temporary folder's name prefix
     * @return the copy
     * @throws IOException if the jar cannot be read or the copy written
     */
    static Path extract(URI inJar, String root, String prefix) throws IOException {
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
