package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tier 2: the generated text files equal the golden copies under {@code src/test/resources/golden/flowers},
 * file by file (line endings ignored; the SDK version is written as {@code @SDK_VERSION@} there). After an
 * intended change, regenerate them with {@code mvn -pl codegen test -Dtest=GoldenFilesTest -Dgolden.update=true}
 * and review the diff.
 */
class GoldenFilesTest {
    private static final String VERSION_TOKEN = "@SDK_VERSION@";
    @TempDir
    Path tmp;

    @Test
    void generatedTextFilesMatchTheGoldenCopies() throws Exception {
        Path model = ModelFixture.create(tmp.resolve("model"));
        GeneratedProjects p = ProjectGenerator.forModel(model).named("Flowers")
                .withSampleImage(ModelFixture.image("rocket.jpg")).generate(tmp.resolve("out"));
        Path golden = goldenDir();
        List<String> textFiles = p.files().stream().filter(GoldenFilesTest::isText).toList();
        String version = SdkInfo.load().version();
        if (Boolean.getBoolean("golden.update")) {
            deleteRecursively(golden);
            for (String f : textFiles) {
                Path target = golden.resolve(f);
                Files.createDirectories(target.getParent());
                Files.writeString(target, read(p.root().resolve(f)).replace(version, VERSION_TOKEN));
            }
        }
        List<String> expected;
        try (Stream<Path> all = Files.walk(golden)) {
            expected = all.filter(Files::isRegularFile).map(f -> golden.relativize(f).toString().replace('\\', '/'))
                    .sorted().toList();
        }
        assertThat(textFiles).as("text files generated vs golden files").containsExactlyElementsOf(expected);
        for (String f : textFiles) {
            assertThat(read(p.root().resolve(f))).as(f)
                    .isEqualTo(read(golden.resolve(f)).replace(VERSION_TOKEN, version));
        }
    }

    private static boolean isText(String file) {
        return file.endsWith(".java") || file.endsWith(".xml") || file.endsWith(".md") || file.endsWith(".gitignore")
                || file.endsWith(".json");
    }

    private static String read(Path file) throws IOException {
        return Files.readString(file, StandardCharsets.UTF_8).replace("\r\n", "\n");
    }

    private static Path goldenDir() {
        return Path.of("src", "test", "resources", "golden", "flowers").toAbsolutePath();
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
