package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.dataset.ClassificationTask;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.TreeSet;

/**
 * A validated set of labelled images, whatever described it: a folder with one sub-folder per label
 * ({@link ImageFolderDataset}) or a labels file listing each image with its labels ({@link LabelsFileDataset}). Every
 * provider trains from this type, and the evaluation scores it; both kinds are scanned with the same checks (every
 * file read and probed, every problem reported in one {@link DatasetValidationException}).
 *
 * <pre>{@code
 * ImageDataset data = ImageDataset.scan(Path.of("photos/labels.jsonl"), ClassificationTask.MULTI_LABEL,
 *         DatasetRules.defaults());
 * data.labels();                 // every label, sorted: the class-index order
 * data.images().get(0).labels(); // [bag, shirt]
 * DatasetSplit split = data.split(0.2, 42);
 * }</pre>
 *
 * <p>Labels are sorted by their names (code-point order), which is also the class-index order of the trained model
 * and of {@code bestModelMap.json}.
 */
public abstract sealed class ImageDataset permits ImageFolderDataset, LabelsFileDataset {
    private final Path root;
    private final List<String> labels;
    private final List<LabeledImage> images;
    private final List<Path> skipped;
    private final List<DatasetProblem> unusable;

    ImageDataset(Path root, List<String> labels, List<LabeledImage> images, List<Path> skipped,
            List<DatasetProblem> unusable) {
        this.root = root;
        this.labels = List.copyOf(new TreeSet<>(labels));
        this.images = List.copyOf(images);
        this.skipped = List.copyOf(skipped);
        this.unusable = List.copyOf(unusable);
    }

    /**
     * Scans and validates a dataset: a folder is read as {@link ImageFolderDataset#scan(Path, DatasetRules)}, a file
     * as a labels file ({@link LabelsFileDataset#scan(Path, ClassificationTask, DatasetRules)}).
     *
     * @param source a folder with one sub-folder per label, or a labels file ({@code .jsonl}, {@code .csv})
     * @param task single-label or multi-label: a labels file with several labels in a row needs multi-label
     * @param rules the minimums to enforce
     * @return the dataset
     * @throws DatasetValidationException listing every problem found
     */
    public static ImageDataset scan(Path source, ClassificationTask task, DatasetRules rules) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(task, "task");
        Objects.requireNonNull(rules, "rules");
        return isLabelsFile(source) ? LabelsFileDataset.scan(source, task, rules)
                : ImageFolderDataset.scan(source, rules);
    }

    /**
     * Scans a held-out dataset as the evaluation does: images that cannot be used (missing, unreadable, not an
     * image) are left out and listed by {@link #unusable()}, and no minimum count applies; what makes the dataset
     * itself wrong (a folder that cannot be listed, a malformed row, an unsafe path, a label problem) still fails.
     *
     * @param source a folder with one sub-folder per label, or a labels file
     * @param task single-label or multi-label (a single-label model cannot be measured on images with several labels)
     * @return the dataset
     * @throws DatasetValidationException listing every problem found
     */
    public static ImageDataset scanSkippingUnusable(Path source, ClassificationTask task) {
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(task, "task");
        return isLabelsFile(source) ? LabelsFileDataset.scanSkippingUnusable(source, task)
                : ImageFolderDataset.scanSkippingUnusable(source);
    }

    /**
     * @param source a dataset path
     * @return whether it is read as a labels file: an existing regular file, or a path whose name ends in a labels
     *     file extension ({@code .jsonl}, {@code .csv}, so that a missing labels file is reported as such)
     */
    static boolean isLabelsFile(Path source) {
        if (Files.isDirectory(source)) {
            return false;
        }
        if (Files.isRegularFile(source)) {
            return true;
        }
        Path name = source.getFileName();
        String n = name == null ? "" : name.toString().toLowerCase(java.util.Locale.ROOT);
        return n.endsWith(".jsonl") || n.endsWith(".csv");
    }

    /** @return the folder the images' relative paths start from (the dataset folder, or the labels file's folder) */
    public Path root() {
        return root;
    }

    /** @return what was scanned: the dataset folder or the labels file, absolute */
    public abstract Path source();

    /** @return the labels in class-index order (sorted by name) */
    public List<String> labels() {
        return labels;
    }

    /** @return every image: a folder's by label then path, a labels file's in the file's order */
    public List<LabeledImage> images() {
        return images;
    }

    /**
     * @param label a label
     * @return the images that have it, in {@link #images()} order
     * @throws IllegalArgumentException for an unknown label
     */
    public List<LabeledImage> imagesOf(String label) {
        if (!labels.contains(label)) {
            throw new IllegalArgumentException("no label '" + label + "' in " + source() + "; labels are " + labels);
        }
        return images.stream().filter(i -> i.labels().contains(label)).toList();
    }

    /** @return whether some image has no label or several (only a multi-label model can learn from it) */
    public boolean hasMultiLabelImages() {
        return images.stream().anyMatch(i -> i.labels().size() != 1);
    }

    /**
     * @return the symbolic links found in label folders, sorted by path: they are not followed, so their targets are
     *     not part of the dataset (always empty for a labels file, which names its images itself)
     */
    public List<Path> skipped() {
        return skipped;
    }

    /**
     * @return the images left out by {@link #scanSkippingUnusable} and why; empty after {@link #scan}, which fails
     *     on them instead
     */
    public List<DatasetProblem> unusable() {
        return unusable;
    }

    /** @return the number of images */
    public int size() {
        return images.size();
    }

    /** @return the total size of the image files in bytes */
    public long totalBytes() {
        return images.stream().mapToLong(LabeledImage::sizeBytes).sum();
    }

    /**
     * Splits the images into training and validation sets. When every image has exactly one label the split is
     * stratified by label: each label gives {@code round(n * validationShare)} of its images (at least one when it
     * has two or more) to validation. Otherwise (a multi-label dataset, where stratifying by one label would skew
     * the others) the images are shuffled and {@code round(n * validationShare)} of them (at least one of two or
     * more) are held out, as AutoML's {@code validationDataSize} does. The same seed gives the same split.
     *
     * @param validationShare the share held out, in (0, 1)
     * @param seed the shuffle seed
     * @return the split
     */
    public DatasetSplit split(double validationShare, long seed) {
        if (!(validationShare > 0 && validationShare < 1)) {
            throw new IllegalArgumentException("validation share must be in (0, 1), got " + validationShare);
        }
        List<LabeledImage> train = new ArrayList<>();
        List<LabeledImage> validation = new ArrayList<>();
        Random random = new Random(seed);
        List<List<LabeledImage>> groups = new ArrayList<>();
        if (hasMultiLabelImages()) {
            groups.add(images);
        } else {
            Map<String, List<LabeledImage>> byLabel = new LinkedHashMap<>();
            labels.forEach(l -> byLabel.put(l, new ArrayList<>()));
            images.forEach(i -> byLabel.get(i.label()).add(i));
            groups.addAll(byLabel.values());
        }
        for (List<LabeledImage> group : groups) {
            List<LabeledImage> shuffled = new ArrayList<>(group);
            Collections.shuffle(shuffled, random);
            int n = shuffled.size();
            int held = n < 2 ? 0 : Math.max(1, Math.min(n - 1, (int) Math.round(n * validationShare)));
            validation.addAll(shuffled.subList(0, held));
            train.addAll(shuffled.subList(held, n));
        }
        return new DatasetSplit(labels, train, validation);
    }
}
