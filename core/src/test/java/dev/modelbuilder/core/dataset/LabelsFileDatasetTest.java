package dev.modelbuilder.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.dataset.DatasetProblem.Kind;
import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.testing.BarLabelsReader;
import dev.modelbuilder.core.testing.TestImages;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The rules of a labels file, whatever its format: core checks them on the rows a reader gives. A tiny
 * line-per-row reader ({@code image|label;label}) stands in for the pipeline module's JSONL and CSV readers, which
 * core cannot depend on; those are tested against the same rules in the pipeline module.
 */
class LabelsFileDatasetTest {
    @TempDir
    Path root;

    static final LabelsFileReader BAR = new BarLabelsReader();

    private Path labelsFile(String... lines) throws IOException {
        return Files.writeString(root.resolve("labels.bar"), String.join("\n", lines) + "\n");
    }

    private void images(String... names) throws IOException {
        for (String n : names) {
            TestImages.write(root.resolve(n), "png", n.hashCode() & 0xff);
        }
    }

    @Test
    void readsMultiLabelRowsWithRelativePathsAndEmptyLabelLists() throws Exception {
        images("a.png", "b.png", "sub/c.png", "d.png");
        Path file = labelsFile("a.png|shirt;bag", "b.png|bag", "sub/c.png|", "d.png|shirt;shirt");

        LabelsFileDataset data = LabelsFileDataset.scan(file, BAR, ClassificationTask.MULTI_LABEL,
                new DatasetRules(2, 1));

        assertThat(data.labels()).containsExactly("bag", "shirt");
        assertThat(data.root()).isEqualTo(root.toAbsolutePath().normalize());
        assertThat(data.source()).isEqualTo(file.toAbsolutePath().normalize());
        assertThat(data.format()).isEqualTo("BAR");
        assertThat(data.images()).extracting(LabeledImage::relativePath)
                .containsExactly("a.png", "b.png", "sub/c.png", "d.png");
        assertThat(data.images()).extracting(LabeledImage::labels)
                .containsExactly(List.of("shirt", "bag"), List.of("bag"), List.of(), List.of("shirt"));
        assertThat(data.hasMultiLabelImages()).isTrue();
        assertThat(data.imagesOf("shirt")).extracting(LabeledImage::relativePath).containsExactly("a.png", "d.png");
        DatasetSplit split = data.split(0.25, 1);
        assertThat(split.training()).hasSize(3);
        assertThat(split.validation()).hasSize(1);
        assertThat(split.targets(data.images().get(0))).containsExactly(1f, 1f);
        assertThat(split.targets(data.images().get(2))).containsExactly(0f, 0f);
    }

    @Test
    void aSingleLabelFileIsAnOrdinaryDatasetStratifiedByLabel() throws Exception {
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            images("img" + i + ".png");
            lines.add("img" + i + ".png|" + (i < 5 ? "cat" : "dog"));
        }
        LabelsFileDataset data = LabelsFileDataset.scan(labelsFile(lines.toArray(String[]::new)), BAR,
                ClassificationTask.SINGLE_LABEL, DatasetRules.defaults());

