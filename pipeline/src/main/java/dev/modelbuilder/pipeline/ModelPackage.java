package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.LocalDateTime;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;
import java.util.zip.ZipOutputStream;

/**
 * MLModel.zip: a self-contained prediction pipeline (format documented in {@code docs/mlmodel-zip.md}).
 *
 * <pre>{@code
 * ModelPackage.write(Path.of("MLModel.zip"), Path.of("bestModel.onnx"),
 *         LabelMap.read(Path.of("bestModelMap.json")),
 *         PipelineDefinition.of(PreprocessingSpec.resizeCrop(256, 224)));
 *
 * ModelPackage pkg = ModelPackage.read(Path.of("MLModel.zip"));
 * pkg.labels().size();
 * try (PredictionEngine engine = PredictionEngine.builder().modelPackage(pkg).build()) { ... } // scoring module
 * }</pre>
 *
 * <p>This class reads and writes the format only; it does not load the model. The scoring module's
 * {@code ModelVerifier} checks a model against its labels and pipeline with ONNX Runtime before it is packaged.
 *
 * <p>Members, at the archive's root: {@value #PIPELINE_ENTRY} ({@link PipelineDefinition}), {@value #LABELS_ENTRY}
 * ({@link LabelMap}, the bestModelMap.json format) and {@value #MODEL_ENTRY} (the ONNX model). The reader streams the
 * archive and refuses, each with a {@link ModelLoadException} saying why: entry names that could escape a folder
 * ({@code ..} segments, absolute paths, backslashes, drive letters, control characters), entries larger than the
 * {@link Limits}, entries that inflate more than {@link Limits#maxCompressionRatio()} times their compressed size,
 * too many entries, a member given twice, a missing member, and a {@code formatVersion} of an unknown major version.
 * Other entries are skipped. Instances are immutable.
 */
public final class ModelPackage {
    /** The pipeline definition member. */
    public static final String PIPELINE_ENTRY = "pipeline.json";
    /** The ONNX model member. */
    public static final String MODEL_ENTRY = "model.onnx";
    /** The label map member. */
    public static final String LABELS_ENTRY = "labels.json";

    /** The largest model a Java byte array holds: 2 GiB less 8 bytes. */
    static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
    /** Entries smaller than this are not checked for their compression ratio. */
    static final long RATIO_GRACE_BYTES = 256 * 1024;
    /** The first buffer an entry is read into, whatever size it declares. */
    static final int INITIAL_ENTRY_BUFFER = 64 * 1024;
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");
    private static final LocalDateTime ENTRY_TIME = LocalDateTime.of(2000, 1, 1, 0, 0);

    /**
     * Bounds the reader enforces against hostile or broken archives.
     *
     * @param maxModelBytes the largest uncompressed {@value #MODEL_ENTRY}, at most 2 GiB less 8 bytes
     * @param maxJsonBytes the largest uncompressed JSON member (and any other entry)
     * @param maxCompressionRatio the largest uncompressed / compressed size ratio of an entry over 256 KiB
     * @param maxEntries the most entries the archive may have
     */
    public record Limits(long maxModelBytes, long maxJsonBytes, int maxCompressionRatio, int maxEntries) {
        /**
         * @throws ValidationException if a bound is not positive or the model bound is over 2 GiB less 8 bytes
         *
         * @param maxModelBytes the record component maxModelBytes
         * @param maxJsonBytes the record component maxJsonBytes
         * @param maxCompressionRatio the record component maxCompressionRatio
         * @param maxEntries the record component maxEntries
         */
        public Limits {
            if (maxModelBytes < 1 || maxModelBytes > MAX_MODEL_BYTES) {
                throw new ValidationException("maxModelBytes", maxModelBytes, "must be between 1 and " + MAX_MODEL_BYTES);
            }
            if (maxJsonBytes < 1) {
                throw new ValidationException("maxJsonBytes", maxJsonBytes, "must be positive");
            }
            if (maxCompressionRatio < 1) {
                throw new ValidationException("maxCompressionRatio", maxCompressionRatio, "must be at least 1");
            }
            if (maxEntries < 3) {
                throw new ValidationException("maxEntries", maxEntries, "must be at least 3");
            }
        }

        /** @return model up to 2 GiB (less 8 bytes), JSON up to 1 MiB, compression ratio up to 100, 16 entries */
        public static Limits defaults() {
            return new Limits(MAX_MODEL_BYTES, 1 << 20, 100, 16);
        }

        /**
         * @param bytes the largest uncompressed model
         * @return a copy with that bound
         */
        public Limits withMaxModelBytes(long bytes) {
            return new Limits(bytes, maxJsonBytes, maxCompressionRatio, maxEntries);
        }

