package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.dataset.ImageFormat;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sample dataset is a valid, varied, reproducible image folder. */
class SampleDatasetsTest {

    @TempDir
    Path temp;

    @Test
    void writesAValidDatasetOfVariedPngAndJpegImages() {
        Path dir = SampleDatasets.shapes(temp.resolve("a"), 6, 42);
        ImageFolderDataset data = ImageFolderDataset.scan(dir);
        assertThat(data.labels()).containsExactly("circle", "square", "triangle");
        assertThat(data.images()).hasSize(18);
        assertThat(data.images()).extracting(i -> i.info().format()).contains(ImageFormat.PNG, ImageFormat.JPEG);
        assertThat(data.images()).extracting(i -> i.info().width()).allSatisfy(w -> assertThat(w).isBetween(64, 128))
                .doesNotHaveDuplicates().hasSizeGreaterThan(1);
    }

    @Test
    void sameArgumentsGiveTheSameFilesAndAnotherSeedOthers() throws Exception {
        Path a = SampleDatasets.shapes(temp.resolve("a"), 5, 7, EnumSet.allOf(SampleDatasets.Shape.class));
        Path b = SampleDatasets.shapes(temp.resolve("b"), 5, 7, EnumSet.allOf(SampleDatasets.Shape.class));
        Path c = SampleDatasets.shapes(temp.resolve("c"), 5, 8, EnumSet.allOf(SampleDatasets.Shape.class));
        ImageFolderDataset da = ImageFolderDataset.scan(a);
        assertThat(da.labels()).containsExactly("circle", "square", "star", "triangle");
        for (LabeledImage image : da.images()) {
            byte[] bytes = Files.readAllBytes(image.path());
            assertThat(Files.readAllBytes(b.resolve(image.relativePath()))).isEqualTo(bytes);
            assertThat(Files.readAllBytes(c.resolve(image.relativePath()))).isNotEqualTo(bytes);
        }
    }

    @Test
    void rejectsImpossibleArguments() {
        assertThatThrownBy(() -> SampleDatasets.shapes(temp, 0, 1)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> SampleDatasets.shapes(temp, 1, 1, EnumSet.noneOf(SampleDatasets.Shape.class)))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
