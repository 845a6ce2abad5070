package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ModelPackageTest {
    private static final PipelineSpec PIPELINE = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224));

    private static Map<String, byte[]> validMembers() throws IOException {
        Map<String, byte[]> m = new LinkedHashMap<>();
        m.put("pipeline.json", PIPELINE.toJson().getBytes(StandardCharsets.UTF_8));
        m.put("labels.json", LabelMap.read(ImageClassificationFixtures.labelMap()).toJson().getBytes(StandardCharsets.UTF_8));
        m.put("model.onnx", Files.readAllBytes(ImageClassificationFixtures.tinyModel()));
        return m;
    }

    private static byte[] zip(Map<String, byte[]> members) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            for (Map.Entry<String, byte[]> e : members.entrySet()) {
                out.putNextEntry(new ZipEntry(e.getKey()));
                out.write(e.getValue());
                out.closeEntry();
            }
        }
        return bytes.toByteArray();
    }

    @Test
    void writesAndReadsBack(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("out/MLModel.zip");

        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);
        ModelPackage pkg = ModelPackage.read(zip);

        assertThat(pkg.pipeline()).isEqualTo(PIPELINE);
        assertThat(pkg.labels()).isEqualTo(LabelMap.read(ImageClassificationFixtures.labelMap()));
        assertThat(pkg.onnxModelBytes()).isEqualTo(Files.readAllBytes(ImageClassificationFixtures.tinyModel()));
        assertThat(pkg.modelSize()).isEqualTo(Files.size(ImageClassificationFixtures.tinyModel()));
        assertThat(pkg.source()).contains(zip.toString());
        Path extracted = dir.resolve("bestModel.onnx");
        pkg.writeOnnxModel(extracted);
        assertThat(Files.readAllBytes(extracted)).isEqualTo(Files.readAllBytes(ImageClassificationFixtures.tinyModel()));
        try (Stream<Path> files = Files.list(zip.getParent())) {
            assertThat(files).as("no temporary file is left behind").containsExactly(zip);
        }
    }

    @Test
    void writingIsReproducibleAndReplacesAtomically(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        Files.writeString(zip, "old content");

        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);
        byte[] first = Files.readAllBytes(zip);
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);

        assertThat(Files.readAllBytes(zip)).isEqualTo(first);
    }

    @Test
    void writeRefusesAMissingModelAndLeavesNothing(@TempDir Path dir) {
        Path zip = dir.resolve("MLModel.zip");

        assertThatThrownBy(() -> ModelPackage.write(zip, dir.resolve("none.onnx"), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("ONNX model not found");
        assertThat(zip).doesNotExist();
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "../evil.txt|has a '..' segment that escapes the archive folder",
            "models/../../evil.txt|has a '..' segment",
            "/etc/cron.d/evil|is an absolute path",
            "..\\\\evil.txt|contains a backslash",
            "C:/Windows/evil.dll|starts with a drive letter",
    })
    void refusesEntriesThatEscape(String name, String problem) throws Exception {
        Map<String, byte[]> members = validMembers();
        members.put(name, new byte[] {1});
        byte[] zip = zip(members);

        assertThatThrownBy(() -> ModelPackage.read(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("unsafe entry name '" + name + "'").hasMessageContaining(problem);
    }

    @Test
    void refusesOversizedEntries() throws Exception {
        Map<String, byte[]> members = validMembers();
        StringBuilder big = new StringBuilder("[");
        for (int i = 0; big.length() < (1 << 20) + 10; i++) {
            big.append(i == 0 ? "" : ",").append("\"label-").append(i).append('"');
        }
        members.put("labels.json", big.append(']').toString().getBytes(StandardCharsets.UTF_8));
        byte[] zip = zip(members);

        assertThatThrownBy(() -> ModelPackage.read(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("entry 'labels.json'").hasMessageContaining("larger than the limit of 1048576 bytes");
        byte[] valid = zip(validMembers());
        ModelPackage.Limits small = ModelPackage.Limits.defaults().withMaxModelBytes(1000);
        assertThatThrownBy(() -> ModelPackage.read(new ByteArrayInputStream(valid), small))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("entry 'model.onnx'").hasMessageContaining("larger than the limit of 1000 bytes");
    }

    @Test
    void refusesOverCompressedEntries() throws Exception {
        Map<String, byte[]> members = validMembers();
        members.put("model.onnx", new byte[8 << 20]); // 8 MiB of zeros deflate to a few KiB
        byte[] zip = zip(members);

        assertThatThrownBy(() -> ModelPackage.read(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("entry 'model.onnx' inflates more than 100 times its compressed size")
                .hasMessageContaining("zip bomb");
    }

    @Test
    void refusesMissingMembers() throws Exception {
        for (String member : new String[] {"pipeline.json", "labels.json", "model.onnx"}) {
            Map<String, byte[]> members = validMembers();
            members.remove(member);
            byte[] zip = zip(members);

            assertThatThrownBy(() -> ModelPackage.read(zip)).isInstanceOf(ModelLoadException.class)
                    .hasMessageContaining("is missing the member '" + member + "'");
        }
    }

    @Test
    void refusesDuplicateMembers() throws Exception {
        Map<String, byte[]> members = validMembers();
        members.put("labels.jsoX", LabelMap.read(ImageClassificationFixtures.labelMap()).toJson().getBytes(StandardCharsets.UTF_8));
        byte[] zip = zip(members);
        // rename the extra entry to labels.json in the local header and the central directory
        String text = new String(zip, StandardCharsets.ISO_8859_1).replace("labels.jsoX", "labels.json");
        byte[] duplicated = text.getBytes(StandardCharsets.ISO_8859_1);

        assertThatThrownBy(() -> ModelPackage.read(duplicated)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("has the entry 'labels.json' twice");
    }

    @Test
    void refusesAnUnknownMajorVersion() throws Exception {
        Map<String, byte[]> members = validMembers();
        members.put("pipeline.json", new String(members.get("pipeline.json"), StandardCharsets.UTF_8)
                .replace("\"1.1\"", "\"3.0\"").getBytes(StandardCharsets.UTF_8));
        byte[] zip = zip(members);

        assertThatThrownBy(() -> ModelPackage.read(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("member pipeline.json: format version 3.0 is not supported; this SDK reads 1.x and 2.x");
    }

    @Test
    void acceptsANewerMinorVersionAndExtraEntries() throws Exception {
        Map<String, byte[]> members = new LinkedHashMap<>();
        members.put("docs/", new byte[0]);
        members.put("docs/README.txt", "hello".getBytes(StandardCharsets.UTF_8));
        members.putAll(validMembers());
        members.put("pipeline.json", new String(members.get("pipeline.json"), StandardCharsets.UTF_8)
                .replace("\"1.1\"", "\"1.3\"").getBytes(StandardCharsets.UTF_8));

        ModelPackage pkg = ModelPackage.read(zip(members));

        assertThat(pkg.pipeline().formatVersion()).isEqualTo("1.3");
    }

    @Test
    void refusesWhatIsNotAZip(@TempDir Path dir) throws Exception {
        Path text = dir.resolve("MLModel.zip");
        Files.writeString(text, "not a zip at all");

        assertThatThrownBy(() -> ModelPackage.read(text)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(text.toString()).hasMessageContaining("is not a zip archive");
        assertThatThrownBy(() -> ModelPackage.read(dir.resolve("missing.zip"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("MLModel.zip not found");
    }

    @Test
    void readingAStreamLeavesItOpen() throws Exception {
        AtomicBoolean closed = new AtomicBoolean();
        FilterInputStream in = new FilterInputStream(new ByteArrayInputStream(zip(validMembers()))) {
            @Override
            public void close() throws IOException {
                closed.set(true);
                super.close();
            }
        };

        ModelPackage.read(in);

        assertThat(closed).isFalse();
    }

    @Test
    void theModelIsStoredAndMappedTheOtherMembersDeflated(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);

        try (java.util.zip.ZipFile z = new java.util.zip.ZipFile(zip.toFile())) {
            assertThat(z.getEntry("model.onnx").getMethod()).isEqualTo(ZipEntry.STORED);
            assertThat(z.getEntry("pipeline.json").getMethod()).isEqualTo(ZipEntry.DEFLATED);
            assertThat(z.getEntry("labels.json").getMethod()).isEqualTo(ZipEntry.DEFLATED);
        }
        byte[] expected = Files.readAllBytes(ImageClassificationFixtures.tinyModel());
        ModelPackage fromFile = ModelPackage.read(zip);
        assertThat(fromFile.modelBuffer().isDirect()).as("mapped from the archive").isTrue();
        assertThat(fromFile.onnxModelBytes()).isEqualTo(expected);
        try (var in = Files.newInputStream(zip)) {
            ModelPackage fromStream = ModelPackage.read(in);
            assertThat(fromStream.modelBuffer().isDirect()).isTrue();
            assertThat(fromStream.onnxModelBytes()).isEqualTo(expected);
        }
        // archives written before the model was stored (deflated) still read
        ModelPackage deflated = ModelPackage.read(zip(validMembers()));
        assertThat(deflated.onnxModelBytes()).isEqualTo(expected);
    }

    @Test
    void aStoredModelWhoseBytesWereAlteredIsRefused(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()), PIPELINE);
        byte[] bytes = Files.readAllBytes(zip);
        byte[] model = Files.readAllBytes(ImageClassificationFixtures.tinyModel());
        int at = indexOf(bytes, java.util.Arrays.copyOfRange(model, 100, 132));
        bytes[at + 7] ^= 0x5A; // one weight byte, size unchanged: only the CRC tells
        Files.write(zip, bytes);

        assertThatThrownBy(() -> ModelPackage.read(zip)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("CRC");
    }

    private static int indexOf(byte[] hay, byte[] needle) {
        outer:
        for (int i = 0; i + needle.length <= hay.length; i++) {
            for (int k = 0; k < needle.length; k++) {
                if (hay[i + k] != needle[k]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new IllegalStateException("not found");
    }
}