        assertThat(data.hasMultiLabelImages()).isFalse();
        DatasetSplit split = data.split(0.2, 42);
        assertThat(split.validation()).extracting(LabeledImage::label).containsExactlyInAnyOrder("cat", "dog");
    }

    @Test
    void everyBadRowIsListedInOneErrorInFileOrder() throws Exception {
        images("ok1.png", "ok2.png", "shared.png", "two.png");
        Files.writeString(root.resolve("notes.png"), "not an image");
        Files.createDirectories(root.resolve("sub"));
        Path outside = Files.createTempDirectory("outside-labels");
        TestImages.write(outside.resolve("x.png"), "png", 1);
        Files.createSymbolicLink(root.resolve("sub/link.png"), outside.resolve("x.png"));
        Path file = labelsFile(
                "ok1.png|cat",                                    // 1 fine
                "garbage line",                                   // 2 unreadable row
                "/etc/passwd|cat",                                // 3 absolute
                "../outside/x.png|cat",                           // 4 leaves the folder
                "azureml://datastores/workspaceblobstore/paths/a.png|cat", // 5 URL
                "https://example.org/a.png|cat",                  // 6 URL
                "missing.png|cat",                                // 7 missing file
                "notes.png|cat",                                  // 8 not an image
                "two.png|cat;dog",                                // 9 several labels, single-label mode
                "ok2.png|",                                       // 10 no label, single-label mode
                "ok1.png|dog",                                    // 11 listed again
                "shared.png|bad\u001blabel",                      // 12 control character
                "sub\\x.png|cat",                                 // 13 backslash
                "sub/link.png|cat",                               // 14 link to a file outside
                "|cat");                                          // 15 empty path

        assertThatThrownBy(() -> LabelsFileDataset.scan(file, BAR, ClassificationTask.SINGLE_LABEL,
                DatasetRules.defaults()))
                .isInstanceOf(DatasetValidationException.class)
                .satisfies(e -> {
                    List<DatasetProblem> p = ((DatasetValidationException) e).problems();
                    assertThat(p).extracting(DatasetProblem::kind).containsExactly(Kind.INVALID_ROW,
                            Kind.UNSAFE_PATH, Kind.UNSAFE_PATH, Kind.UNSAFE_PATH, Kind.UNSAFE_PATH,
                            Kind.MISSING_FILE, Kind.NOT_AN_IMAGE, Kind.SEVERAL_LABELS, Kind.MISSING_LABEL,
                            Kind.DUPLICATE_IMAGE, Kind.INVALID_LABEL, Kind.UNSAFE_PATH, Kind.UNSAFE_PATH,
                            Kind.INVALID_ROW);
                    String m = e.getMessage();
                    assertThat(m).contains("has 14 problems")
                            .contains("line 2: no '|'")
                            .contains("line 3: '/etc/passwd' is an absolute path")
                            .contains("line 4: '../outside/x.png' leaves the labels file's folder")
                            .contains("line 5: 'azureml://datastores/workspaceblobstore/paths/a.png' is a URL (azureml://)")
                            .contains("line 6: 'https://example.org/a.png' is a URL (https://)")
                            .contains("missing.png: (line 7 of labels.bar) does not exist")
                            .contains("line 9: 'two.png' has 2 labels [cat, dog]")
                            .contains("train --multi-label").contains("withMultiLabel()")
                            .contains("line 10: 'ok2.png' has no label")
                            .contains("line 11: 'ok1.png' is listed again (first on line 1)")
                            .contains("line 12: label 'bad\\u001blabel' contains the control character U+001B")
                            .contains("line 13: 'sub\\x.png' holds a backslash")
                            .contains("(line 14 of labels.bar) is a link to")
                            .contains("line 15: the image path is empty");
                });
    }

    @Test
    void multiLabelModeAcceptsWhatSingleLabelRefusesAndCountsLabels() throws Exception {
        images("a.png", "b.png", "c.png");
        Path file = labelsFile("a.png|cat;dog", "b.png|", "c.png|cat");

        assertThatThrownBy(() -> LabelsFileDataset.scan(file, BAR, ClassificationTask.MULTI_LABEL,
                new DatasetRules(2, 2)))
                .isInstanceOf(DatasetValidationException.class)
                .hasMessageContaining("label 'dog' has 1 image: at least 2 are needed")
                .satisfies(e -> assertThat(((DatasetValidationException) e).problems()).hasSize(1));
        assertThat(LabelsFileDataset.scan(file, BAR, ClassificationTask.MULTI_LABEL, new DatasetRules(2, 1)).size())
                .isEqualTo(3);
    }

    @Test
    void evaluationSkipsUnusableImagesButNotUnsafePaths() throws Exception {
        images("a.png", "b.png");
        Files.writeString(root.resolve("c.png"), "not an image");
        Path file = labelsFile("a.png|cat", "missing.png|dog", "b.png|dog", "c.png|dog");

        // found through the registered reader (META-INF/services in the test resources), as pipeline's are
        ImageDataset data = ImageDataset.scanSkippingUnusable(file, ClassificationTask.SINGLE_LABEL);

        assertThat(data.images()).extracting(LabeledImage::relativePath).containsExactly("a.png", "b.png");
        assertThat(data.unusable()).extracting(DatasetProblem::kind).containsExactly(Kind.MISSING_FILE,
                Kind.NOT_AN_IMAGE);
        assertThatThrownBy(() -> ImageDataset.scan(file, ClassificationTask.SINGLE_LABEL, new DatasetRules(2, 1)))
                .isInstanceOf(DatasetValidationException.class).hasMessageContaining("has 2 problems");
        Path unsafe = labelsFile("a.png|cat", "../x.png|dog");
        assertThatThrownBy(() -> ImageDataset.scanSkippingUnusable(unsafe, ClassificationTask.SINGLE_LABEL))
                .isInstanceOf(DatasetValidationException.class).hasMessageContaining("leaves the labels file's folder");
    }

    @Test
    void aPathThatDoesNotExistOrHasAnUnknownExtensionIsNamed() throws Exception {
        assertThatThrownBy(() -> ImageDataset.scan(root.resolve("nope.jsonl"), ClassificationTask.SINGLE_LABEL,
                DatasetRules.defaults()))
                .isInstanceOf(DatasetValidationException.class).hasMessageContaining("nope.jsonl: does not exist");
        Path txt = Files.writeString(root.resolve("labels.txt"), "a.png,cat\n");
        assertThatThrownBy(() -> ImageDataset.scan(txt, ClassificationTask.SINGLE_LABEL, DatasetRules.defaults()))
                .isInstanceOf(DatasetValidationException.class)
                .hasMessageContaining("is not a labels file this SDK reads: give a .jsonl file")
                .hasMessageContaining("(readers found for .bar)");
    }
}
