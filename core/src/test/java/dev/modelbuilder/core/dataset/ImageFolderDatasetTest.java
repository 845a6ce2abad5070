package dev.modelbuilder.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.dataset.DatasetProblem.Kind;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Dataset scanning on real image files written into a temporary folder. */
class ImageFolderDatasetTest {
    @TempDir
    Path root;

    @Test
    void scansLabelsInSortedOrderIgnoringHiddenAndRootFiles() throws Exception {
        TestImages.dataset(root, List.of("roses", "daisy", "tulips"), 5);
        Files.writeString(root.resolve("LICENSE.txt"), "CC-BY");
        Files.writeString(root.resolve("daisy").resolve(".DS_Store"), "junk");
        Files.createDirectories(root.resolve(".git"));
        Files.writeString(root.resolve(".git").resolve("HEAD"), "ref");
        TestImages.write(root.resolve("daisy").resolve(".hidden").resolve("x.png"), "png", 9);

        ImageFolderDataset data = ImageFolderDataset.scan(root);

        assertThat(data.labels()).containsExactly("daisy", "roses", "tulips");
        assertThat(data.size()).isEqualTo(15);
        assertThat(data.imagesOf("daisy")).extracting(LabeledImage::relativePath)
                .containsExactly("daisy/daisy_0.png", "daisy/daisy_1.jpg", "daisy/daisy_2.bmp", "daisy/daisy_3.gif",
                        "daisy/daisy_4.png");
        assertThat(data.imagesOf("daisy")).extracting(i -> i.info().format())
                .containsExactly(ImageFormat.PNG, ImageFormat.JPEG, ImageFormat.BMP, ImageFormat.GIF, ImageFormat.PNG);
        assertThat(data.images()).allSatisfy(i -> {
            assertThat(i.info().width()).isEqualTo(40);
            assertThat(i.info().height()).isEqualTo(30);
        });
        assertThat(data.totalBytes()).isPositive();
    }

    @Test
    void symbolicLinksToFilesAreListedAsSkippedNotFollowed() throws Exception {
        TestImages.dataset(root, List.of("cat", "dog"), 5);
        Path outside = Files.createTempDirectory("outside-dataset");
        Path target = outside.resolve("elsewhere.png");
        TestImages.write(target, "png", 5);
        Path link = root.resolve("cat").resolve("linked.png");
        Files.createSymbolicLink(link, target);

        ImageFolderDataset data = ImageFolderDataset.scan(root);

        assertThat(data.imagesOf("cat")).hasSize(5).extracting(LabeledImage::relativePath)
                .doesNotContain("cat/linked.png");
        assertThat(data.skipped()).containsExactly(link.toAbsolutePath().normalize());
        Files.delete(link);
        Files.delete(target);
        Files.delete(outside);
    }

    @Test
    void aDatasetWithoutLinksSkipsNothing() {
        TestImages.dataset(root, List.of("cat", "dog"), 5);
        assertThat(ImageFolderDataset.scan(root).skipped()).isEmpty();
    }

    @Test
    void nestedFoldersCountForTheirTopLevelLabel() {
        TestImages.dataset(root, List.of("cat", "dog"), 5);
        TestImages.write(root.resolve("cat").resolve("indoor").resolve("deep").resolve("c.jpg"), "jpg", 77);
        ImageFolderDataset data = ImageFolderDataset.scan(root);
        assertThat(data.imagesOf("cat")).hasSize(6).extracting(LabeledImage::relativePath)
                .contains("cat/indoor/deep/c.jpg");
        assertThat(data.imagesOf("cat")).allMatch(i -> i.label().equals("cat"));
    }

    @Test
    void reportsEveryProblemInOneError() throws Exception {
        TestImages.dataset(root, List.of("cat", "dog"), 5);
        // a truncated JPEG: a real JPEG cut in half
        byte[] jpeg = TestImages.encode(TestImages.picture(400, 300, 3), "jpg");
        Path truncated = root.resolve("cat").resolve("truncated.jpg");
        Files.write(truncated, Arrays.copyOf(jpeg, jpeg.length / 2));
        // a text file named .png
        Path fakePng = root.resolve("dog").resolve("notes.png");
        Files.writeString(fakePng, "this is not an image", StandardCharsets.UTF_8);
        // a PNG with a flipped byte: checksum mismatch
        byte[] png = TestImages.encode(TestImages.picture(20, 20, 4), "png");
        png[png.length / 2] ^= 0x55;
        Path corruptPng = root.resolve("dog").resolve("corrupt.png");
        Files.write(corruptPng, png);
        // an empty label folder and one with too few images
        Files.createDirectories(root.resolve("empty"));
        TestImages.write(root.resolve("bird").resolve("b1.png"), "png", 5);
        TestImages.write(root.resolve("bird").resolve("b2.gif"), "gif", 6);

        assertThatThrownBy(() -> ImageFolderDataset.scan(root))
                .isInstanceOfSatisfying(DatasetValidationException.class, e -> {
                    assertThat(e.problems()).extracting(DatasetProblem::kind, DatasetProblem::path).containsExactly(
                            org.assertj.core.groups.Tuple.tuple(Kind.NOT_AN_IMAGE, fakePng),
                            org.assertj.core.groups.Tuple.tuple(Kind.CORRUPT_IMAGE, truncated),
                            org.assertj.core.groups.Tuple.tuple(Kind.CORRUPT_IMAGE, corruptPng),
                            org.assertj.core.groups.Tuple.tuple(Kind.TOO_FEW_IMAGES, root.resolve("bird")),
                            org.assertj.core.groups.Tuple.tuple(Kind.EMPTY_LABEL, root.resolve("empty")));
                    assertThat(e.getMessage()).startsWith("dataset " + root + " has 5 problems:")
                            .contains(fakePng + ": not a JPEG, PNG, BMP, GIF, WebP or TIFF image")
                            .contains(truncated + ": truncated JPEG: the file ends before its end-of-image marker")
                            .contains(corruptPng + ": corrupt PNG: checksum mismatch in chunk")
                            .contains("label 'bird' has 2 images: at least 5 are needed")
                            .contains("label 'empty' has no images: add images or remove the folder");
                    assertThat(e.violations()).hasSize(5);
                });
    }

