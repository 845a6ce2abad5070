package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.dataset.DatasetProblem;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.exception.ValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

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
        ImageFolderDataset data = ImageFolderDataset.scanSkippingUnusable(folder);
        Path root = data.root();
        List<Image> images = new ArrayList<>(data.size());
        for (LabeledImage li : data.images()) {
            images.add(new Image(li.path(), li.label(), li.relativePath()));
        }
        List<SkippedImage> skipped = new ArrayList<>();
        for (DatasetProblem p : data.unusable()) {
            skipped.add(new SkippedImage(relative(root, p.path()), p.detail()));
        }
        if (data.labels().isEmpty()) {
            throw new ValidationException("evaluation folder", root, "it holds no label folders: give a folder with "
                    + "one sub-folder of images per label, named like the model's labels");
        }
        if (images.isEmpty()) {
            throw new ValidationException("evaluation folder", root, "it holds no usable images"
                    + (skipped.isEmpty() ? "" : " (" + skipped.size() + " files could not be read as images)")
                    + ": put JPEG, PNG, BMP or GIF images into its label folders");
        }
        return new EvaluationFolder(root, data.labels(), images, List.copyOf(skipped));
    }

    static String relative(Path root, Path file) {
        return root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/");
    }
}
