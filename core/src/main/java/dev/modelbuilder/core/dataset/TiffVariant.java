package dev.modelbuilder.core.dataset;

import java.util.Arrays;

/**
 * The TIFF variants the scoring pipeline decodes exactly as Pillow 9.4 does (each was compared with Pillow on
 * fixtures), and a message naming any other variant. Shared by the dataset probe and, through it, the decoder, so
 * that training accepts what scoring accepts.
 */
final class TiffVariant {
    private TiffVariant() {
    }

    /**
     * @return null when the variant is supported, else a message naming it
     */
    static String unsupported(long photometric, long samples, long[] bits, long compression, long predictor,
            long sampleFormat) {
        String compressionName = compressionName(compression);
        if (compressionName == null) {
            return "TIFF compression " + compression + " (" + knownCompression(compression) + ") is not supported "
                    + "(supported: none, LZW, deflate, PackBits, JPEG): convert it to PNG";
        }
        if (predictor != 1 && predictor != 2) {
            return "TIFF predictor " + predictor + (predictor == 3 ? " (floating point)" : "")
                    + " is not supported: convert it to PNG";
        }
        if (sampleFormat != 1) {
            return "TIFF with " + (sampleFormat == 3 ? "floating-point" : sampleFormat == 2 ? "signed integer"
                    : "sample format " + sampleFormat) + " samples is not supported: convert it to PNG";
        }
        int depth = bits.length == 0 ? 1 : (int) bits[0];
        for (long b : bits) {
            if (b != depth) {
                return "TIFF with different bit depths per sample " + Arrays.toString(bits)
                        + " is not supported: convert it to PNG";
            }
        }
        boolean ok = switch ((int) photometric) {
            case 1 -> (samples == 1 && (depth == 1 || depth == 8 || depth == 16)) || (samples == 2 && depth == 8);
            case 2 -> (samples == 3 || samples == 4) && depth == 8;
            case 3 -> samples == 1 && depth == 8;
            case 5 -> samples == 4 && depth == 8;
            case 6 -> compression == 7 && samples == 3 && depth == 8;
            default -> false;
        };
        if (ok) {
            return null;
        }
        return "TIFF with " + photometricName(photometric) + ", " + samples + " sample" + (samples == 1 ? "" : "s")
                + " of " + depth + " bit" + (depth == 1 ? "" : "s") + ", " + compressionName
                + " compression is not supported (supported: 1-, 8- and 16-bit grey, 8-bit grey with alpha, RGB, RGBA, "
                + "palette and CMYK): convert it to PNG";
    }

    private static String compressionName(long c) {
        return switch ((int) c) {
            case 1 -> "no";
            case 5 -> "LZW";
            case 7 -> "JPEG";
            case 8, 32946 -> "deflate";
            case 32773 -> "PackBits";
            default -> null;
        };
    }

    private static String knownCompression(long c) {
        return switch ((int) c) {
            case 2 -> "CCITT modified Huffman";
            case 3 -> "CCITT Group 3 fax";
            case 4 -> "CCITT Group 4 fax";
            case 6 -> "old-style JPEG";
            case 34712 -> "JPEG 2000";
            case 34887, 34925 -> "LZMA";
            case 50000 -> "Zstandard";
            case 50001 -> "WebP";
            default -> "unknown";
        };
    }

    private static String photometricName(long p) {
        return switch ((int) p) {
            case 0 -> "photometric WhiteIsZero";
            case 1 -> "grey (BlackIsZero)";
            case 2 -> "RGB";
            case 3 -> "palette";
            case 4 -> "a transparency mask";
            case 5 -> "separated (CMYK)";
            case 6 -> "YCbCr";
            case 8 -> "CIE L*a*b*";
            case -1 -> "no photometric interpretation";
            default -> "photometric interpretation " + p;
        };
    }
}