        /**
         * @param bytes the largest uncompressed JSON member
         * @return a copy with that bound
         */
        public Limits withMaxJsonBytes(long bytes) {
            return new Limits(maxModelBytes, bytes, maxCompressionRatio, maxEntries);
        }

        /**
         * @param ratio the largest compression ratio
         * @return a copy with that bound
         */
        public Limits withMaxCompressionRatio(int ratio) {
            return new Limits(maxModelBytes, maxJsonBytes, ratio, maxEntries);
        }
    }

    private final PipelineDefinition pipeline;
    private final LabelMap labels;
    private final byte[] model;
    private final String source;

    private ModelPackage(PipelineDefinition pipeline, LabelMap labels, byte[] model, String source) {
        this.pipeline = pipeline;
        this.labels = labels;
        this.model = model;
        this.source = source;
    }

    /** @return the pipeline definition */
    public PipelineDefinition pipeline() {
        return pipeline;
    }

    /** @return the labels in class-index order */
    public LabelMap labels() {
        return labels;
    }

    /** @return the size of the ONNX model in bytes */
    public long modelSize() {
        return model.length;
    }

    /** @return a copy of the ONNX model's bytes */
    public byte[] onnxModelBytes() {
        return model.clone();
    }

    /**
     * The model without a copy, for a runtime that loads it (a 100 MB model is not copied again to be scored).
     *
     * @return a read-only view of the ONNX model's bytes
     */
    public ByteBuffer modelBuffer() {
        return ByteBuffer.wrap(model).asReadOnlyBuffer();
    }

    /** @return where the package was read from, in words (a path, or "stream") */
    public String source() {
        return source;
    }

