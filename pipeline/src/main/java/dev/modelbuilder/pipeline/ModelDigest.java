package dev.modelbuilder.pipeline;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.function.Consumer;
import java.util.zip.CRC32;

/**
 * A model file's CRC-32 (which a stored zip entry needs before its bytes) and SHA-256 (the name of its cached copy),
 * in one read.
 */
record ModelDigest(long crc32, String sha256) {

    static ModelDigest of(Path file) throws IOException {
        CRC32 crc = new CRC32();
        MessageDigest sha = newSha256();
        read(file, buf -> {
            crc.update(buf.duplicate());
            sha.update(buf);
        });
        return new ModelDigest(crc.getValue(), hex(sha));
    }

    /** @return the file's SHA-256 alone, in lower-case hexadecimal (a cached entry's check before every use) */
    static String sha256(Path file) throws IOException {
        MessageDigest sha = newSha256();
        read(file, sha::update);
        return hex(sha);
    }

    private static void read(Path file, Consumer<ByteBuffer> chunks) throws IOException {
        ByteBuffer buf = ByteBuffer.allocateDirect(1 << 20);
        try (FileChannel ch = FileChannel.open(file, StandardOpenOption.READ)) {
            while (ch.read(buf.clear()) >= 0) {
                chunks.accept(buf.flip());
            }
        }
    }

    static MessageDigest newSha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            // every Java platform must provide SHA-256 (java.security.MessageDigest's contract)
            throw new AssertionError(e);
        }
    }

    static String hex(MessageDigest sha) {
        return HexFormat.of().formatHex(sha.digest());
    }
}