    @Test
    void aLabelWithOnlyBadFilesHasNoUsableImages() throws Exception {
        TestImages.dataset(root, List.of("cat", "dog"), 5);
        Files.createDirectories(root.resolve("fish"));
        Files.writeString(root.resolve("fish").resolve("a.jpg"), "nope", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> ImageFolderDataset.scan(root)).isInstanceOf(DatasetValidationException.class)
                .hasMessageContaining("label 'fish' has no usable images");
    }

    @Test
    void scanningSkippingUnusableListsBadFilesAndAcceptsSmallSets() throws Exception {
        TestImages.dataset(root, List.of("only"), 1);
        Files.createDirectories(root.resolve("fish"));
        Path bad = root.resolve("fish").resolve("a.jpg");
        Files.writeString(bad, "nope", StandardCharsets.UTF_8);

        ImageFolderDataset data = ImageFolderDataset.scanSkippingUnusable(root);

        assertThat(data.labels()).containsExactly("fish", "only");
        assertThat(data.size()).isEqualTo(1);
        assertThat(data.unusable()).singleElement().satisfies(p -> {
            assertThat(p.kind()).isEqualTo(Kind.NOT_AN_IMAGE);
            assertThat(p.path()).isEqualTo(bad.toAbsolutePath().normalize());
        });
        assertThatThrownBy(() -> ImageFolderDataset.scan(root, new DatasetRules(2, 1)))
                .isInstanceOf(DatasetValidationException.class);
    }

    @Test
    void needsAtLeastTwoLabels() {
        TestImages.dataset(root, List.of("only"), 6);
        assertThatThrownBy(() -> ImageFolderDataset.scan(root))
                .isInstanceOfSatisfying(DatasetValidationException.class, e -> assertThat(e.problems())
                        .singleElement().satisfies(p -> {
                            assertThat(p.kind()).isEqualTo(Kind.TOO_FEW_LABELS);
                            assertThat(p.detail()).isEqualTo("has 1 label folder: at least 2 are needed, one"
                                    + " sub-folder of images per label");
                        }));
    }

    @Test
    void missingFolderIsReported() {
        Path missing = root.resolve("nope");
        assertThatThrownBy(() -> ImageFolderDataset.scan(missing)).isInstanceOf(DatasetValidationException.class)
                .hasMessageContaining(missing + ": does not exist");
    }

    @Test
    void customMinimumApplies() {
        TestImages.dataset(root, List.of("a", "b"), 2);
        assertThat(ImageFolderDataset.scan(root, DatasetRules.defaults().withMinImagesPerLabel(2)).size()).isEqualTo(4);
        assertThatThrownBy(() -> new DatasetRules(1, 1)).hasMessage("minimum label count '1' is invalid: use 2 or more");
    }

    @Test
    void splitIsStratifiedAndDeterministic() {
        TestImages.dataset(root, List.of("a", "b", "c"), 10);
        ImageFolderDataset data = ImageFolderDataset.scan(root);
        DatasetSplit split = data.split(0.2, 7);
        assertThat(split.validation()).hasSize(6);
        assertThat(split.training()).hasSize(24);
        assertThat(split.validation()).extracting(LabeledImage::label).containsOnly("a", "b", "c")
                .filteredOn("a"::equals).hasSize(2);
        assertThat(data.split(0.2, 7).validation()).isEqualTo(split.validation());
        assertThat(split.classIndex(split.training().get(0))).isBetween(0, 2);
    }

    @Test
    void labelFoldersWithControlCharactersAreProblems() throws Exception {
        TestImages.dataset(root, List.of("daisy", "roses", "red\u001b[31mrose", "two\nlines", "rtl\u202egnp.exe"),
                5);

        assertThatThrownBy(() -> ImageFolderDataset.scan(root)).isInstanceOfSatisfying(
                DatasetValidationException.class, e -> {
                    assertThat(e.problems()).filteredOn(p -> p.kind() == Kind.INVALID_LABEL).extracting(
                            DatasetProblem::detail).containsExactlyInAnyOrder(
                            "label folder 'red\\u001b[31mrose' contains the control character U+001B at position 3: "
                                    + "rename the folder (its name is the label)",
                            "label folder 'two\\u000alines' contains the control character U+000A at position 3: "
                                    + "rename the folder (its name is the label)",
                            "label folder 'rtl\\u202egnp.exe' contains the bidirectional formatting character U+202E"
                                    + " at position 3, which changes how the label reads on screen: rename the folder"
                                    + " (its name is the label)");
                });
    }
}
