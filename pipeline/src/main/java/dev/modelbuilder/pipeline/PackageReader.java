package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ModelLoadException;

import java.io.BufferedInputStream;
import java.io.ByteArrayInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipInputStream;

/**
 * The bounded, hostile-input-proof MLModel.zip reader behind {@link ModelPackage#read}: streams the archive, refuses
 * unsafe names, oversized or over-compressed entries, duplicates and missing members, and never allocates what an
 * entry only declares.
 */
final class PackageReader {
    private static final Pattern DRIVE = Pattern.compile("^[A-Za-z]:.*");

    private PackageReader() {
    }

    /**
     * Streams the archive and checks every entry. With {@code file} given (the channel the stream reads), a stored
     * model is checked (size, CRC) while it streams past and then mapped from the file, not copied. With a
     * {@code cache} and a declared SHA-256 ahead of a stored model, the model is given as a verified cached copy
     * instead (see {@link ModelCache}).
     */
    static ModelPackage read(InputStream raw, ModelPackage.Limits limits, String source, FileChannel file,
                             ModelCache cache) {
        CountingInputStream counted = new CountingInputStream(
                raw instanceof BufferedInputStream || raw instanceof ByteArrayInputStream
                        ? raw : new BufferedInputStream(raw, 1 << 16));
        byte[] pipelineBytes = null;
        byte[] labelBytes = null;
        ByteBuffer modelBytes = null;
        long storedModelSize = -1;
        String declaredSha = null;
        Path cachedModel = null;
        long cachedSize = -1;
        PipelineSpec pipeline = null;
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
                boolean isModel = ModelPackage.MODEL_ENTRY.equals(name);
                long limit = isModel ? limits.maxModelBytes() : limits.maxJsonBytes();
                if (isModel && cache != null && declaredSha != null && entry.getMethod() == ZipEntry.STORED
                        && entry.getSize() >= 0) {
                    cachedModel = CachedModels.resolve(zin, entry, limit, cache, declaredSha, source);
                    if (cachedModel != null) {
                        cachedSize = entry.getSize();
                        modelBytes = ByteBuffer.allocate(0);
                        continue;
                    }
                }
                if (isModel && file != null && entry.getMethod() == ZipEntry.STORED) {
                    storedModelSize = drainEntry(zin, limit, source, name);
                    modelBytes = ByteBuffer.allocate(0);
                    continue;
                }
                if (isModel && file == null && entry.getMethod() == ZipEntry.STORED && entry.getSize() >= 0) {
                    modelBytes = readStoredViaFile(zin, limit, source, name);
                    continue;
                }
                byte[] data = readEntry(zin, entry, limit, limits.maxCompressionRatio(), counted, source);
                switch (name) {
                    case ModelPackage.PIPELINE_ENTRY -> {
                        pipelineBytes = data;
                        // version first, so that a package from a newer SDK fails before the model is inflated
                        pipeline = PipelineSpec.parse(new String(data, StandardCharsets.UTF_8),
                                source + " member " + ModelPackage.PIPELINE_ENTRY);
                    }
                    case ModelPackage.LABELS_ENTRY -> labelBytes = data;
                    case ModelPackage.MODEL_DIGEST_ENTRY -> declaredSha = CachedModels.parseDigest(data, source);
                    case ModelPackage.MODEL_ENTRY -> modelBytes = ByteBuffer.wrap(data);
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
        requireMember(pipelineBytes, ModelPackage.PIPELINE_ENTRY, source);
        requireMember(labelBytes, ModelPackage.LABELS_ENTRY, source);
        requireMember(modelBytes, ModelPackage.MODEL_ENTRY, source);
        LabelMap labels = LabelMap.parse(new String(labelBytes, StandardCharsets.UTF_8),
                source + " member " + ModelPackage.LABELS_ENTRY);
        String unknown = ModelPackage.unknownThresholdLabels(pipeline, labels);
        if (unknown != null) {
            throw new ModelLoadException(source + " member " + ModelPackage.PIPELINE_ENTRY + ": labelThresholds names "
                    + unknown + ", not labels of the model " + labels.labels() + " (package the model again)");
        }
        if (cachedModel != null) {
            return ModelPackage.ofCachedModel(pipeline, labels, cachedModel, cachedSize, declaredSha, source);
        }
        if (storedModelSize >= 0) {
            modelBytes = StoredEntries.map(file, ModelPackage.MODEL_ENTRY, storedModelSize, source);
        }
        if (modelBytes.remaining() == 0) {
            throw new ModelLoadException(source + " member " + ModelPackage.MODEL_ENTRY + " is empty");
        }
        return ModelPackage.of(pipeline, labels, modelBytes, declaredSha, source);
    }

    private static void requireMember(Object data, String member, String source) {
        if (data == null) {
            throw new ModelLoadException(source + " is missing the member '" + member + "'; a package holds "
                    + ModelPackage.PIPELINE_ENTRY + ", " + ModelPackage.LABELS_ENTRY + " and "
                    + ModelPackage.MODEL_ENTRY);
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
        byte[] buf = new byte[(int) Math.min(limit, Math.max(16, Math.min(declared, ModelPackage.INITIAL_ENTRY_BUFFER)))];
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
            if (n > ModelPackage.RATIO_GRACE_BYTES) {
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

    /** Reads a stored entry to its end, checking its size bound (the zip reader checks its CRC); keeps nothing. */
    private static long drainEntry(ZipInputStream zin, long limit, String source, String name) throws IOException {
        byte[] scratch = new byte[1 << 16];
        long n = 0;
        int r;
        while ((r = zin.read(scratch)) >= 0) {
            n += r;
            if (n > limit) {
                throw tooLarge(source, name, -1, limit);
            }
        }
        return n;
    }

    /**
     * Reads a stored model from a stream into an unlinked temporary file and maps it: the runtime gets a direct buffer
     * without the model ever sitting in the Java heap (nothing is allocated for what the entry only declares; the
     * file is removed when the mapping goes).
     */
    private static ByteBuffer readStoredViaFile(ZipInputStream zin, long limit, String source, String name)
            throws IOException {
        Path temp = Files.createTempFile("modelbuilder-model-", ".onnx");
        try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.READ, StandardOpenOption.WRITE,
                StandardOpenOption.DELETE_ON_CLOSE)) {
            byte[] scratch = new byte[1 << 16];
            ByteBuffer wrap = ByteBuffer.wrap(scratch);
            long n = 0;
            int r;
            while ((r = zin.read(scratch)) >= 0) {
                n += r;
                if (n > limit) {
                    throw tooLarge(source, name, -1, limit);
                }
                wrap.clear().limit(r);
                while (wrap.hasRemaining()) {
                    ch.write(wrap);
                }
            }
            return n == 0 ? ByteBuffer.allocate(0) : ch.map(FileChannel.MapMode.READ_ONLY, 0, n);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    static ModelLoadException tooLarge(String source, String name, long size, long limit) {
        return new ModelLoadException(source + " entry '" + name + "' is " + (size >= 0 ? size + " bytes, " : "")
                + "larger than the limit of " + limit + " bytes");
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
