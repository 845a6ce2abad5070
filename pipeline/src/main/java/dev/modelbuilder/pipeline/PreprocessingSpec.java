package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ValidationException;

import java.util.Arrays;
import java.util.Locale;
import java.util.Objects;

/**
 * How an image becomes the model's input tensor: geometry, size and value normalization. Recorded in
 * {@code pipeline.json} so that scoring repeats exactly what training did.
 *
 * <pre>{@code
 * PreprocessingSpec azure = PreprocessingSpec.resizeCrop(256, 224);   // Azure AutoML image models
 * PreprocessingSpec squash = PreprocessingSpec.squash(224).withoutNormalization();
 * ImagePreprocessor pre = new ImagePreprocessor(azure);
 * }</pre>
 *
 * <p>Steps, all shared by training and scoring through {@link ImagePreprocessor}:
 * <ol>
 *   <li>geometry: {@link Geometry#SQUASH} resizes straight to {@code width x height};
 *       {@link Geometry#RESIZE_CROP} resizes the shorter side to {@code resizeShorterSide} (the longer one to
 *       {@code floor(resizeShorterSide * long / short)}) and cuts the centre {@code width x height}, offsets rounded
 *       half-to-even. Resampling is Pillow's antialiased bilinear ({@link Resampler}).</li>
 *   <li>values: {@code x / 255} ({@link PixelScale#UNIT}), then, when {@code normalize}, {@code (x - mean[c]) / std[c]}
 *       per channel, in float32; or the raw values 0 to 255 as float32 ({@link PixelScale#RAW}, never normalized), for
 *       models that scale and normalize inside their graph (Azure AutoML's ONNX export with
 *       {@code enableOnnxNormalization}); layout NCHW with planes R, G, B.</li>
 * </ol>
 *
 * @param geometry squash or resize-then-centre-crop
 * @param width width of the model input in pixels (1-16384)
 * @param height height of the model input in pixels (1-16384)
 * @param resizeShorterSide for {@link Geometry#RESIZE_CROP}: the length of the shorter side after resizing, at least
 *     {@code max(width, height)}; for {@link Geometry#SQUASH}: 0
 * @param normalize whether to apply {@code (x - mean) / std} after scaling to [0, 1]; false when the model
 *     normalizes inside its graph
 * @param mean per-channel means (R, G, B), used when {@code normalize}
 * @param std per-channel standard deviations (R, G, B), positive, used when {@code normalize}
 * @param scale how pixel values become tensor values before any normalization: {@code x / 255} or as they are
 */
