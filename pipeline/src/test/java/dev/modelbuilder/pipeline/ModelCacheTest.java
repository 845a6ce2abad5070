package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.Collections;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** MLModel.zip's model as a verified file in a {@link ModelCache} (issue 17). */
class ModelCacheTest {
    private static final PipelineSpec PIPELINE = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224));

    @TempDir
    Path dir;

    private Path cacheDir() {
        return dir.resolve("cache");
    }

    private ModelCache cache() {
        return ModelCache.at(cacheDir());
    }

    private Path writePackage(String name, byte[] model) throws IOException {
        Path onnx = dir.resolve(name + ".onnx");
        Files.write(onnx, model);
        Path zip = dir.resolve(name + ".zip");
        ModelPackage.write(zip, onnx, LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);
        return zip;
    }

    private static byte[] tinyModel() throws IOException {
        return Files.readAllBytes(ImageClassificationFixtures.tinyModel());
    }

    private static String sha256(byte[] bytes) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    }

    private List<String> cacheFiles() throws IOException {
        if (!Files.isDirectory(cacheDir())) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(cacheDir())) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    @Test
    void theWriterDeclaresTheModelsSha256BeforeTheModel() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);

        try (ZipFile z = new ZipFile(zip.toFile())) {
            List<String> names = Collections.list(z.entries()).stream().map(ZipEntry::getName).toList();
            assertThat(names).containsExactly("pipeline.json", "labels.json", "model.sha256", "model.onnx");
            String declared = new String(z.getInputStream(z.getEntry("model.sha256")).readAllBytes(),
                    StandardCharsets.US_ASCII);
            assertThat(declared).isEqualTo(sha256(model) + "\n");
        }
        ModelPackage pkg = ModelPackage.read(zip);
        assertThat(pkg.modelSha256()).contains(sha256(model));
        assertThat(pkg.modelFile()).as("read without a cache").isEmpty();
        assertThat(pkg.pipeline().formatVersion()).isEqualTo("1.1");
    }

    @Test
    void aFileIsReadAsAVerifiedCopyNamedByItsSha256AndTheCopyIsReused() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);

        ModelPackage first = ModelPackage.read(zip, ModelPackage.Limits.defaults(), cache());
        Path copy = cacheDir().resolve(sha256(model) + ".onnx");
        assertThat(first.modelFile()).contains(copy);
        assertThat(Files.readAllBytes(copy)).isEqualTo(model);
        assertThat(first.onnxModelBytes()).isEqualTo(model);
        assertThat(first.modelBuffer().isDirect()).isTrue();
        assertThat(first.modelSize()).isEqualTo(model.length);
        assertThat(cacheFiles()).containsExactly(copy.getFileName().toString());

        FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofDays(3)));
        Files.setLastModifiedTime(copy, longAgo);
        Object file = Files.readAttributes(copy, BasicFileAttributes.class).fileKey();
        ModelPackage second = ModelPackage.read(zip, ModelPackage.Limits.defaults(), cache());
        assertThat(second.modelFile()).contains(copy);
        if (file != null) {
            // a rewrite is a new file renamed over the old one
            assertThat(Files.readAttributes(copy, BasicFileAttributes.class).fileKey()).as("the same file")
                    .isEqualTo(file);
        }
        assertThat(Files.getLastModifiedTime(copy)).as("marked as used").isGreaterThan(longAgo);
        assertThat(cacheFiles()).containsExactly(copy.getFileName().toString());
    }

    @Test
    void aStreamIsReadAsAVerifiedCopyAndAFileReadThenFindsIt() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);

        ModelPackage fromStream;
        try (InputStream in = Files.newInputStream(zip)) {
            fromStream = ModelPackage.read(in, ModelPackage.Limits.defaults(), cache());
        }
        assertThat(fromStream.modelFile()).isPresent();
        assertThat(Files.readAllBytes(fromStream.modelFile().get())).isEqualTo(model);
        try (InputStream in = Files.newInputStream(zip)) {
            assertThat(ModelPackage.read(in, ModelPackage.Limits.defaults(), cache()).modelFile())
                    .isEqualTo(fromStream.modelFile());
        }
        assertThat(ModelPackage.read(zip, ModelPackage.Limits.defaults(), cache()).modelFile())
                .isEqualTo(fromStream.modelFile());
    }

    @Test
    void aCopyForgedWithTheSameSizeAndCrcIsNotUsedButReplaced() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);
        Path copy = ModelPackage.read(zip, ModelPackage.Limits.defaults(), cache()).modelFile().orElseThrow();
        byte[] forged = model.clone();
        forged[forged.length / 2] ^= 0x5A;
        Crc32Forgery.restore(forged, forged.length / 2 + 8, model); // same size and CRC-32: only the SHA-256 tells
        assertThat(crc32(forged)).isEqualTo(crc32(model));
        Files.write(copy, forged);

        ModelPackage again = ModelPackage.read(zip, ModelPackage.Limits.defaults(), cache());
        assertThat(again.modelFile()).contains(copy);
        assertThat(Files.readAllBytes(copy)).isEqualTo(model);
        assertThat(cacheFiles()).containsExactly(copy.getFileName().toString());
    }

    @Test
    void aModelThatDoesNotMatchItsDeclaredSha256IsRefusedAndNothingIsCached() throws Exception {
        byte[] model = tinyModel();
        byte[] zip = storedZip(model, sha256("something else".getBytes(StandardCharsets.UTF_8)));

        assertThatThrownBy(() -> ModelPackage.read(new ByteArrayInputStream(zip), ModelPackage.Limits.defaults(),
                cache())).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("does not match the SHA-256 in model.sha256")
                .hasMessageContaining("actual " + sha256(model))
                .hasMessageContaining("package the model again");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aDeclaredSha256ThatIsNotOneIsRefused() throws Exception {
        byte[] zip = storedZip(tinyModel(), "not a digest");

        assertThatThrownBy(() -> ModelPackage.read(new ByteArrayInputStream(zip), ModelPackage.Limits.defaults(),
                cache())).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("model.sha256 is not a SHA-256");
    }

    @Test
    void aCacheFolderThatCannotBeWrittenIsPassedOver() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);
        Files.writeString(cacheDir(), "a file where the folder would be");

        ModelPackage pkg = ModelPackage.read(zip, ModelPackage.Limits.defaults(), cache());
        assertThat(pkg.modelFile()).isEmpty();
        assertThat(pkg.onnxModelBytes()).isEqualTo(model);
        try (InputStream in = Files.newInputStream(zip)) {
            ModelPackage fromStream = ModelPackage.read(in, ModelPackage.Limits.defaults(), cache());
            assertThat(fromStream.modelFile()).isEmpty();
            assertThat(fromStream.onnxModelBytes()).isEqualTo(model);
        }
    }

    @Test
    void archivesWithoutADeclaredSha256AreReadAsBefore() throws Exception {
        byte[] model = tinyModel();
        byte[] zip = storedZip(model, null);

        ModelPackage pkg = ModelPackage.read(new ByteArrayInputStream(zip), ModelPackage.Limits.defaults(), cache());
        assertThat(pkg.modelFile()).isEmpty();
        assertThat(pkg.modelSha256()).isEmpty();
        assertThat(pkg.onnxModelBytes()).isEqualTo(model);
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aModelOverTheLimitLeavesNoPartialCopy() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);

        assertThatThrownBy(() -> ModelPackage.read(zip, ModelPackage.Limits.defaults().withMaxModelBytes(1000),
                cache())).isInstanceOf(ModelLoadException.class).hasMessageContaining("larger than the limit");
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void theLeastRecentlyUsedCopiesGoWhenTheFolderOutgrowsItsBound() throws Exception {
        byte[] a = tinyModel();
        byte[] b = a.clone();
        b[b.length - 1] ^= 1;
        byte[] c = a.clone();
        c[c.length - 2] ^= 1;
        ModelCache bounded = cache().withMaxBytes(2L * a.length);
        Path copyA = ModelPackage.read(writePackage("a", a), ModelPackage.Limits.defaults(), bounded).modelFile()
                .orElseThrow();
        Path copyB = ModelPackage.read(writePackage("b", b), ModelPackage.Limits.defaults(), bounded).modelFile()
                .orElseThrow();
        Files.setLastModifiedTime(copyA, FileTime.from(Instant.now().minus(Duration.ofHours(2))));
        Files.setLastModifiedTime(copyB, FileTime.from(Instant.now().minus(Duration.ofHours(1))));
        Path abandoned = cacheDir().resolve(sha256(a) + ".123.partial");
        Files.write(abandoned, a);
        Files.setLastModifiedTime(abandoned, FileTime.from(Instant.now().minus(Duration.ofHours(3))));

        Path copyC = ModelPackage.read(writePackage("c", c), ModelPackage.Limits.defaults(), bounded).modelFile()
                .orElseThrow();

        assertThat(cacheFiles()).as("A was used least recently; B and C fit the bound")
                .containsExactlyInAnyOrder(copyB.getFileName().toString(), copyC.getFileName().toString());
    }

    @Test
    void theBoundHoldsForCopiesUsedMomentsAgoAndCountsTheOptimizedForms() throws Exception {
        byte[] a = tinyModel();
        byte[] b = a.clone();
        b[b.length - 1] ^= 1;
        ModelCache bounded = cache().withMaxBytes(a.length + 100L);
        Path copyA = ModelPackage.read(writePackage("a", a), ModelPackage.Limits.defaults(), bounded).modelFile()
                .orElseThrow();
        Path optimizedA = Files.createDirectories(cacheDir().resolve("optimized")).resolve(sha256(a) + "-0.onnx");
        Files.write(optimizedA, new byte[50]);
        Files.setLastModifiedTime(copyA, FileTime.from(Instant.now().minusSeconds(5)));
        Files.setLastModifiedTime(optimizedA, FileTime.from(Instant.now().minusSeconds(5)));

        Path copyB = ModelPackage.read(writePackage("b", b), ModelPackage.Limits.defaults(), bounded).modelFile()
                .orElseThrow();

        assertThat(copyB).exists();
        assertThat(copyA).as("used 5 s ago, but the bound is the bound").doesNotExist();
        assertThat(optimizedA).as("an optimized form counts and goes with least use").doesNotExist();
    }

    @Test
    void aCacheFolderOthersCanWriteIsNotUsed() throws Exception {
        Path zip = writePackage("a", tinyModel());
        Files.createDirectories(cacheDir());
        Files.setPosixFilePermissions(cacheDir(), java.nio.file.attribute.PosixFilePermissions.fromString("rwxrwxrwx"));

        ModelCache shared = cache();
        ModelPackage pkg = ModelPackage.read(zip, ModelPackage.Limits.defaults(), shared);

        assertThat(shared.isUsable()).isFalse();
        assertThat(pkg.modelFile()).as("read without the cache").isEmpty();
        assertThat(pkg.onnxModelBytes()).isEqualTo(tinyModel());
        assertThat(cacheFiles()).isEmpty();
    }

    @Test
    void aDiskThatFillsUpWhileTheCopyIsWrittenLoadsThePackageWithoutTheCache() throws Exception {
        byte[] model = tinyModel();
        Path zip = writePackage("a", model);
        ModelCache full = cache().withPartialOpener(partial -> new java.nio.channels.WritableByteChannel() {
            private long written;

            @Override
            public int write(java.nio.ByteBuffer src) throws IOException {
                if (written + src.remaining() > 1000) {
                    throw new IOException("No space left on device");
                }
                written += src.remaining();
                int n = src.remaining();
                src.position(src.limit());
                return n;
            }

            @Override
            public boolean isOpen() {
                return true;
            }

            @Override
            public void close() {
            }
        });

        ModelPackage pkg = ModelPackage.read(zip, ModelPackage.Limits.defaults(), full);

        assertThat(pkg.modelFile()).isEmpty();
        assertThat(pkg.onnxModelBytes()).isEqualTo(model);
        assertThat(cacheFiles()).as("no partial copy left").isEmpty();
    }

    @Test
    void aNewCacheFolderIsPrivateToItsUser() throws Exception {
        ModelPackage.read(writePackage("a", tinyModel()), ModelPackage.Limits.defaults(), cache());

        assertThat(java.nio.file.attribute.PosixFilePermissions.toString(Files.getPosixFilePermissions(cacheDir())))
                .isEqualTo("rwx------");
    }

    @Test
    void theDefaultCacheLivesUnderTheSdksCacheFolder() {
        String old = System.getProperty(ModelCache.CACHE_PROPERTY);
        try {
            System.setProperty(ModelCache.CACHE_PROPERTY, dir.toString());
            assertThat(ModelCache.defaultCache().directory()).isEqualTo(dir.resolve("models").toAbsolutePath());
        } finally {
            if (old == null) {
                System.clearProperty(ModelCache.CACHE_PROPERTY);
            } else {
                System.setProperty(ModelCache.CACHE_PROPERTY, old);
            }
        }
        assertThatThrownBy(() -> cache().withMaxBytes(0)).isInstanceOf(IllegalArgumentException.class);
    }

    /** An archive with a stored model and, unless null, the given {@code model.sha256} text. */
    private static byte[] storedZip(byte[] model, String declaredSha) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            out.putNextEntry(new ZipEntry("pipeline.json"));
            out.write(PIPELINE.toJson().getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry("labels.json"));
            out.write(LabelMap.read(ImageClassificationFixtures.labelMap()).toJson().getBytes(StandardCharsets.UTF_8));
            if (declaredSha != null) {
                out.putNextEntry(new ZipEntry("model.sha256"));
                out.write(declaredSha.getBytes(StandardCharsets.US_ASCII));
            }
            ZipEntry m = new ZipEntry("model.onnx");
            m.setMethod(ZipEntry.STORED);
            m.setSize(model.length);
            m.setCompressedSize(model.length);
            CRC32 crc = new CRC32();
            crc.update(model);
            m.setCrc(crc.getValue());
            out.putNextEntry(m);
            out.write(model);
            out.closeEntry();
        }
        return bytes.toByteArray();
    }

    private static long crc32(byte[] data) {
        java.util.zip.CRC32 crc = new java.util.zip.CRC32();
        crc.update(data);
        return crc.getValue();
    }
}
