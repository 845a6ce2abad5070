package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.dataset.DatasetProblem;
import dev.modelbuilder.core.dataset.DatasetRules;
import dev.modelbuilder.core.dataset.DatasetValidationException;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.exception.ValidationException;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;

/**
 * The images of a labelled folder to evaluate, found by core's dataset scan (the layout and checks of training).
 * Unlike training, files that cannot be read or are not images are skipped (and named), and a label with few or no
 * usable images is accepted; a folder without label folders or without any usable image is an error.
 *
 * @param root the folder, absolute
 * @param labels the label folders' names, sorted
 * @param images the usable images: file, label and relative path
 * @param skipped the files left out and why
 */
record EvaluationFolder(Path root, List<String> labels, List<Image> images, List<SkippedImage> skipped) {

    /**
     * One image to score.
     *
     * @param file the file
     * @param label its folder's label
     * @param relativePath relative to the root, {@code /} separators
     */
    record Image(Path file, String label, String relativePath) {
    }

    static EvaluationFolder scan(Path folder) {
        Path root = folder.toAbsolutePath().normalize();
        try {
            ImageFolderDataset data = ImageFolderDataset.scan(root, new DatasetRules(2, 1));
            List<Image> images = new ArrayList<>(data.size());
            for (LabeledImage li : data.images()) {
                images.add(new Image(li.path(), li.label(), li.relativePath()));
            }
            return new EvaluationFolder(data.root(), data.labels(), images, List.of());
        } catch (DatasetValidationException e) {
            return tolerate(root, e);
        }
    }

    /** Keeps going past problems of single files and of small labels; fails on the others. */
    private static EvaluationFolder tolerate(Path root, DatasetValidationException e) {
        List<SkippedImage> skipped = new ArrayList<>();
        Set<Path> skippedFiles = new HashSet<>();
        for (DatasetProblem p : e.problems()) {
            switch (p.kind()) {
                case NOT_A_FOLDER -> throw e;
                case UNREADABLE_FILE, NOT_AN_IMAGE, CORRUPT_IMAGE -> {
                    if (!p.path().startsWith(root) || Files.isDirectory(p.path())) {
                        throw e; // a folder that cannot be listed is not one image to leave out
                    }
                    skippedFiles.add(p.path());
                    skipped.add(new SkippedImage(relative(root, p.path()), p.detail()));
                }
                default -> {
                    // EMPTY_LABEL, TOO_FEW_IMAGES, TOO_FEW_LABELS: a held-out set may be small; checked below
                }
            }
        }
        List<String> labels = new ArrayList<>();
        List<Image> images = new ArrayList<>();
        try (Stream<Path> entries = Files.list(root)) {
            List<Path> folders = entries.filter(p -> !hidden(p) && Files.isDirectory(p))
                    .sorted(Comparator.comparing(p -> p.getFileName().toString())).toList();
            for (Path labelFolder : folders) {
                String label = labelFolder.getFileName().toString();
                labels.add(label);
                for (Path f : files(labelFolder)) {
                    if (!skippedFiles.contains(f)) {
                        images.add(new Image(f, label, relative(root, f)));
                    }
                }
            }
        } catch (IOException io) {
            throw e;
        }
        if (labels.isEmpty()) {
            throw new ValidationException("evaluation folder", root, "it holds no label folders: give a folder with "
                    + "one sub-folder of images per label, named like the model's labels");
        }
        if (images.isEmpty()) {
            throw new ValidationException("evaluation folder", root, "it holds no usable images"
                    + (skipped.isEmpty() ? "" : " (" + skipped.size() + " files could not be read as images)")
                    + ": put JPEG, PNG, BMP or GIF images into its label folders");
        }
        return new EvaluationFolder(root, List.copyOf(labels), images, List.copyOf(skipped));
    }

    private static List<Path> files(Path folder) throws IOException {
        List<Path> files = new ArrayList<>();
        Files.walkFileTree(folder, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes attrs) {
                return !d.equals(folder) && hidden(d) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes attrs) {
                if (!hidden(f) && attrs.isRegularFile()) {
                    files.add(f);
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) {
                return FileVisitResult.CONTINUE; // already reported by the scan
            }
        });
        files.sort(Comparator.comparing(Path::toString));
        return files;
    }

    private static boolean hidden(Path p) {
        Path name = p.getFileName();
        return name != null && name.toString().startsWith(".");
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
