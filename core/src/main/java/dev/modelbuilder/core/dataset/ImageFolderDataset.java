package dev.modelbuilder.core.dataset;

import dev.modelbuilder.core.dataset.DatasetProblem.Kind;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A validated image-folder dataset: one sub-folder per label, images in it (sub-folders of a label folder count
 * for that label). Hidden files and folders (names starting with {@code .}) are ignored, and so are files lying
 * directly in the dataset folder (a README or LICENSE there is common). Symbolic links to files inside label
 * folders are not followed: they are left out and listed in {@link #skipped()}.
 *
 * <pre>{@code
 * ImageFolderDataset data = ImageFolderDataset.scan(Path.of("flowers"));   // throws listing every problem
 * data.labels();                    // [daisy, dandelion, roses], sorted: the class-index order
 * data.imagesOf("daisy");           // the daisy images, sorted by path
 * DatasetSplit split = data.split(0.2, 42);
 * }</pre>
 *
 * <p>Labels are sorted by their names (code-point order), which is also the class-index order of the trained
 * model and of {@code bestModelMap.json}. Each image has one label; such a dataset also trains a multi-label model
 * (whose images then each have one label).
 */
public final class ImageFolderDataset extends ImageDataset {
    private static final Logger LOG = LoggerFactory.getLogger(ImageFolderDataset.class);
    /** Files above this size are reported rather than read. */
    static final long MAX_IMAGE_BYTES = 256L * 1024 * 1024;

    private final Map<String, List<LabeledImage>> imagesByLabel;

    private ImageFolderDataset(Path root, Map<String, List<LabeledImage>> imagesByLabel, List<Path> skipped,
            List<DatasetProblem> unusable) {
        super(root, List.copyOf(imagesByLabel.keySet()),
                imagesByLabel.values().stream().flatMap(List::stream).toList(), skipped, unusable);
        this.imagesByLabel = imagesByLabel;
    }

    /**
     * Scans and validates with the default rules.
     *
     * @param root the dataset folder
     * @return the dataset
     * @throws DatasetValidationException listing every problem found
     */
    public static ImageFolderDataset scan(Path root) {
        return scan(root, DatasetRules.defaults());
    }

    /**
     * Scans and validates: every file of every label folder is read and checked structurally (format recognised
     * from content, truncation and corruption found), every empty or too-small label and a too-small label count
     * are reported, all in one error.
     *
     * @param root the dataset folder
     * @param rules the minimums to enforce
     * @return the dataset
     * @throws DatasetValidationException listing every problem found
     */
    public static ImageFolderDataset scan(Path root, DatasetRules rules) {
        return scan(root, Objects.requireNonNull(rules, "rules"), false);
    }

    /**
     * Scans like {@link #scan(Path, DatasetRules)} but leaves out the files that are not usable images (unreadable,
     * not an image, corrupt: listed by {@link #unusable()}) and enforces no minimum counts, so that a held-out set
     * may be small or have a label with no usable image. It fails only when the folder, or a folder inside it,
     * cannot be read.
     *
     * @param root the dataset folder
     * @return the dataset
     * @throws DatasetValidationException when the folder is missing or a folder in it cannot be listed
     */
    public static ImageFolderDataset scanSkippingUnusable(Path root) {
        return scan(root, DatasetRules.defaults(), true);
    }

    private static ImageFolderDataset scan(Path root, DatasetRules rules, boolean skipUnusable) {
        Objects.requireNonNull(root, "root");
        Path dir = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new DatasetValidationException(dir, List.of(new DatasetProblem(Kind.NOT_A_FOLDER, dir,
                    Files.exists(dir) ? "is not a folder: give the folder that holds one sub-folder per label"
                            : "does not exist: give the folder that holds one sub-folder per label")));
        }
        List<DatasetProblem> problems = Collections.synchronizedList(new ArrayList<>());
        Map<String, List<LabeledImage>> byLabel = new LinkedHashMap<>();
        List<Path> labelFolders = new ArrayList<>();
        try (Stream<Path> entries = Files.list(dir)) {
            entries.filter(p -> !isHidden(p)).sorted(Comparator.comparing(p -> p.getFileName().toString()))
                    .forEach(p -> {
                        if (Files.isDirectory(p)) {
                            labelFolders.add(p);
                        } else {
                            LOG.debug("ignoring {}: files directly in the dataset folder are not images of a label", p);
                        }
                    });
        } catch (IOException e) {
            throw new DatasetValidationException(dir, List.of(new DatasetProblem(Kind.UNREADABLE_FILE, dir,
                    "cannot be listed: " + e.getMessage())));
        }
        List<DatasetProblem> labelProblems = new ArrayList<>();
        List<Path> skipped = new ArrayList<>();
        for (Path folder : labelFolders) {
            String label = folder.getFileName().toString();
            String badName = LabelNames.problem(label);
            if (badName != null) {
                labelProblems.add(new DatasetProblem(Kind.INVALID_LABEL, folder, "label folder '"
                        + LabelNames.escape(label) + "' " + badName + ": rename the folder (its name is the label)"));
            }
            List<Path> files = listFiles(folder, problems, skipped);
            List<LabeledImage> images = files.parallelStream().map(f -> check(dir, label, f, problems))
                    .filter(Objects::nonNull).toList();
            byLabel.put(label, images);
            if (images.isEmpty()) {
                labelProblems.add(new DatasetProblem(Kind.EMPTY_LABEL, folder, files.isEmpty()
                        ? "label '" + label + "' has no images: add images or remove the folder"
                        : "label '" + label + "' has no usable images: fix the files listed above or remove the folder"));
            } else if (images.size() < rules.minImagesPerLabel()) {
                labelProblems.add(new DatasetProblem(Kind.TOO_FEW_IMAGES, folder, "label '" + label + "' has "
                        + images.size() + (images.size() == 1 ? " image" : " images") + ": at least "
                        + rules.minImagesPerLabel() + " are needed"));
            }
        }
        if (labelFolders.size() < rules.minLabels()) {
            labelProblems.add(new DatasetProblem(Kind.TOO_FEW_LABELS, dir, "has " + labelFolders.size()
                    + (labelFolders.size() == 1 ? " label folder" : " label folders") + ": at least "
                    + rules.minLabels() + " are needed, one sub-folder of images per label"));
        }
        List<DatasetProblem> all = new ArrayList<>(problems);
        all.sort(Comparator.comparing((DatasetProblem p) -> p.kind()).thenComparing(p -> p.path().toString()));
        List<DatasetProblem> unusable = List.of();
        if (skipUnusable) {
            if (all.stream().anyMatch(p -> Files.isDirectory(p.path()))) {
                throw new DatasetValidationException(dir, all); // a folder that cannot be listed is not one image
            }
            unusable = List.copyOf(all);
            all.clear();
        } else {
            all.addAll(labelProblems);
        }
        if (!all.isEmpty()) {
            throw new DatasetValidationException(dir, all);
        }
        skipped.sort(Comparator.comparing(Path::toString));
        return new ImageFolderDataset(dir, Collections.unmodifiableMap(byLabel), List.copyOf(skipped), unusable);
    }

    private static List<Path> listFiles(Path folder, List<DatasetProblem> problems, List<Path> skipped) {
        List<Path> files = new ArrayList<>();
        try {
            Files.walkFileTree(folder, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                    return !d.equals(folder) && isHidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                    if (!isHidden(f) && attrs.isRegularFile()) {
                        files.add(f);
                    } else if (!isHidden(f) && attrs.isSymbolicLink()) {
                        skipped.add(f);
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path f, IOException e) {
                    problems.add(new DatasetProblem(Kind.UNREADABLE_FILE, f, "cannot be read: " + e.getMessage()));
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            problems.add(new DatasetProblem(Kind.UNREADABLE_FILE, folder, "cannot be listed: " + e.getMessage()));
        }
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static LabeledImage check(Path root, String label, Path file, List<DatasetProblem> problems) {
        try {
            long size = Files.size(file);
            if (size > MAX_IMAGE_BYTES) {
                problems.add(new DatasetProblem(Kind.NOT_AN_IMAGE, file, "is " + size / (1024 * 1024)
                        + " MiB: images over " + MAX_IMAGE_BYTES / (1024 * 1024) + " MiB are not accepted"));
                return null;
            }
            byte[] bytes = Files.readAllBytes(file);
            ImageInfo info = ImageProbe.probe(bytes);
            String relative = root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
            return new LabeledImage(file, label, relative, info, size);
        } catch (IOException e) {
            problems.add(new DatasetProblem(Kind.UNREADABLE_FILE, file, "cannot be read: " + e.getMessage()));
        } catch (ImageProbe.ProbeFailure e) {
            problems.add(new DatasetProblem(e.recognised() ? Kind.CORRUPT_IMAGE : Kind.NOT_AN_IMAGE, file,
                    e.getMessage()));
        }
        return null;
    }

    private static boolean isHidden(Path p) {
        Path name = p.getFileName();
        if (name != null && name.toString().startsWith(".")) {
            return true;
        }
        try {
            return Files.isHidden(p);
        } catch (IOException e) {
            return false;
        }
    }

    /** @return the dataset folder, absolute (the same as {@link #root()}) */
    @Override
    public Path source() {
        return root();
    }

    /**
     * @param label a label
     * @return its images, sorted by path
     * @throws IllegalArgumentException for an unknown label
     */
    @Override
    public List<LabeledImage> imagesOf(String label) {
        List<LabeledImage> images = imagesByLabel.get(label);
        if (images == null) {
            throw new IllegalArgumentException("no label '" + label + "' in " + root() + "; labels are " + labels());
        }
        return images;
    }

    @Override
    public String toString() {
        return "ImageFolderDataset[" + root() + ", " + imagesByLabel.size() + " labels, " + size() + " images]";
    }
}
