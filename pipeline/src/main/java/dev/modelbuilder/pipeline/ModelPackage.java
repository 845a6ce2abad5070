package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.FileAccessException;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.core.exception.ValidationException;

import java.io.BufferedOutputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

/**
 * MLModel.zip: a self-contained prediction pipeline (format documented in {@code docs/mlmodel-zip.md}).
 *
 * <pre>{@code
 * ModelPackage.write(Path.of("MLModel.zip"), Path.of("bestModel.onnx"),
 *         LabelMap.read(Path.of("bestModelMap.json")),
 *         PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
 *
 * ModelPackage pkg = ModelPackage.read(Path.of("MLModel.zip"));
 * pkg.labels().size();
 * try (PredictionEngine engine = PredictionEngine.builder().withModelPackage(pkg).build()) { ... } // scoring module
 * }</pre>
 *
 * <p>This class reads and writes the format only; it does not load the model. The scoring module's
 * {@code ModelVerifier} checks a model against its labels and pipeline with ONNX Runtime before it is packaged.
 *
 * <p>Members, at the archive's root: {@value #PIPELINE_ENTRY} ({@link PipelineSpec}), {@value #LABELS_ENTRY}
 * ({@link LabelMap}, the bestModelMap.json format), {@value #MODEL_DIGEST_ENTRY} (the model's SHA-256, since format
 * 1.1; optional) and {@value #MODEL_ENTRY} (the ONNX model). The reader streams the
 * archive and refuses, each with a {@link ModelLoadException} saying why: entry names that could escape a folder
 * ({@code ..} segments, absolute paths, backslashes, drive letters, control characters), entries larger than the
 * {@link Limits}, entries that inflate more than {@link Limits#maxCompressionRatio()} times their compressed size,
 * too many entries, a member given twice, a missing member, and a {@code formatVersion} of an unknown major version.
 * Other entries are skipped. Instances are immutable.
 */
public final class ModelPackage {
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(ModelPackage.class);
    /** The pipeline definition member. */
    public static final String PIPELINE_ENTRY = "pipeline.json";
    /** The ONNX model member. */
    public static final String MODEL_ENTRY = "model.onnx";
    /** The label map member. */
    public static final String LABELS_ENTRY = "labels.json";
    /** The member holding the model's SHA-256 (64 lower-case hexadecimal digits), written before the model. */
    public static final String MODEL_DIGEST_ENTRY = "model.sha256";

    /** The largest model a Java byte array holds: 2 GiB less 8 bytes. */
    static final long MAX_MODEL_BYTES = Integer.MAX_VALUE - 8;
    /** Entries smaller than this are not checked for their compression ratio. */
    static final long RATIO_GRACE_BYTES = 256 * 1024;
    /** The first buffer an entry is read into, whatever size it declares. */
    static final int INITIAL_ENTRY_BUFFER = 64 * 1024;
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

    private final PipelineSpec pipeline;
    private final LabelMap labels;
    /** The model's bytes, or null when the model is {@link #modelFile}. */
    private final ByteBuffer model;
    /** A verified copy of the model in a {@link ModelCache}, or null. */
    private final Path modelFile;
    private final long modelSize;
    private final String modelSha256;
    private final String source;

    private ModelPackage(PipelineSpec pipeline, LabelMap labels, ByteBuffer model, Path modelFile,
                         long modelSize, String modelSha256, String source) {
        this.pipeline = pipeline;
        this.labels = labels;
        this.model = model == null ? null : model.asReadOnlyBuffer();
        this.modelFile = modelFile;
        this.modelSize = modelSize;
        this.modelSha256 = modelSha256;
        this.source = source;
    }

    static ModelPackage of(PipelineSpec pipeline, LabelMap labels, ByteBuffer model, String modelSha256,
                           String source) {
        return new ModelPackage(pipeline, labels, model, null, model.remaining(), modelSha256, source);
    }

    static ModelPackage ofCachedModel(PipelineSpec pipeline, LabelMap labels, Path modelFile, long size,
                                      String modelSha256, String source) {
        return new ModelPackage(pipeline, labels, null, modelFile, size, modelSha256, source);
    }

    /** @return the pipeline definition */
    public PipelineSpec pipeline() {
        return pipeline;
    }

    /** @return the labels in class-index order */
    public LabelMap labels() {
        return labels;
    }

