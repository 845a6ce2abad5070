package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 2: the generated text files equal the golden copies under {@code src/test/resources/golden/flowers}, file
 * by file (line endings ignored; the SDK version is written as {@code @SDK_VERSION@} there and the Spring Boot
 * version as {@code @SPRING_BOOT_VERSION@}). With the Web API, {@code golden/flowers-webapi} holds only the files
 * that differ from {@code golden/flowers} or are new. After an intended change, regenerate them with
 * {@code mvn -pl codegen test -Dtest=GoldenFilesTest -Dgolden.update=true} and review the diff.
 */
class GoldenFilesTest {
    private static final String VERSION_TOKEN = "@SDK_VERSION@";
    private static final String SPRING_BOOT_TOKEN = "@SPRING_BOOT_VERSION@";
    @TempDir
    Path tmp;

    @Test
    void generatedTextFilesMatchTheGoldenCopies() throws Exception {
        Path model = ModelFixture.create(tmp.resolve("model"));
        GeneratedProjects p = ProjectGenerator.forModel(model).withName("Flowers")
                .withSampleImage(ModelFixture.image("rocket.jpg")).generate(tmp.resolve("out"));
        Path golden = goldenDir("flowers");
        List<String> textFiles = p.files().stream().filter(GoldenFilesTest::isText).toList();
        if (Boolean.getBoolean("golden.update")) {
            deleteRecursively(golden);
            for (String f : textFiles) {
                write(golden.resolve(f), tokens(read(p.root().resolve(f))));
            }
        }
        assertThat(textFiles).as("text files generated vs golden files").containsExactlyElementsOf(list(golden));
        for (String f : textFiles) {
            assertThat(read(p.root().resolve(f))).as(f).isEqualTo(values(read(golden.resolve(f))));
        }
    }

    @Test
    void webApiFilesMatchTheGoldenOverlay() throws Exception {
        Path model = ModelFixture.create(tmp.resolve("model"));
        GeneratedProjects p = ProjectGenerator.forModel(model).withName("Flowers")
                .withSampleImage(ModelFixture.image("rocket.jpg")).withWebApi(true).generate(tmp.resolve("out"));
        Path base = goldenDir("flowers");
        Path overlay = goldenDir("flowers-webapi");
        List<String> textFiles = p.files().stream().filter(GoldenFilesTest::isText).toList();
        if (Boolean.getBoolean("golden.update")) {
            deleteRecursively(overlay);
            for (String f : textFiles) {
                String content = tokens(read(p.root().resolve(f)));
                if (!Files.isRegularFile(base.resolve(f)) || !read(base.resolve(f)).equals(content)) {
                    write(overlay.resolve(f), content);
                }
            }
        }
        TreeSet<String> expected = new TreeSet<>(list(base));
        expected.addAll(list(overlay));
        assertThat(textFiles).as("text files generated vs golden files").containsExactlyElementsOf(expected);
        assertThat(list(overlay)).as("the overlay holds what the Web API adds or changes")
                .contains("pom.xml", "README.md", "Flowers.WebApi/pom.xml", "Flowers.WebApi/Dockerfile")
                .noneMatch(f -> f.startsWith("Flowers.Model/") || f.startsWith("Flowers.ConsoleApp/"));
        for (String f : textFiles) {
            Path golden = Files.isRegularFile(overlay.resolve(f)) ? overlay.resolve(f) : base.resolve(f);
            assertThat(read(p.root().resolve(f))).as(f).isEqualTo(values(read(golden)));
        }
    }

    private static String tokens(String generated) {
        return generated.replace(SdkInfo.load().version(), VERSION_TOKEN)
                .replace(SdkInfo.load().get("spring.boot"), SPRING_BOOT_TOKEN);
    }

    private static String values(String golden) {
        return golden.replace(VERSION_TOKEN, SdkInfo.load().version())
                .replace(SPRING_BOOT_TOKEN, SdkInfo.load().get("spring.boot"));
    }

    private static boolean isText(String file) {
        return file.endsWith(".java") || file.endsWith(".xml") || file.endsWith(".md") || file.endsWith(".gitignore")
                || file.endsWith(".json") || file.endsWith(".properties") || file.endsWith("Dockerfile");
    }

    private static List<String> list(Path golden) throws IOException {
        if (!Files.isDirectory(golden)) {
            return List.of();
        }
        try (Stream<Path> all = Files.walk(golden)) {
            return all.filter(Files::isRegularFile).map(f -> golden.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static void write(Path target, String content) throws IOException {
        Files.createDirectories(target.getParent());
        Files.writeString(target, content);
    }

    private static Path goldenDir(String name) {
        return Path.of("src", "test", "resources", "golden", name).toAbsolutePath();
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path f : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
