package dev.modelbuilder.pipeline;

import java.util.zip.CRC32;

/**
 * Makes altered bytes keep their CRC-32 by rewriting four other bytes, as an attacker can: CRC-32 is affine over GF(2),
 * so the change of each of those 32 bits to the checksum is fixed, and a 32x32 linear system says which to flip.
 */
final class Crc32Forgery {
    private Crc32Forgery() {
    }

    /**
     * @param data the altered bytes, changed in place at {@code offset .. offset + 3}
     * @param offset where the four free bytes are (outside the alteration)
     * @param original the bytes whose CRC-32 {@code data} must get
     */
    static void restore(byte[] data, int offset, byte[] original) {
        long target = crc(original);
        long[] effect = new long[32];
        long base = crc(data);
        for (int bit = 0; bit < 32; bit++) {
            data[offset + bit / 8] ^= (byte) (1 << (bit % 8));
            effect[bit] = crc(data) ^ base;
            data[offset + bit / 8] ^= (byte) (1 << (bit % 8));
        }
        long want = base ^ target;
        // Gaussian elimination: find bits whose effects XOR to 'want'
        long[] rows = effect.clone();
        long[] combo = new long[32];
        for (int i = 0; i < 32; i++) {
            combo[i] = 1L << i;
        }
        int rank = 0;
        for (int col = 0; col < 32 && rank < 32; col++) {
            int pivot = -1;
            for (int r = rank; r < 32; r++) {
                if ((rows[r] >>> col & 1) == 1) {
                    pivot = r;
                    break;
                }
            }
            if (pivot < 0) {
                continue;
            }
            long t = rows[pivot];
            rows[pivot] = rows[rank];
            rows[rank] = t;
            t = combo[pivot];
            combo[pivot] = combo[rank];
            combo[rank] = t;
            for (int r = 0; r < 32; r++) {
                if (r != rank && (rows[r] >>> col & 1) == 1) {
                    rows[r] ^= rows[rank];
                    combo[r] ^= combo[rank];
                }
            }
            rank++;
        }
        long flips = 0;
        long rest = want;
        for (int r = 0; r < rank; r++) {
            int col = Long.numberOfTrailingZeros(rows[r]);
            if ((rest >>> col & 1) == 1) {
                rest ^= rows[r];
                flips ^= combo[r];
            }
        }
        if (rest != 0) {
            throw new IllegalStateException("these four bytes cannot restore the CRC-32");
        }
        for (int bit = 0; bit < 32; bit++) {
            if ((flips >>> bit & 1) == 1) {
                data[offset + bit / 8] ^= (byte) (1 << (bit % 8));
            }
        }
    }

    private static long crc(byte[] data) {
        CRC32 c = new CRC32();
        c.update(data);
        return c.getValue();
    }
}
