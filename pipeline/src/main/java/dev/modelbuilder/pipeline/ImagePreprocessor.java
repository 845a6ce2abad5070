package dev.modelbuilder.pipeline;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.FloatBuffer;
import java.nio.file.Path;
import java.util.Objects;

/**
 * Turns images into model input exactly as a {@link PreprocessingSpec} says: one implementation for training and
 * serving, matching Pillow + torchvision pixel for pixel.
 *
 * <pre>{@code
 * ImagePreprocessor pre = new ImagePreprocessor(PreprocessingSpec.resizeCrop(256, 224));
 * float[] chw = pre.toTensor(Path.of("rose.jpg"));            // 3 * 224 * 224 floats, planes R, G, B
 *
 * float[] batch = new float[8 * pre.spec().tensorSize()];     // or fill a batch yourself
 * pre.toTensor(pre.geometry(ImageDecoder.decode(file)), batch, 3 * pre.spec().tensorSize());
 * }</pre>
 *
 * <p>Immutable and thread-safe.
 */
public final class ImagePreprocessor {
    private final PreprocessingSpec spec;
    /** value of sample v in channel c: {@code lut[c * 256 + v]}, computed in float32 like torchvision. */
    private final float[] lut;

    /**
     * @param spec what to do
     * @throws NullPointerException if {@code spec} is null
     */
    public ImagePreprocessor(PreprocessingSpec spec) {
        this.spec = Objects.requireNonNull(spec, "spec");
        this.lut = new float[3 * 256];
        for (int c = 0; c < 3; c++) {
            float mean = spec.meanOf(c);
            float std = spec.stdOf(c);
            for (int v = 0; v < 256; v++) {
                float x = spec.scale() == PreprocessingSpec.PixelScale.RAW ? (float) v : (float) v / 255f;
                lut[c * 256 + v] = spec.normalize() ? (x - mean) / std : x;
            }
        }
    }

    /** @return the spec this preprocessor applies */
    public PreprocessingSpec spec() {
        return spec;
    }

    /**
     * Applies the geometry: resize (and centre-crop) to the spec's {@code width x height}.
     *
     * <p>{@link PreprocessingSpec.Geometry#SQUASH}: resize straight to the target size.
     * {@link PreprocessingSpec.Geometry#RESIZE_CROP}: the shorter side becomes {@code resizeShorterSide} and the
     * longer {@code floor(resizeShorterSide * long / short)}; the crop starts at
     * {@code round((resized - crop) / 2)} with halves rounded to even (Python's {@code round}). Only the cropped
     * pixels are computed; they equal those of a full resize followed by the crop.
     *
     * @param image the decoded image
     * @return an image of exactly {@code spec().width() x spec().height()}
     * @throws NullPointerException if {@code image} is null
     */
    public RgbImage geometry(RgbImage image) {
        Objects.requireNonNull(image, "image");
        int w = image.width();
        int h = image.height();
        if (spec.geometry() == PreprocessingSpec.Geometry.SQUASH) {
            return Resampler.resize(image, spec.width(), spec.height());
        }
        int shorter = spec.resizeShorterSide();
        int resizedW;
        int resizedH;
        if (w <= h) {
            resizedW = shorter;
            resizedH = (int) ((double) ((long) shorter * h) / w);
        } else {
            resizedH = shorter;
            resizedW = (int) ((double) ((long) shorter * w) / h);
        }
        int left = (int) Math.rint((resizedW - spec.width()) / 2.0);
        int top = (int) Math.rint((resizedH - spec.height()) / 2.0);
        return Resampler.resample(image, 0, 0, w, h, resizedW, resizedH, left, top, spec.width(), spec.height());
    }