    /**
     * Writes the ONNX model to a file (e.g. to produce bestModel.onnx again).
     *
     * @param file the file to create or replace
     * @throws UncheckedIOException if it cannot be written
     */
    public void writeOnnxModel(Path file) {
        try {
            Files.write(Objects.requireNonNull(file, "file"), model);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    // ------------------------------------------------------------------------------------------------ writing

    /**
     * Writes MLModel.zip: to a temporary file beside the
     * target, moved into place atomically (where the file system allows), so readers never see a partial archive.
     * The archive is reproducible: the same inputs give the same bytes.
     *
     * @param zip the archive to create or replace
     * @param onnxFile the ONNX model (bestModel.onnx)
     * @param labels the labels in class-index order
     * @param pipeline the pipeline definition; its input and output names should exist in the model (the scoring
     *     module's {@code ModelVerifier} checks that before packaging)
     * @throws ModelLoadException if the model is missing, unreadable or too large
     * @throws UncheckedIOException if the archive cannot be written
     * @throws NullPointerException if an argument is null
     */
    public static void write(Path zip, Path onnxFile, LabelMap labels, PipelineDefinition pipeline) {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(onnxFile, "onnxFile");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(pipeline, "pipeline");
        long size;
        try {
            size = Files.size(onnxFile);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("ONNX model not found: " + onnxFile, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read ONNX model " + onnxFile + ": " + e.getMessage(), e);
        }
        if (size > MAX_MODEL_BYTES) {
            throw new ModelLoadException("ONNX model " + onnxFile + " is " + size + " bytes; MLModel.zip holds models "
                    + "up to " + MAX_MODEL_BYTES + " bytes");
        }

        Path target = zip.toAbsolutePath();
        Path dir = target.getParent();
        Path temp = null;
        try {
            Files.createDirectories(dir);
            temp = Files.createTempFile(dir, "." + target.getFileName() + "-", ".tmp");
            try (OutputStream file = Files.newOutputStream(temp);
                 ZipOutputStream out = new ZipOutputStream(new BufferedOutputStream(file, 1 << 16))) {
                out.setLevel(Deflater.DEFAULT_COMPRESSION);
                putEntry(out, PIPELINE_ENTRY, pipeline.toJson().getBytes(StandardCharsets.UTF_8));
                putEntry(out, LABELS_ENTRY, labels.toJson().getBytes(StandardCharsets.UTF_8));
                out.setLevel(Deflater.BEST_SPEED); // ONNX weights barely compress; keep packaging fast
                out.putNextEntry(newEntry(MODEL_ENTRY));
                Files.copy(onnxFile, out);
                out.closeEntry();
            }
            try {
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, target, StandardCopyOption.REPLACE_EXISTING);
            }
            temp = null;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write MLModel.zip " + target + ": " + e.getMessage(), e);
        } finally {
            if (temp != null) {
                try {
                    Files.deleteIfExists(temp);
                } catch (IOException ignored) {
                    // best effort: the temp file is hidden and named after the target
                }
            }
        }
    }

    private static void putEntry(ZipOutputStream out, String name, byte[] data) throws IOException {
        out.putNextEntry(newEntry(name));
        out.write(data);
        out.closeEntry();
    }

    private static ZipEntry newEntry(String name) {
        ZipEntry e = new ZipEntry(name);
        e.setTimeLocal(ENTRY_TIME);
        return e;
    }

    // ------------------------------------------------------------------------------------------------ reading

    /**
     * Reads an MLModel.zip with the {@linkplain Limits#defaults() default limits}.
     *
     * @param zip the archive
     * @return the package
     * @throws ModelLoadException if the file is missing, unreadable, not a zip, unsafe, over a limit, incomplete or of
     *     an unknown major version; the message names the file and the problem
     */
    public static ModelPackage read(Path zip) {
        return read(zip, Limits.defaults());
    }

    /**
     * @param zip the archive
     * @param limits the bounds to enforce
     * @return the package
     * @throws ModelLoadException if the file is missing, unreadable, not a zip, unsafe, over a limit, incomplete or of
     *     an unknown major version
     */
    public static ModelPackage read(Path zip, Limits limits) {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(limits, "limits");
        try (InputStream in = Files.newInputStream(zip)) {
            return read(in, limits, "MLModel.zip " + zip);
        } catch (NoSuchFileException e) {
            throw new ModelLoadException("MLModel.zip not found: " + zip, e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read MLModel.zip " + zip + ": " + e.getMessage(), e);
        }
    }

    /**
     * Reads an MLModel.zip from a stream (read to the end of the archive, not closed) with the default limits.
     *
     * @param in the archive's bytes
     * @return the package
     * @throws ModelLoadException if the data is not a zip, unsafe, over a limit, incomplete or of an unknown major
     *     version
     */
    public static ModelPackage read(InputStream in) {
        return read(in, Limits.defaults());
    }

    /**
     * @param in the archive's bytes (read to the end of the archive, not closed)
     * @param limits the bounds to enforce
     * @return the package
     * @throws ModelLoadException if the data is not a zip, unsafe, over a limit, incomplete or of an unknown major
     *     version
     */
    public static ModelPackage read(InputStream in, Limits limits) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        return read(in, limits, "MLModel.zip stream");
    }

    /**
     * @param zipBytes the archive's bytes
     * @return the package
     * @throws ModelLoadException if the data is not a zip, unsafe, over a limit, incomplete or of an unknown major
     *     version
     */
    public static ModelPackage read(byte[] zipBytes) {
        Objects.requireNonNull(zipBytes, "zipBytes");
        return read(new ByteArrayInputStream(zipBytes), Limits.defaults(), "MLModel.zip data");
    }

    private static ModelPackage read(InputStream raw, Limits limits, String source) {
        CountingInputStream counted = new CountingInputStream(
                raw instanceof BufferedInputStream || raw instanceof ByteArrayInputStream
                        ? raw : new BufferedInputStream(raw, 1 << 16));
        byte[] pipelineBytes = null;
        byte[] labelBytes = null;
        byte[] modelBytes = null;
        PipelineDefinition pipeline = null;
        Set<String> seen = new HashSet<>();
        int entries = 0;
        try (ZipInputStream zin = new ZipInputStream(counted, StandardCharsets.UTF_8)) {
            ZipEntry entry;
            while ((entry = zin.getNextEntry()) != null) {
                entries++;
                if (entries > limits.maxEntries()) {
                    throw new ModelLoadException(source + " has more than " + limits.maxEntries() + " entries");
                }
                String name = entry.getName();
                checkName(name, source);
                if (!seen.add(name)) {
                    throw new ModelLoadException(source + " has the entry '" + name + "' twice; a package holds each "
                            + "member once");
                }
                if (entry.isDirectory()) {
                    continue;
                }
                boolean isModel = MODEL_ENTRY.equals(name);
                long limit = isModel ? limits.maxModelBytes() : limits.maxJsonBytes();
                byte[] data = readEntry(zin, entry, limit, limits.maxCompressionRatio(), counted, source);
                switch (name) {
                    case PIPELINE_ENTRY -> {
                        pipelineBytes = data;
                        // version first, so that a package from a newer SDK fails before the model is inflated
                        pipeline = PipelineDefinition.parse(new String(data, StandardCharsets.UTF_8),
                                source + " member " + PIPELINE_ENTRY);
                    }
                    case LABELS_ENTRY -> labelBytes = data;
                    case MODEL_ENTRY -> modelBytes = data;
                    default -> {
                        // unknown entries (from a newer minor version, or a README) are skipped
                    }
                }
            }
        } catch (ZipException | IllegalArgumentException e) {
            // IllegalArgumentException: an entry name that is not valid UTF-8
            throw new ModelLoadException(source + " is not a valid zip archive: " + e.getMessage(), e);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + source + ": " + e.getMessage(), e);
        }
        if (entries == 0) {
            throw new ModelLoadException(source + " is not a zip archive (no entries found)");
        }
        requireMember(pipelineBytes, PIPELINE_ENTRY, source);
        requireMember(labelBytes, LABELS_ENTRY, source);
        requireMember(modelBytes, MODEL_ENTRY, source);
        LabelMap labels = LabelMap.parse(new String(labelBytes, StandardCharsets.UTF_8),
                source + " member " + LABELS_ENTRY);
        if (modelBytes.length == 0) {
            throw new ModelLoadException(source + " member " + MODEL_ENTRY + " is empty");
        }
        return new ModelPackage(pipeline, labels, modelBytes, source);
    }

    private static void requireMember(byte[] data, String member, String source) {
        if (data == null) {
            throw new ModelLoadException(source + " is missing the member '" + member + "'; a package holds "
                    + PIPELINE_ENTRY + ", " + LABELS_ENTRY + " and " + MODEL_ENTRY);
        }
    }

    /** Refuses names that could escape an extraction folder, whatever the reader's platform. */
    static void checkName(String name, String source) {
        String problem = null;
        if (name.isEmpty()) {
            problem = "is empty";
        } else if (name.indexOf('\\') >= 0) {
            problem = "contains a backslash";
        } else if (name.startsWith("/")) {
            problem = "is an absolute path";
        } else if (DRIVE.matcher(name).matches()) {
            problem = "starts with a drive letter";
        } else if (name.chars().anyMatch(c -> c < 0x20 || c == 0x7F)) {
            problem = "contains control characters";
        } else if (Arrays.asList(name.split("/", -1)).contains("..")) {
            problem = "has a '..' segment that escapes the archive folder";
        }
        if (problem != null) {
            throw new ModelLoadException(source + " has an unsafe entry name '" + printable(name) + "': it " + problem
                    + "; refusing the archive");
        }
    }

    private static String printable(String name) {
        StringBuilder b = new StringBuilder();
        for (char c : name.toCharArray()) {
            b.append(c < 0x20 || c == 0x7F ? String.format(Locale.ROOT, "\\u%04x", (int) c) : String.valueOf(c));
        }
        return b.toString();
    }

    private static byte[] readEntry(ZipInputStream zin, ZipEntry entry, long limit, int maxRatio,
                                    CountingInputStream counted, String source) throws IOException {
        String name = entry.getName();
        if (entry.getSize() > limit) {
            throw tooLarge(source, name, entry.getSize(), limit);
        }
        long compressedStart = counted.count();
        // the declared size is a hint, never trusted: the buffer starts small and grows with what really inflates
        long declared = entry.getSize();
        byte[] buf = new byte[(int) Math.min(limit, Math.max(16, Math.min(declared, INITIAL_ENTRY_BUFFER)))];
        int n = 0;
        while (true) {
            if (n == buf.length) {
                if (n >= limit) {
                    // one more byte would exceed the bound
                    if (zin.read() >= 0) {
                        throw tooLarge(source, name, -1, limit);
                    }
                    break;
                }
                long doubled = Math.max(16L, (long) buf.length * 2);
                // an honest declared size within the next doubling gives the exact final size (no trimming copy)
                long next = declared > n && declared <= doubled ? declared : doubled;
                buf = Arrays.copyOf(buf, (int) Math.min(limit, next));
            }
            int r = zin.read(buf, n, buf.length - n);
            if (r < 0) {
                break;
            }
            n += r;
            if (n > RATIO_GRACE_BYTES) {
                long compressed = Math.max(1, counted.count() - compressedStart);
                if (n > (long) maxRatio * compressed) {
                    throw new ModelLoadException(source + " entry '" + name + "' inflates more than " + maxRatio
                            + " times its compressed size (" + n + " bytes from about " + compressed
                            + "); refusing a possible zip bomb");
                }
            }
        }
        return n == buf.length ? buf : Arrays.copyOf(buf, n);
    }

    private static ModelLoadException tooLarge(String source, String name, long size, long limit) {
        return new ModelLoadException(source + " entry '" + name + "' is " + (size >= 0 ? size + " bytes, " : "")
                + "larger than the limit of " + limit + " bytes");
    }

    @Override
    public String toString() {
        return "ModelPackage[" + source + ", format " + pipeline.formatVersion() + ", " + labels.size() + " labels, model "
                + model.length + " bytes]";
    }

    /** Counts the compressed bytes the zip reader consumes; never closes the stream it wraps. */
    private static final class CountingInputStream extends FilterInputStream {
        private long count;

        CountingInputStream(InputStream in) {
            super(in);
        }

        long count() {
            return count;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int r = super.read(b, off, len);
            if (r > 0) {
                count += r;
            }
            return r;
        }

        @Override
        public long skip(long n) throws IOException {
            long s = super.skip(n);
            count += s;
            return s;
        }

        @Override
        public boolean markSupported() {
            return false;
        }

        /** The caller owns the underlying stream. */
        @Override
        public void close() {
        }
    }
}
