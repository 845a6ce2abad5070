package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.support.DaemonThreadFactory;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.ImagePreprocessor;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.pipeline.Resampler;
import dev.modelbuilder.pipeline.RgbImage;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

/**
 * A dataset split decoded into memory, ready to feed training. Every tensor comes from the scoring module's
 * preprocessing ({@link ImagePreprocessor}), so training sees exactly what the MLModel.zip pipeline will feed the
 * model at prediction time:
 * <ul>
 *   <li>validation tensors are the pipeline's own: {@code geometry} (squash to H x W with Pillow-exact bilinear
 *       resampling) then {@code toTensor} (x/255, ImageNet mean/std), computed once from the full-size images;</li>
 *   <li>training tensors are augmented at each epoch: a random resized crop (a random region of 80-100 % of the
 *       area with an aspect ratio in [0.85, 1/0.85], resampled by {@link Resampler#resize(RgbImage, float[], int, int)},
 *       the same resampler with a box) and a horizontal flip with probability 1/2, then the same {@code toTensor}.
 *       To bound memory, training images larger than twice the input size on their shorter side are kept reduced
 *       to that (by the same resampler) before cropping.</li>
 * </ul>
 */
final class TrainingData {
    /** The smallest share of the image area a random crop keeps (torchvision's default is 0.08; objects here fill
     *  much of the frame, so crops stay large enough not to cut them away). */
    static final double MIN_AREA = 0.8;
    /** The most a random crop's aspect ratio departs from the image's: [MIN_RATIO, 1/MIN_RATIO]. */
    static final double MIN_RATIO = 0.85;
    private final PreprocessingSpec spec;
    private final ImagePreprocessor preprocessor;
    private final List<String> labels;
    private final List<RgbImage> trainImages;
    private final int[] trainLabels;
    private final float[] validationTensors;
    private final int[] validationLabels;
    private final List<String> validationFiles;
    /** Each image's 0/1 target per label, for a multi-label model; null for a single-label one. */
    private final float[][] trainTargets;
    private final float[][] validationTargets;

    private TrainingData(PreprocessingSpec spec, List<String> labels, List<RgbImage> trainImages, int[] trainLabels,
            float[] validationTensors, int[] validationLabels, List<String> validationFiles, float[][] trainTargets,
            float[][] validationTargets) {
        this.trainTargets = trainTargets;
        this.validationTargets = validationTargets;
        this.spec = spec;
        this.preprocessor = new ImagePreprocessor(spec);
        this.labels = List.copyOf(labels);
        this.trainImages = List.copyOf(trainImages);
        this.trainLabels = trainLabels;
        this.validationTensors = validationTensors;
        this.validationLabels = validationLabels;
        this.validationFiles = List.copyOf(validationFiles);
    }

    /** Some images could not be decoded; lists every one of them. */
    public static final class UnreadableImagesException extends RuntimeException {
        private static final long serialVersionUID = 1L;
        private final List<String> problems;

        UnreadableImagesException(List<String> problems) {
            super(problems.size() + (problems.size() == 1 ? " image" : " images") + " could not be decoded:\n  - "
                    + String.join("\n  - ", problems));
            this.problems = List.copyOf(problems);
        }

        /** @return one line per image: path and reason */
        public List<String> problems() {
            return problems;
        }
    }

    /**
     * Decodes every image of the split (in parallel).
     *
     * @param split the split (labels in class-index order)
     * @param spec the pipeline's preprocessing (squash geometry)
     * @param threads decoding threads
     * @return the data
     * @throws UnreadableImagesException listing every image that could not be decoded
     * @throws InterruptedException when interrupted while decoding
     */
    public static TrainingData load(DatasetSplit split, PreprocessingSpec spec, int threads)
            throws InterruptedException {
        return load(split, spec, threads, false);
    }