public record PreprocessingSpec(Geometry geometry, int width, int height, int resizeShorterSide, boolean normalize,
                                float[] mean, float[] std, PixelScale scale) {

    /** How a pixel's 0-255 value becomes the tensor's value, before any normalization. */
    public enum PixelScale {
        /** {@code x / 255}, in [0, 1]: what torchvision's {@code ToTensor} does. */
        UNIT("x/255"),
        /** {@code x} as float32, in [0, 255]: for models whose graph divides by 255 and normalizes itself. */
        RAW("x");

        private final String id;

        PixelScale(String id) {
            this.id = id;
        }

        /** @return the name used in pipeline.json: {@code x/255} or {@code x} */
        public String id() {
            return id;
        }

        /**
         * @param id {@code x/255} or {@code x}
         * @return the scale
         * @throws ValidationException for any other value
         */
        public static PixelScale fromId(String id) {
            for (PixelScale s : values()) {
                if (s.id.equals(id == null ? null : id.strip())) {
                    return s;
                }
            }
            throw new ValidationException("preprocessing scale", id, "use 'x/255' or 'x'");
        }
    }

    /** How the image is brought to the model's input size. */
    public enum Geometry {
        /** Resize straight to width x height, ignoring the aspect ratio (Pillow {@code resize((w, h))}). */
        SQUASH("squash"),
        /**
         * Resize the shorter side to {@code resizeShorterSide}, keeping the aspect ratio, then cut the centre
         * (torchvision {@code Resize(s)} + {@code CenterCrop((h, w))}).
         */
        RESIZE_CROP("resize-crop");

        private final String id;

        Geometry(String id) {
            this.id = id;
        }

        /** @return the name used in pipeline.json and on the command line: {@code squash} or {@code resize-crop} */
        public String id() {
            return id;
        }

        /**
         * @param id {@code squash} or {@code resize-crop} (case-insensitive; {@code resize_crop} also accepted)
         * @return the geometry
         * @throws ValidationException for any other value
         */
        public static Geometry fromId(String id) {
            if (id != null) {
                String s = id.trim().toLowerCase(Locale.ROOT).replace('_', '-');
                for (Geometry g : values()) {
                    if (g.id.equals(s)) {
                        return g;
                    }
                }
            }
            throw new ValidationException("preprocessing geometry", id, "use 'squash' or 'resize-crop'");
        }
    }

    private static final float[] IMAGENET_MEAN = {0.485f, 0.456f, 0.406f};
    private static final float[] IMAGENET_STD = {0.229f, 0.224f, 0.225f};
    private static final int MAX_SIZE = 16384;

    /**
     * Validates and copies the arrays.
     *
     * @throws ValidationException naming the field, the value and the rule when a value is invalid
     */
    public PreprocessingSpec {
        if (geometry == null) {
            throw new ValidationException("preprocessing geometry", null, "use 'squash' or 'resize-crop'");
        }
        checkSize("preprocessing width", width);
        checkSize("preprocessing height", height);
        if (geometry == Geometry.SQUASH) {
            if (resizeShorterSide != 0) {
                throw new ValidationException("preprocessing resizeShorterSide", resizeShorterSide,
                        "must be 0 for the squash geometry");
            }
        } else if (resizeShorterSide < Math.max(width, height) || resizeShorterSide > MAX_SIZE) {
            throw new ValidationException("preprocessing resizeShorterSide", resizeShorterSide,
                    "must be between the crop size " + Math.max(width, height) + " and " + MAX_SIZE);
        }
        mean = checkTriple("preprocessing mean", mean, false);
        std = checkTriple("preprocessing std", std, true);
        if (scale == null) {
            throw new ValidationException("preprocessing scale", null, "use 'x/255' or 'x'");
        }
        if (scale == PixelScale.RAW && normalize) {
            throw new ValidationException("preprocessing scale", scale.id(), "raw pixel values are never normalized: "
                    + "a model fed 0-255 normalizes inside its graph (use withoutNormalization())");
        }
    }

    /**
     * A spec that scales pixels to [0, 1] ({@link PixelScale#UNIT}), as every spec before format 2.0 did.
     *
     * @param geometry squash or resize-then-centre-crop
     * @param width width of the model input in pixels
     * @param height height of the model input in pixels
     * @param resizeShorterSide the shorter side after resizing, for resize-crop; 0 for squash
     * @param normalize whether to apply {@code (x - mean) / std}
     * @param mean per-channel means
     * @param std per-channel standard deviations
     * @throws ValidationException naming the field, the value and the rule when a value is invalid
     */
    public PreprocessingSpec(Geometry geometry, int width, int height, int resizeShorterSide, boolean normalize,
            float[] mean, float[] std) {
        this(geometry, width, height, resizeShorterSide, normalize, mean, std, PixelScale.UNIT);
    }

    private static void checkSize(String field, int value) {
        if (value < 1 || value > MAX_SIZE) {
            throw new ValidationException(field, value, "must be between 1 and " + MAX_SIZE + " pixels");
        }
    }

    private static float[] checkTriple(String field, float[] values, boolean positive) {
        if (values == null) {
            throw new ValidationException(field, null, "give 3 values (R, G, B)");
        }
        if (values.length != 3) {
            throw new ValidationException(field, Arrays.toString(values), "give exactly 3 values (R, G, B)");
        }
        for (float v : values) {
            if (!Float.isFinite(v) || (positive && v <= 0f)) {
                throw new ValidationException(field, Arrays.toString(values),
                        positive ? "values must be finite and positive" : "values must be finite");
            }
        }
        return values.clone();
    }

    /**
     * @param size width and height of the model input
     * @return squash to {@code size x size}, ImageNet normalization
     * @throws ValidationException if the size is out of range
     */
    public static PreprocessingSpec squash(int size) {
        return squash(size, size);
    }

    /**
     * @param width width of the model input
     * @param height height of the model input
     * @return squash to {@code width x height}, ImageNet normalization
     * @throws ValidationException if a size is out of range
     */
    public static PreprocessingSpec squash(int width, int height) {
        return new PreprocessingSpec(Geometry.SQUASH, width, height, 0, true, IMAGENET_MEAN, IMAGENET_STD);
    }

    /**
     * @param shorterSide length of the shorter side after resizing (e.g. 256)
     * @param cropSize width and height of the centre crop (e.g. 224)
     * @return resize-then-centre-crop, ImageNet normalization
     * @throws ValidationException if a size is out of range or the crop is larger than the shorter side
     */
    public static PreprocessingSpec resizeCrop(int shorterSide, int cropSize) {
        return resizeCrop(shorterSide, cropSize, cropSize);
    }

    /**
     * @param shorterSide length of the shorter side after resizing
     * @param cropWidth width of the centre crop
     * @param cropHeight height of the centre crop
     * @return resize-then-centre-crop, ImageNet normalization
     * @throws ValidationException if a size is out of range or the crop is larger than the shorter side
     */
    public static PreprocessingSpec resizeCrop(int shorterSide, int cropWidth, int cropHeight) {
        return new PreprocessingSpec(Geometry.RESIZE_CROP, cropWidth, cropHeight, shorterSide, true,
                IMAGENET_MEAN, IMAGENET_STD);
    }

    /** @return what Azure AutoML image classification models expect: resize 256, centre crop 224, ImageNet normalization */
    public static PreprocessingSpec azureAutoMlDefault() {
        return resizeCrop(256, 224);
    }

    /** @return a copy that does not normalize (for models that normalize inside their graph) */
    public PreprocessingSpec withoutNormalization() {
        return new PreprocessingSpec(geometry, width, height, resizeShorterSide, false, mean, std, scale);
    }

    /**
     * @return a copy that feeds the raw pixel values 0 to 255 as float32, without normalization, for models that scale
     *     and normalize inside their graph (Azure AutoML's ONNX export with {@code enableOnnxNormalization=true})
     */
    public PreprocessingSpec withRawPixels() {
        return new PreprocessingSpec(geometry, width, height, resizeShorterSide, false, mean, std, PixelScale.RAW);
    }

    /**
     * @param mean per-channel means (R, G, B)
     * @param std per-channel standard deviations (R, G, B), positive
     * @return a copy that normalizes with these values
     * @throws ValidationException if an array does not hold 3 finite values or a std is not positive
     */
    public PreprocessingSpec withNormalization(float[] mean, float[] std) {
        return new PreprocessingSpec(geometry, width, height, resizeShorterSide, true, mean, std, PixelScale.UNIT);
    }

    /** @return a copy of the per-channel means (R, G, B) */
    @Override
    public float[] mean() {
        return mean.clone();
    }

    /** @return a copy of the per-channel standard deviations (R, G, B) */
    @Override
    public float[] std() {
        return std.clone();
    }

    float meanOf(int channel) {
        return mean[channel];
    }

    float stdOf(int channel) {
        return std[channel];
    }

    /** @return the number of floats one image occupies in the input tensor: {@code 3 * width * height} */
    public int tensorSize() {
        return 3 * width * height;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof PreprocessingSpec s && geometry == s.geometry && width == s.width && height == s.height
                && resizeShorterSide == s.resizeShorterSide && normalize == s.normalize
                && Arrays.equals(mean, s.mean) && Arrays.equals(std, s.std) && scale == s.scale;
    }

    @Override
    public int hashCode() {
        return Objects.hash(geometry, width, height, resizeShorterSide, normalize, Arrays.hashCode(mean),
                Arrays.hashCode(std), scale);
    }

    @Override
    public String toString() {
        return "PreprocessingSpec[" + geometry.id() + " " + width + "x" + height
                + (geometry == Geometry.RESIZE_CROP ? " from shorter side " + resizeShorterSide : "")
                + (scale == PixelScale.RAW ? ", raw pixels 0-255" : normalize ? ", mean=" + Arrays.toString(mean)
                + ", std=" + Arrays.toString(std) : ", no normalization")
                + "]";
    }
}
