package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.zip.CRC32;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Hostile sizes read in a JVM with a 256 MiB heap: each must end in a typed error, never an OutOfMemoryError.
 * The large files are sparse (they take no disk space).
 */
class HostileInputSmallHeapTest {
    /** What a 675-byte archive declared in the sweep: 2 GiB less 8 bytes for one deflated byte. */
    static final long LYING_SIZE = 2_147_483_639L;

    @Test
    void zipEntryThatLiesAboutItsSizeIsRefusedWithoutAllocatingIt(@TempDir Path dir) throws Exception {
        Path zip = dir.resolve("MLModel.zip");
        Files.write(zip, lyingZip(LYING_SIZE));

        SmallHeapJvm.Outcome o = SmallHeapJvm.run(ReadPackage.class, zip.toString());

        assertThat(o.result()).startsWith(ModelLoadException.class.getName() + ": ").contains("MLModel.zip");
        assertThat(o.output()).doesNotContain("OutOfMemoryError");
    }

    @Test
    void hugeImageFilesAreRefusedBeforeTheyAreRead(@TempDir Path dir) throws Exception {
        Path jpeg = sparse(dir.resolve("huge.jpg"), new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF, (byte) 0xE0},
                3L << 30);
        Path unknown = sparse(dir.resolve("unknown.png"), new byte[] {1, 2, 3, 4}, 3L << 29);

        SmallHeapJvm.Outcome big = SmallHeapJvm.run(DecodeImage.class, jpeg.toString());
        SmallHeapJvm.Outcome foreign = SmallHeapJvm.run(DecodeImage.class, unknown.toString());

        assertThat(big.result()).startsWith(ScoringException.class.getName() + ": ")
                .contains(jpeg.toString()).contains("3221225472 bytes").contains("are not read");
        assertThat(foreign.result()).startsWith(ScoringException.class.getName() + ": ")
                .contains("unsupported image format in " + unknown).contains("unknown data starting with 01 02 03 04");
    }

    /** Reads the MLModel.zip named by the first argument. */
    public static final class ReadPackage {
        public static void main(String[] args) {
            SmallHeapJvm.report(() -> ModelPackage.read(Path.of(args[0])));
        }
    }

    /** Decodes the image file named by the first argument. */
    public static final class DecodeImage {
        public static void main(String[] args) {
            SmallHeapJvm.report(() -> ImageDecoder.decode(Path.of(args[0])));
        }
    }

    static Path sparse(Path file, byte[] head, long length) throws IOException {
        try (RandomAccessFile f = new RandomAccessFile(file.toFile(), "rw")) {
            f.write(head);
            f.setLength(length);
        }
        return file;
    }

    /** A valid package whose model.onnx is one deflated byte that declares {@code declared} bytes. */
    static byte[] lyingZip(long declared) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        byte[] one = {42};
        Deflater deflater = new Deflater(Deflater.DEFAULT_COMPRESSION, true);
        deflater.setInput(one);
        deflater.finish();
        byte[] deflated = new byte[64];
        int len = deflater.deflate(deflated);
        deflater.end();
        CRC32 crc = new CRC32();
        crc.update(one);
        try (ZipOutputStream out = new ZipOutputStream(bytes)) {
            PipelineSpec pipeline = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224));
            out.putNextEntry(new ZipEntry(ModelPackage.PIPELINE_ENTRY));
            out.write(pipeline.toJson().getBytes(StandardCharsets.UTF_8));
            out.putNextEntry(new ZipEntry(ModelPackage.LABELS_ENTRY));
            out.write(LabelMap.of("a", "b").toJson().getBytes(StandardCharsets.UTF_8));
            ZipEntry model = new ZipEntry(ModelPackage.MODEL_ENTRY);
            model.setMethod(ZipEntry.STORED); // sizes in the local header; patched below
            model.setSize(len);
            model.setCompressedSize(len);
            CRC32 storedCrc = new CRC32();
            storedCrc.update(deflated, 0, len);
            model.setCrc(storedCrc.getValue());
            out.putNextEntry(model);
            out.write(deflated, 0, len);
            out.closeEntry();
        }
        byte[] zip = bytes.toByteArray();
        // turn the stored entry's local header into a deflated one that declares a huge size
        byte[] name = ModelPackage.MODEL_ENTRY.getBytes(StandardCharsets.US_ASCII);
        int header = indexOfLocalHeader(zip, name);
        ByteBuffer b = ByteBuffer.wrap(zip).order(ByteOrder.LITTLE_ENDIAN);
        b.putShort(header + 8, (short) ZipEntry.DEFLATED);
        b.putInt(header + 14, (int) crc.getValue());
        b.putInt(header + 22, (int) declared);
        return zip;
    }

    private static int indexOfLocalHeader(byte[] zip, byte[] name) {
        for (int i = 0; i + 30 + name.length <= zip.length; i++) {
            if (zip[i] == 0x50 && zip[i + 1] == 0x4B && zip[i + 2] == 3 && zip[i + 3] == 4) {
                boolean match = true;
                for (int k = 0; k < name.length && match; k++) {
                    match = zip[i + 30 + k] == name[k];
                }
                if (match) {
                    return i;
                }
            }
        }
        throw new IllegalStateException("no local header for " + new String(name, StandardCharsets.US_ASCII));
    }
}
