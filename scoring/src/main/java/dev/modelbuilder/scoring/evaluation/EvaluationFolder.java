package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.dataset.DatasetProblem;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.exception.ValidationException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The images of a labelled dataset to evaluate, found by core's dataset scan (the layouts and checks of training: a
 * folder with one sub-folder per label, or a labels file). Unlike training, files that cannot be read or are not
 * images are skipped (and named), and a label with few or no usable images is accepted; a dataset without labels or
 * without any usable image is an error.
 *
 * @param root the folder the images' relative paths start from, absolute
 * @param source the scanned folder or labels file, absolute
 * @param labels the dataset's labels, sorted
 * @param images the usable images: file, labels and relative path
 * @param skipped the files left out and why
 */
record EvaluationFolder(Path root, Path source, List<String> labels, List<Image> images,
        List<SkippedImage> skipped) {

    /**
     * One image to score.
     *
     * @param file the file
     * @param labels its true labels
     * @param relativePath relative to the root, {@code /} separators
     */
    record Image(Path file, List<String> labels, String relativePath) {
    }

    static EvaluationFolder scan(Path folder, ClassificationTask task) {
        ImageDataset data = ImageDataset.scanSkippingUnusable(folder, task);
        Path root = data.root();
        List<Image> images = new ArrayList<>(data.size());
        for (LabeledImage li : data.images()) {
            images.add(new Image(li.path(), li.labels(), li.relativePath()));
        }
        List<SkippedImage> skipped = new ArrayList<>();
        for (DatasetProblem p : data.unusable()) {
            skipped.add(new SkippedImage(relative(root, p.path()), p.detail()));
        }
        if (data.labels().isEmpty()) {
            throw new ValidationException("evaluation data", data.source(), (data instanceof
                    dev.modelbuilder.core.dataset.LabelsFileDataset ? "it names no labels" : "it holds no label folders")
                    + ": give a folder with one sub-folder of images per label, named like the model's labels, or a"
                    + " labels file");
        }
        if (images.isEmpty()) {
            throw new ValidationException("evaluation data", data.source(), "it holds no usable images"
                    + (skipped.isEmpty() ? "" : " (" + skipped.size() + " files could not be read as images)")
                    + ": give readable JPEG, PNG, BMP, GIF, WebP or TIFF images");
        }
        return new EvaluationFolder(root, data.source(), data.labels(), images, List.copyOf(skipped));
    }

    static String relative(Path root, Path file) {
        return file.startsWith(root)
                ? root.relativize(file).toString().replace(file.getFileSystem().getSeparator(), "/")
                : file.toString();
    }
}