    /**
     * Writes an image of the spec's size as float32 CHW (planes R, G, B): {@code x / 255} (or {@code x} for
     * {@link PreprocessingSpec.PixelScale#RAW}), then {@code (x - mean) / std} per channel when the spec normalizes.
     *
     * @param image an image of exactly {@code spec().width() x spec().height()} (see {@link #geometry})
     * @param dest where to write {@link PreprocessingSpec#tensorSize()} floats
     * @param offset the index of the first float in {@code dest}
     * @throws IllegalArgumentException if the image has another size
     * @throws IndexOutOfBoundsException if {@code dest} is too small
     * @throws NullPointerException if an argument is null
     */
    public void toTensor(RgbImage image, float[] dest, int offset) {
        checkSize(image);
        Objects.checkFromIndexSize(offset, spec.tensorSize(), Objects.requireNonNull(dest, "dest").length);
        byte[] px = image.data();
        int plane = spec.width() * spec.height();
        float[] t = lut;
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            dest[offset + i] = t[px[p] & 0xFF];
            dest[offset + plane + i] = t[256 + (px[p + 1] & 0xFF)];
            dest[offset + 2 * plane + i] = t[512 + (px[p + 2] & 0xFF)];
        }
    }

    /**
     * Like {@link #toTensor(RgbImage, float[], int)}, into a (direct) buffer at absolute positions: the buffer's
     * position and limit are not used or changed, so threads may fill disjoint regions of one buffer.
     *
     * @param image an image of exactly {@code spec().width() x spec().height()} (see {@link #geometry})
     * @param dest where to write {@link PreprocessingSpec#tensorSize()} floats
     * @param offset the index of the first float in {@code dest}
     * @throws IllegalArgumentException if the image has another size
     * @throws IndexOutOfBoundsException if {@code dest} is too small
     */
    public void toTensor(RgbImage image, FloatBuffer dest, int offset) {
        checkSize(image);
        Objects.checkFromIndexSize(offset, spec.tensorSize(), dest.capacity());
        byte[] px = image.data();
        int plane = spec.width() * spec.height();
        float[] t = lut;
        int g = offset + plane;
        int b = offset + 2 * plane;
        for (int i = 0, p = 0; i < plane; i++, p += 3) {
            dest.put(offset + i, t[px[p] & 0xFF]);
            dest.put(g + i, t[256 + (px[p + 1] & 0xFF)]);
            dest.put(b + i, t[512 + (px[p + 2] & 0xFF)]);
        }
    }

    private void checkSize(RgbImage image) {
        Objects.requireNonNull(image, "image");
        if (image.width() != spec.width() || image.height() != spec.height()) {
            throw new IllegalArgumentException("image is " + image.width() + "x" + image.height() + " but the spec needs "
                    + spec.width() + "x" + spec.height() + "; apply geometry(image) first");
        }
    }

    /**
     * Decodes, applies the geometry and converts to a tensor.
     *
     * @param file an image file
     * @return {@link PreprocessingSpec#tensorSize()} floats, CHW
     * @throws dev.modelbuilder.core.exception.ScoringException if the image cannot be decoded
     */
    public float[] toTensor(Path file) {
        return tensorOf(ImageDecoder.decode(file));
    }

    /**
     * @param encoded an encoded image
     * @return {@link PreprocessingSpec#tensorSize()} floats, CHW
     * @throws dev.modelbuilder.core.exception.ScoringException if the image cannot be decoded
     */
    public float[] toTensor(byte[] encoded) {
        return tensorOf(ImageDecoder.decode(encoded));
    }

    /**
     * @param in an encoded image, read to its end and not closed
     * @return {@link PreprocessingSpec#tensorSize()} floats, CHW
     * @throws dev.modelbuilder.core.exception.ScoringException if the image cannot be read or decoded
     */
    public float[] toTensor(InputStream in) {
        return tensorOf(ImageDecoder.decode(in));
    }

    /**
     * @param image an in-memory image (raw samples are used, see {@link ImageDecoder#decode(BufferedImage)})
     * @return {@link PreprocessingSpec#tensorSize()} floats, CHW
     * @throws dev.modelbuilder.core.exception.ScoringException if the colour model is not supported
     */
    public float[] toTensor(BufferedImage image) {
        return tensorOf(ImageDecoder.decode(image));
    }

    private float[] tensorOf(RgbImage decoded) {
        float[] out = new float[spec.tensorSize()];
        toTensor(geometry(decoded), out, 0);
        return out;
    }

    @Override
    public String toString() {
        return "ImagePreprocessor[" + spec + "]";
    }
}