    /** @return the size of the ONNX model in bytes */
    public long modelSize() {
        return modelSize;
    }

    /** @return a copy of the ONNX model's bytes */
    public byte[] onnxModelBytes() {
        ByteBuffer b = modelBuffer();
        byte[] copy = new byte[b.remaining()];
        b.get(copy);
        return copy;
    }

    /**
     * The model without a copy, for a runtime that loads it. A model in a {@link ModelCache} is mapped from its
     * copy; a model stored uncompressed in a package read from a file is a read-only memory-mapped region of the
     * archive (a direct buffer: nothing is read into the heap); one read from a stream is mapped from an unlinked
     * temporary file; a deflated model (older archives) is a heap buffer.
     *
     * @return a read-only view of the ONNX model's bytes
     * @throws ModelLoadException if the cached copy can no longer be read
     */
    public ByteBuffer modelBuffer() {
        if (model != null) {
            return model.duplicate();
        }
        try (FileChannel ch = FileChannel.open(modelFile, StandardOpenOption.READ)) {
            return ch.map(FileChannel.MapMode.READ_ONLY, 0, modelSize);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the cached model " + modelFile + " of " + source + ": " + e.getMessage(), e);
        }
    }

    /**
     * The model as a file a runtime can load by path: a copy in the {@link ModelCache} the package was read with,
     * verified against the SHA-256 the package declares. Empty when the package was read without a cache, when the
     * archive declares no SHA-256 (archives written before format 1.1) or stores the model deflated, or when the
     * cache folder could not be written.
     *
     * @return the verified copy, if there is one
     */
    public Optional<Path> modelFile() {
        return Optional.ofNullable(modelFile);
    }

    /**
     * @return the model's SHA-256 in lower-case hexadecimal, as the archive's {@value #MODEL_DIGEST_ENTRY} member
     *     declares it (checked against the model whenever a cache copy is written), if the archive has one
     */
    public Optional<String> modelSha256() {
        return Optional.ofNullable(modelSha256);
    }

    /** @return where the package was read from, in words (a path, or "stream") */
    public String source() {
        return source;
    }

