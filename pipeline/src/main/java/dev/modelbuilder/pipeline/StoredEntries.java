package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ModelLoadException;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;

/**
 * Finds a stored (uncompressed) entry's bytes inside a zip file through its central directory and maps them, so that
 * a model is handed to the runtime straight from the archive. Everything read is bounds-checked against the file and
 * cross-checked against what the streaming reader already verified (the entry's size and CRC).
 */
final class StoredEntries {
    private static final int EOCD_SIGNATURE = 0x06054b50;
    private static final int CEN_SIGNATURE = 0x02014b50;
    private static final int LOC_SIGNATURE = 0x04034b50;
    private static final int EOCD_SIZE = 22;
    private static final int MAX_COMMENT = 0xFFFF;

    private StoredEntries() {
    }

    /**
     * @param file the archive
     * @param name the entry
     * @param size the entry's size as the streaming reader counted it
     * @param source the archive in words, for errors
     * @return a read-only mapped buffer over the entry's bytes
     * @throws ModelLoadException if the central directory does not describe exactly one stored entry of that name and
     *     size inside the file
     */
    static ByteBuffer map(FileChannel file, String name, long size, String source) {
        try {
            long fileSize = file.size();
            ByteBuffer tail = read(file, Math.max(0, fileSize - EOCD_SIZE - MAX_COMMENT),
                    (int) Math.min(fileSize, EOCD_SIZE + MAX_COMMENT));
            int eocd = -1;
            for (int i = tail.limit() - EOCD_SIZE; i >= 0; i--) {
                if (tail.getInt(i) == EOCD_SIGNATURE) {
                    eocd = i;
                    break;
                }
            }
            if (eocd < 0) {
                throw invalid(source, "it has no end-of-central-directory record");
            }
            int entries = Short.toUnsignedInt(tail.getShort(eocd + 10));
            long cdSize = Integer.toUnsignedLong(tail.getInt(eocd + 12));
            long cdOffset = Integer.toUnsignedLong(tail.getInt(eocd + 16));
            if (cdOffset + cdSize > fileSize || cdSize > Integer.MAX_VALUE) {
                throw invalid(source, "its central directory lies outside the file");
            }
            ByteBuffer cd = read(file, cdOffset, (int) cdSize);
            byte[] wanted = name.getBytes(StandardCharsets.UTF_8);
            long found = -1;
            int pos = 0;
            for (int e = 0; e < entries; e++) {
                if (pos + 46 > cd.limit() || cd.getInt(pos) != CEN_SIGNATURE) {
                    throw invalid(source, "its central directory is malformed");
                }
                int method = Short.toUnsignedInt(cd.getShort(pos + 10));
                long csize = Integer.toUnsignedLong(cd.getInt(pos + 20));
                long usize = Integer.toUnsignedLong(cd.getInt(pos + 24));
                int nameLen = Short.toUnsignedInt(cd.getShort(pos + 28));
                int extraLen = Short.toUnsignedInt(cd.getShort(pos + 30));
                int commentLen = Short.toUnsignedInt(cd.getShort(pos + 32));
                long local = Integer.toUnsignedLong(cd.getInt(pos + 42));
                if (pos + 46 + nameLen > cd.limit()) {
                    throw invalid(source, "its central directory is malformed");
                }
                if (nameLen == wanted.length && cd.slice(pos + 46, nameLen).equals(ByteBuffer.wrap(wanted))) {
                    if (found >= 0 || method != 0 || csize != size || usize != size) {
                        throw invalid(source, "its central directory does not match entry '" + name + "'");
                    }
                    found = local;
                }
                pos += 46 + nameLen + extraLen + commentLen;
            }
            if (found < 0 || found + 30 > fileSize) {
                throw invalid(source, "its central directory does not list entry '" + name + "'");
            }
            ByteBuffer loc = read(file, found, 30);
            if (loc.getInt(0) != LOC_SIGNATURE || Short.toUnsignedInt(loc.getShort(8)) != 0) {
                throw invalid(source, "the local header of '" + name + "' does not match its central directory");
            }
            long dataStart = found + 30 + Short.toUnsignedInt(loc.getShort(26)) + Short.toUnsignedInt(loc.getShort(28));
            ByteBuffer localName = read(file, found + 30, Short.toUnsignedInt(loc.getShort(26)));
            if (!localName.equals(ByteBuffer.wrap(wanted)) || dataStart + size > fileSize) {
                throw invalid(source, "the local header of '" + name + "' does not match its central directory");
            }
            return file.map(FileChannel.MapMode.READ_ONLY, dataStart, size);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read " + source + ": " + e.getMessage(), e);
        }
    }

    private static ByteBuffer read(FileChannel file, long offset, int length) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(length).order(ByteOrder.LITTLE_ENDIAN);
        while (b.hasRemaining()) {
            if (file.read(b, offset + b.position()) < 0) {
                throw new IOException("unexpected end of file");
            }
        }
        return b.flip().order(ByteOrder.LITTLE_ENDIAN);
    }

    private static ModelLoadException invalid(String source, String why) {
        return new ModelLoadException(source + " is not a valid zip archive: " + why);
    }
}
