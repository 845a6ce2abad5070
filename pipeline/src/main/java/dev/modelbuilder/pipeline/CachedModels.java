package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ModelLoadException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.zip.ZipEntry;
import java.util.zip.ZipInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The reader's side of {@link ModelCache}: a stored model entry becomes a verified cached copy. */
final class CachedModels {
    private static final Logger LOG = LoggerFactory.getLogger(CachedModels.class);

    private CachedModels() {
    }

    /**
     * @param data the {@value ModelPackage#MODEL_DIGEST_ENTRY} member
     * @return the digest
     * @throws ModelLoadException if it is not one SHA-256 in hexadecimal
     */
    static String parseDigest(byte[] data, String source) {
        String text = new String(data, StandardCharsets.US_ASCII).strip();
        if (!ModelCache.isSha256(text)) {
            throw new ModelLoadException(source + " member " + ModelPackage.MODEL_DIGEST_ENTRY + " is not a SHA-256 "
                    + "(64 lower-case hexadecimal digits); the archive is damaged: package the model again");
        }
        return text;
    }

    /**
     * Consumes the stored model entry the stream is at and returns its verified cached copy: the existing one when
     * its size matches the entry and its content still has the declared SHA-256 (the entry's bytes are then only
     * checked against its CRC as they stream past), else a new one written from the entry and checked against the
     * declared SHA-256.
     *
     * @return the copy, or null when the cache folder is not used, cannot be written or lacks room for the model (the
     *     entry is then left unread)
     * @throws ModelLoadException if the model does not match the declared SHA-256, is over the limit, or a new copy
     *     cannot be completely written
     * @throws IOException if the archive cannot be read (a CRC mismatch included)
     */
    static Path resolve(ZipInputStream zin, ZipEntry entry, long limit, ModelCache cache, String sha256,
                        String source) throws IOException {
        String name = entry.getName();
        if (entry.getSize() > limit) {
            throw PackageReader.tooLarge(source, name, entry.getSize(), limit);
        }
        Optional<Path> existing = cache.find(sha256, entry.getSize());
        if (existing.isPresent()) {
            byte[] scratch = new byte[1 << 16];
            // to the end: the zip reader compares the bytes with the entry's CRC and size there
            while (zin.read(scratch) >= 0) {
                // only checked
            }
            return existing.get();
        }
        Path partial;
        try {
            partial = cache.newPartial(sha256, entry.getSize());
        } catch (IOException e) {
            if (cache.isUsable()) {
                LOG.warn("cannot write to the model cache {} ({}); the model is read without it", cache.directory(),
                        e.getMessage());
            }
            return null;
        }
        try {
            String actual = copy(zin, partial, limit, source, name, cache);
            if (!actual.equals(sha256)) {
                throw new ModelLoadException(source + " member " + name + " does not match the SHA-256 in "
                        + ModelPackage.MODEL_DIGEST_ENTRY + " (declared " + sha256 + ", actual " + actual
                        + "); the archive is damaged or was altered: package the model again");
            }
            try {
                return cache.commit(partial, sha256);
            } catch (IOException e) {
                throw cannotWrite(cache, e);
            }
        } finally {
            Files.deleteIfExists(partial);
        }
    }

    /** Copies the entry into the partial file, bounded by the limit; returns the SHA-256 of what was copied. */
    private static String copy(ZipInputStream zin, Path partial, long limit, String source, String name,
                               ModelCache cache) throws IOException {
        MessageDigest sha = ModelDigest.newSha256();
        byte[] scratch = new byte[1 << 16];
        ByteBuffer wrap = ByteBuffer.wrap(scratch);
        long n = 0;
        java.nio.channels.WritableByteChannel out;
        try {
            out = cache.openPartial(partial);
        } catch (IOException e) {
            throw cannotWrite(cache, e);
        }
        try (out) {
            int r;
            while ((r = zin.read(scratch)) >= 0) {
                n += r;
                if (n > limit) {
                    throw PackageReader.tooLarge(source, name, -1, limit);
                }
                sha.update(scratch, 0, r);
                wrap.clear().limit(r);
                try {
                    while (wrap.hasRemaining()) {
                        out.write(wrap);
                    }
                } catch (IOException e) {
                    throw cannotWrite(cache, e);
                }
            }
        }
        return ModelDigest.hex(sha);
    }

    /** Writing a new copy failed part-way (a disk that filled up meanwhile); a reader that can start again may. */
    static final class CacheWriteFailed extends ModelLoadException {
        private static final long serialVersionUID = 1L;

        CacheWriteFailed(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private static ModelLoadException cannotWrite(ModelCache cache, IOException e) {
        return new CacheWriteFailed("cannot write the model's copy into the model cache " + cache.directory() + ": "
                + e + "; free space there, point the cache elsewhere (" + ModelCache.CACHE_DIR.howToSet()
                + "), or read the package without a cache", e);
    }
}