    /**
     * Writes the ONNX model to a file (e.g. to produce bestModel.onnx again).
     *
     * @param file the file to create or replace
     * @throws FileAccessException if it cannot be written
     */
    public void writeOnnxModel(Path file) {
        try (FileChannel out = FileChannel.open(Objects.requireNonNull(file, "file"), StandardOpenOption.CREATE,
                StandardOpenOption.TRUNCATE_EXISTING, StandardOpenOption.WRITE)) {
            ByteBuffer b = modelBuffer();
            while (b.hasRemaining()) {
                out.write(b);
            }
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot write " + file + ": " + e.getMessage(), e);
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
     * @throws FileAccessException if the archive cannot be written
     * @throws NullPointerException if an argument is null
     */
    public static void write(Path zip, Path onnxFile, LabelMap labels, PipelineSpec pipeline) {
        writeChecked(zip, onnxFile, labels, pipeline);
    }

    /**
     * @param pipeline a pipeline
     * @param labels the model's labels
     * @return the labels of {@code labelThresholds} that are not labels of the model, joined, or null when all are
     */
    static String unknownThresholdLabels(PipelineSpec pipeline, LabelMap labels) {
        List<String> unknown = pipeline.labelThresholds().keySet().stream()
                .filter(l -> !labels.labels().contains(l)).sorted().toList();
        return unknown.isEmpty() ? null : String.join(", ", unknown);
    }

    private static void writeChecked(Path zip, Path onnxFile, LabelMap labels, PipelineSpec pipeline) {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(onnxFile, "onnxFile");
        Objects.requireNonNull(labels, "labels");
        Objects.requireNonNull(pipeline, "pipeline");
        String unknown = unknownThresholdLabels(pipeline, labels);
        if (unknown != null) {
            throw new ValidationException("label thresholds", unknown, "name labels of the model " + labels.labels());
        }
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
        ModelDigest digest;
        try {
            digest = ModelDigest.of(onnxFile);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read ONNX model " + onnxFile + ": " + e.getMessage(), e);
        }
        try {
            // crash-safe: written beside the target, forced to the disk, renamed over it
            AtomicFiles.system().write(target, file -> {
                BufferedOutputStream buffered = new BufferedOutputStream(file, 1 << 16);
                @SuppressWarnings("resource") // finished, not closed: AtomicFiles closes the file
                ZipOutputStream out = new ZipOutputStream(buffered);
                out.setLevel(Deflater.DEFAULT_COMPRESSION);
                putEntry(out, PIPELINE_ENTRY, pipeline.toJson().getBytes(StandardCharsets.UTF_8));
                putEntry(out, LABELS_ENTRY, labels.toJson().getBytes(StandardCharsets.UTF_8));
                // before the model, so that a streaming reader knows which cached copy to look for
                putEntry(out, MODEL_DIGEST_ENTRY, (digest.sha256() + "\n").getBytes(StandardCharsets.US_ASCII));
                // stored, not deflated: float weights shrink by a few percent only, and a stored model is loaded
                // straight from the archive's bytes (memory-mapped) instead of being inflated on every start
                ZipEntry model = newEntry(MODEL_ENTRY);
                model.setMethod(ZipEntry.STORED);
                model.setSize(size);
                model.setCompressedSize(size);
                model.setCrc(digest.crc32());
                out.putNextEntry(model);
                Files.copy(onnxFile, out);
                out.closeEntry();
                out.finish();
                buffered.flush();
            });
        } catch (IOException e) {
            throw new FileAccessException(target, "cannot write MLModel.zip " + target + ": " + e.getMessage(), e);
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
        return read(zip, limits, null);
    }

    /**
     * Reads an MLModel.zip and gives its model as a verified file in a cache (see {@link #modelFile()}), which a
     * runtime loads faster and with less memory than bytes.
     *
     * @param zip the archive
     * @param limits the bounds to enforce
     * @param cache where to keep the model's copy, or null to map the model from the archive
     * @return the package
     * @throws ModelLoadException if the file is missing, unreadable, not a zip, unsafe, over a limit, incomplete or of
     *     an unknown major version, or if its model does not match its declared SHA-256. A cache that cannot take the
     *     model's copy (not private to this user, read-only, full) is skipped: the model is then mapped from the
     *     archive.
     */
    public static ModelPackage read(Path zip, Limits limits, ModelCache cache) {
        Objects.requireNonNull(zip, "zip");
        Objects.requireNonNull(limits, "limits");
        try (FileChannel ch = FileChannel.open(zip, StandardOpenOption.READ)) {
            try {
                return PackageReader.read(Channels.newInputStream(ch), limits, "MLModel.zip " + zip, ch, cache);
            } catch (CachedModels.CacheWriteFailed e) {
                LOG.warn("{}; reading {} without the model cache", e.getMessage(), zip);
                ch.position(0);
                return PackageReader.read(Channels.newInputStream(ch), limits, "MLModel.zip " + zip, ch, null);
            }
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
        return read(in, limits, null);
    }

    /**
     * Reads an MLModel.zip from a stream and gives its model as a verified file in a cache (see
     * {@link #modelFile()}); when the cache already holds the model, its bytes are only checked as they stream past.
     *
     * @param in the archive's bytes (read to the end of the archive, not closed)
     * @param limits the bounds to enforce
     * @param cache where to keep the model's copy, or null for an unlinked temporary file
     * @return the package
     * @throws ModelLoadException if the data is not a zip, unsafe, over a limit, incomplete or of an unknown major
     *     version, if its model does not match its declared SHA-256, or if a new copy cannot be completely written
     *     to the cache
     */
    public static ModelPackage read(InputStream in, Limits limits, ModelCache cache) {
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(limits, "limits");
        return PackageReader.read(in, limits, "MLModel.zip stream", null, cache);
    }

    /**
     * @param zipBytes the archive's bytes
     * @return the package
     * @throws ModelLoadException if the data is not a zip, unsafe, over a limit, incomplete or of an unknown major
     *     version
     */
    public static ModelPackage read(byte[] zipBytes) {
        Objects.requireNonNull(zipBytes, "zipBytes");
        return PackageReader.read(new ByteArrayInputStream(zipBytes), Limits.defaults(), "MLModel.zip data", null,
                null);
    }

    @Override
    public String toString() {
        return "ModelPackage[" + source + ", format " + pipeline.formatVersion() + ", " + labels.size() + " labels, model "
                + modelSize + " bytes" + (modelFile == null ? "" : " cached as " + modelFile) + "]";
    }
}