    /**
     * Decodes every image of the split (in parallel).
     *
     * @param split the split (labels in class-index order)
     * @param spec the pipeline's preprocessing (squash geometry)
     * @param threads decoding threads
     * @param multiLabel whether to keep each image's 0/1 targets (any number of labels) instead of one class
     * @return the data
     * @throws UnreadableImagesException listing every image that could not be decoded
     * @throws InterruptedException when interrupted while decoding
     */
    public static TrainingData load(DatasetSplit split, PreprocessingSpec spec, int threads, boolean multiLabel)
            throws InterruptedException {
        Objects.requireNonNull(split, "split");
        ImagePreprocessor pre = new ImagePreprocessor(spec);
        int cap = 2 * Math.max(spec.width(), spec.height());
        ExecutorService pool = Executors.newFixedThreadPool(Math.max(1, threads),
                new DaemonThreadFactory("modelbuilder-local-decode"));
        try {
            List<Future<Object>> train = new ArrayList<>();
            for (LabeledImage image : split.training()) {
                train.add(pool.submit(() -> reduce(ImageDecoder.decode(image.path()), cap)));
            }
            List<Future<Object>> validation = new ArrayList<>();
            for (LabeledImage image : split.validation()) {
                validation.add(pool.submit(() -> {
                    float[] t = new float[spec.tensorSize()];
                    pre.toTensor(pre.geometry(ImageDecoder.decode(image.path())), t, 0);
                    return t;
                }));
            }
            List<String> problems = new ArrayList<>();
            List<RgbImage> trainImages = new ArrayList<>();
            int[] trainLabels = new int[split.training().size()];
            float[][] trainTargets = multiLabel ? new float[split.training().size()][] : null;
            for (int i = 0; i < train.size(); i++) {
                Object r = result(train.get(i), split.training().get(i), problems);
                if (r instanceof RgbImage img) {
                    trainImages.add(img);
                }
                if (multiLabel) {
                    trainTargets[i] = split.targets(split.training().get(i));
                } else {
                    trainLabels[i] = split.classIndex(split.training().get(i));
                }
            }
            int n = split.validation().size();
            float[] validationTensors = new float[n * spec.tensorSize()];
            int[] validationLabels = new int[n];
            float[][] validationTargets = multiLabel ? new float[n][] : null;
            List<String> files = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                Object r = result(validation.get(i), split.validation().get(i), problems);
                if (r instanceof float[] t) {
                    System.arraycopy(t, 0, validationTensors, i * spec.tensorSize(), t.length);
                }
                if (multiLabel) {
                    validationTargets[i] = split.targets(split.validation().get(i));
                } else {
                    validationLabels[i] = split.classIndex(split.validation().get(i));
                }
                files.add(split.validation().get(i).relativePath());
            }
            if (!problems.isEmpty()) {
                throw new UnreadableImagesException(problems);
            }
            return new TrainingData(spec, split.labels(), trainImages, trainLabels, validationTensors,
                    validationLabels, files, trainTargets, validationTargets);
        } finally {
            pool.shutdownNow();
        }
    }

    private static Object result(Future<Object> f, LabeledImage image, List<String> problems)
            throws InterruptedException {
        try {
            return f.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            problems.add(image.path() + ": " + cause.getMessage());
            return null;
        }
    }

    private static RgbImage reduce(RgbImage image, int cap) {
        int shorter = Math.min(image.width(), image.height());
        if (shorter <= cap) {
            return image;
        }
        double f = (double) cap / shorter;
        return Resampler.resize(image, Math.max(1, (int) Math.round(image.width() * f)),
                Math.max(1, (int) Math.round(image.height() * f)));
    }

    /** @return the preprocessing the tensors follow */
    public PreprocessingSpec spec() {
        return spec;
    }

    /** @return labels in class-index order */
    public List<String> labels() {
        return labels;
    }

    /** @return training images */
    public int trainingSize() {
        return trainImages.size();
    }

    /** @return validation images */
    public int validationSize() {
        return validationLabels.length;
    }

    /** @return validation tensors, image after image, each {@code spec().tensorSize()} floats (not copied) */
    public float[] validationTensors() {
        return validationTensors;
    }

    /** @return the validation images' class indexes */
    public int[] validationLabels() {
        return validationLabels.clone();
    }

    /** @return the validation images' paths relative to the dataset folder */
    public List<String> validationFiles() {
        return validationFiles;
    }

    /**
     * @param random the epoch's random source
     * @return the training indexes in a random order
     */
    public List<Integer> shuffledTrainingOrder(Random random) {
        List<Integer> order = new ArrayList<>(trainImages.size());
        for (int i = 0; i < trainImages.size(); i++) {
            order.add(i);
        }
        Collections.shuffle(order, random);
        return order;
    }

    /** @return whether the images have 0/1 targets per label (a multi-label model) rather than one class each */
    public boolean isMultiLabel() {
        return trainTargets != null;
    }

    /**
     * @param index a training image of multi-label data
     * @return its 0/1 target per label (not copied)
     */
    public float[] trainingTargets(int index) {
        return trainTargets[index];
    }

    /**
     * @param index a validation image of multi-label data
     * @return its 0/1 target per label (not copied)
     */
    public float[] validationTargets(int index) {
        return validationTargets[index];
    }

    /**
     * @param index a training image
     * @return its class index
     */
    public int trainingLabel(int index) {
        return trainLabels[index];
    }

    /**
     * Writes one augmented training image into a batch buffer.
     *
     * @param index the training image
     * @param random the augmentation's random source
     * @param dest the batch buffer
     * @param offset where the image's tensor starts
     */
    public void augmentedTensor(int index, Random random, float[] dest, int offset) {
        RgbImage image = trainImages.get(index);
        RgbImage crop = Resampler.resize(image, randomResizedCropBox(image.width(), image.height(), random),
                spec.width(), spec.height());
        if (random.nextBoolean()) {
            crop = crop.flipHorizontal();
        }
        preprocessor.toTensor(crop, dest, offset);
    }

    /**
     * torchvision's RandomResizedCrop box choice with scale ({@value #MIN_AREA}, 1) and ratio ({@value #MIN_RATIO},
     * 1/{@value #MIN_RATIO}): ten tries, then the whole image.
     *
     * @param w image width
     * @param h image height
     * @param random random source
     * @return {x0, y0, x1, y1}
     */
    static float[] randomResizedCropBox(int w, int h, Random random) {
        double area = (double) w * h;
        double logLo = Math.log(MIN_RATIO);
        double logHi = Math.log(1 / MIN_RATIO);
        for (int attempt = 0; attempt < 10; attempt++) {
            double target = area * (MIN_AREA + (1 - MIN_AREA) * random.nextDouble());
            double ratio = Math.exp(logLo + (logHi - logLo) * random.nextDouble());
            double cw = Math.sqrt(target * ratio);
            double ch = Math.sqrt(target / ratio);
            if (cw <= w && ch <= h && cw >= 1 && ch >= 1) {
                double x0 = random.nextDouble() * (w - cw);
                double y0 = random.nextDouble() * (h - ch);
                return new float[] {(float) x0, (float) y0, (float) Math.min(w, x0 + cw), (float) Math.min(h, y0 + ch)};
            }
        }
        return new float[] {0f, 0f, w, h};
    }
}
