package dev.modelbuilder.pipeline;

import java.util.Arrays;
import java.util.Objects;

/**
 * Pillow-compatible bilinear resizing: the pixels equal those of Pillow's {@code Image.resize(size,
 * Image.BILINEAR[, box])} (and so torchvision's {@code Resize} on PIL images) exactly.
 *
 * <pre>{@code
 * RgbImage small = Resampler.resize(image, 224, 224);
 * RgbImage zoomed = Resampler.resize(image, new float[] {10f, 20f, 110f, 120f}, 224, 224); // region 100x100
 * }</pre>
 *
 * <p>The algorithm is the two-pass separable convolution Pillow uses: a triangle filter (support 1) whose support
 * is widened by the scale factor when shrinking, so every source pixel contributes (antialiasing). Per axis, each
 * output pixel gets a window of source pixels and normalized weights; the weights are converted to 22-bit fixed
 * point, the weighted sum starts at one half (for rounding), and the result is shifted back and clamped to 0-255.
 * The horizontal pass runs first, over just the source rows the vertical pass needs; an axis whose size and
 * region are unchanged is not resampled at all. Stateless and thread-safe.
 */
public final class Resampler {
    /** Fixed-point fraction bits: 32-bit accumulators minus 8 bits of sample and 2 bits of headroom. */
    private static final int PRECISION_BITS = 32 - 8 - 2;
    private static final int HALF = 1 << (PRECISION_BITS - 1);

    private Resampler() {
    }

    /**
     * Resizes the whole image.
     *
     * @param image the source
     * @param width target width, at least 1
     * @param height target height, at least 1
     * @return the resized image (the source itself when the size does not change)
     * @throws IllegalArgumentException if a target size is not positive
     * @throws NullPointerException if {@code image} is null
     */
    public static RgbImage resize(RgbImage image, int width, int height) {
        Objects.requireNonNull(image, "image");
        checkTarget(width, height);
        return resample(image, 0, 0, image.width(), image.height(), width, height, 0, 0, width, height);
    }

    /**
     * Resizes a region of the image (Pillow's {@code resize(size, BILINEAR, box)}), e.g. for random-resized-crop
     * augmentation. The region may have fractional edges.
     *
     * @param image the source
     * @param box the source region {@code {x0, y0, x1, y1}} in pixels: {@code 0 <= x0 < x1 <= width},
     *     {@code 0 <= y0 < y1 <= height}
     * @param width target width, at least 1
     * @param height target height, at least 1
     * @return the resized region
     * @throws IllegalArgumentException if the box is not 4 finite values inside the image with a positive area, or
     *     a target size is not positive
     * @throws NullPointerException if an argument is null
     */
    public static RgbImage resize(RgbImage image, float[] box, int width, int height) {
        Objects.requireNonNull(image, "image");
        Objects.requireNonNull(box, "box");
        checkTarget(width, height);
        if (box.length != 4) {
            throw new IllegalArgumentException("box must hold 4 values {x0, y0, x1, y1}, got " + box.length);
        }
        for (float v : box) {
            if (!Float.isFinite(v)) {
                throw new IllegalArgumentException("box values must be finite: " + Arrays.toString(box));
            }
        }
        if (box[0] < 0 || box[1] < 0 || box[2] > image.width() || box[3] > image.height()
                || box[2] <= box[0] || box[3] <= box[1]) {
            throw new IllegalArgumentException("box " + Arrays.toString(box) + " must be a non-empty region inside the "
                    + image.width() + "x" + image.height() + " image");
        }
        return resample(image, box[0], box[1], box[2], box[3], width, height, 0, 0, width, height);
    }

    private static void checkTarget(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("target size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("target size " + width + "x" + height + " is too large");
        }
    }

    /**
     * Resizes the box of {@code image} to {@code outW x outH} and returns only the output rectangle
     * {@code (cx, cy, cw, ch)}: identical to resizing fully and cropping, without computing the cut-away pixels.
     */
    static RgbImage resample(RgbImage image, double bx0, double by0, double bx1, double by1, int outW, int outH,
                             int cx, int cy, int cw, int ch) {
        int inW = image.width();
        int inH = image.height();
        boolean needHorizontal = outW != inW || bx0 != 0 || bx1 != outW;
        boolean needVertical = outH != inH || by0 != 0 || by1 != outH;
        if (!needHorizontal && !needVertical) {
            return image.crop(cx, cy, cw, ch);
        }
        byte[] in = image.data();
        byte[] out = new byte[cw * ch * 3];
        if (!needVertical) {
            // rows map one to one
            Coefficients horizontal = Coefficients.of(inW, bx0, bx1, outW);
            horizontalPass(in, inW, cy, ch, horizontal, cx, cw, out);
        } else if (!needHorizontal) {
            // columns map one to one
            Coefficients vertical = Coefficients.of(inH, by0, by1, outH);
            verticalPass(in, inW, cx, cw, vertical, cy, ch, 0, out);
        } else {
            Coefficients horizontal = Coefficients.of(inW, bx0, bx1, outW);
            Coefficients vertical = Coefficients.of(inH, by0, by1, outH);
            int firstRow = vertical.bounds[2 * cy];
            int lastRow = vertical.bounds[2 * (cy + ch - 1)] + vertical.bounds[2 * (cy + ch - 1) + 1];
            byte[] temp = new byte[cw * (lastRow - firstRow) * 3];
            horizontalPass(in, inW, firstRow, lastRow - firstRow, horizontal, cx, cw, temp);
            verticalPass(temp, cw, 0, cw, vertical, cy, ch, firstRow, out);
        }
        return RgbImage.wrap(cw, ch, out);
    }

    /** Output columns {@code [cx, cx + cw)} for source rows {@code [firstRow, firstRow + rows)}. */
    private static void horizontalPass(byte[] in, int inW, int firstRow, int rows, Coefficients c, int cx, int cw,
                                       byte[] out) {
        final int[] bounds = c.bounds;
        final int[] weights = c.weights;
        final int size = c.size;
        int o = 0;
        for (int y = 0; y < rows; y++) {
            int rowBase = (firstRow + y) * inW * 3;
            for (int xx = cx; xx < cx + cw; xx++) {
                int min = bounds[2 * xx];
                int count = bounds[2 * xx + 1];
                int k = xx * size;
                int r = HALF;
                int g = HALF;
                int b = HALF;
                int p = rowBase + min * 3;
                for (int i = 0; i < count; i++, p += 3) {
                    int w = weights[k + i];
                    r += (in[p] & 0xFF) * w;
                    g += (in[p + 1] & 0xFF) * w;
                    b += (in[p + 2] & 0xFF) * w;
                }
                out[o++] = clip8(r);
                out[o++] = clip8(g);
                out[o++] = clip8(b);
            }
        }
    }

    /**
     * Output rows {@code [cy, cy + ch)} for input columns {@code [colStart, colStart + cols)}; the input's row 0 is
     * source row {@code rowShift}.
     */
    private static void verticalPass(byte[] in, int inW, int colStart, int cols, Coefficients c, int cy, int ch,
                                     int rowShift, byte[] out) {
        final int[] bounds = c.bounds;
        final int[] weights = c.weights;
        final int size = c.size;
        final int stride = inW * 3;
        final int rowLength = cols * 3;
        // row by row: the same sums as pixel by pixel, in an order the CPU caches (and may vectorize) well
        int[] sums = new int[rowLength];
        int o = 0;
        for (int yy = cy; yy < cy + ch; yy++) {
            int min = bounds[2 * yy] - rowShift;
            int count = bounds[2 * yy + 1];
            int k = yy * size;
            Arrays.fill(sums, HALF);
            for (int i = 0; i < count; i++) {
                int w = weights[k + i];
                int base = (min + i) * stride + colStart * 3;
                for (int j = 0; j < rowLength; j++) {
                    sums[j] += (in[base + j] & 0xFF) * w;
                }
            }
            for (int j = 0; j < rowLength; j++) {
                out[o++] = clip8(sums[j]);
            }
        }
    }

    private static byte clip8(int sum) {
        int v = sum >> PRECISION_BITS;
        return (byte) (v < 0 ? 0 : Math.min(v, 255));
    }

    /** Per-axis filter windows: for output pixel i, {@code count = bounds[2i+1]} taps from {@code bounds[2i]}. */
    private static final class Coefficients {
        final int size;
        final int[] bounds;
        final int[] weights;

        private Coefficients(int size, int[] bounds, int[] weights) {
            this.size = size;
            this.bounds = bounds;
            this.weights = weights;
        }

        static Coefficients of(int inSize, double in0, double in1, int outSize) {
            double scale = (in1 - in0) / outSize;
            double filterScale = Math.max(scale, 1.0);
            double support = 1.0 * filterScale; // the triangle filter's support is 1
            int size = (int) Math.ceil(support) * 2 + 1;
            int[] bounds = new int[outSize * 2];
            int[] weights = new int[outSize * size];
            double[] k = new double[size];
            double inverse = 1.0 / filterScale;
            for (int xx = 0; xx < outSize; xx++) {
                double center = in0 + (xx + 0.5) * scale;
                int min = (int) (center - support + 0.5);
                if (min < 0) {
                    min = 0;
                }
                int max = (int) (center + support + 0.5);
                if (max > inSize) {
                    max = inSize;
                }
                int count = max - min;
                double total = 0.0;
                for (int x = 0; x < count; x++) {
                    double w = triangle((x + min - center + 0.5) * inverse);
                    k[x] = w;
                    total += w;
                }
                for (int x = 0; x < count; x++) {
                    double w = total != 0.0 ? k[x] / total : k[x];
                    weights[xx * size + x] = toFixed(w);
                }
                bounds[2 * xx] = min;
                bounds[2 * xx + 1] = count;
            }
            return new Coefficients(size, bounds, weights);
        }

        private static double triangle(double x) {
            double a = x < 0.0 ? -x : x;
            return a < 1.0 ? 1.0 - a : 0.0;
        }

        private static int toFixed(double w) {
            double scaled = w * (1 << PRECISION_BITS);
            return (int) (w < 0 ? scaled - 0.5 : scaled + 0.5);
        }
    }
}
