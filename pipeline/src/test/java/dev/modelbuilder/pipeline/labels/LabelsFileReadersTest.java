package dev.modelbuilder.pipeline.labels;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.dataset.DatasetProblem;
import dev.modelbuilder.core.dataset.DatasetProblem.Kind;
import dev.modelbuilder.core.dataset.DatasetRules;
import dev.modelbuilder.core.dataset.DatasetValidationException;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.dataset.LabelsFileDataset;
import dev.modelbuilder.core.dataset.LabelsFileReader;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The JSONL and CSV labels files, read through core's scan (which finds these readers as services). */
class LabelsFileReadersTest {
    private static final DatasetRules ONE_EACH = new DatasetRules(2, 1);

    @TempDir
    Path dir;

    private void images(String... names) throws IOException {
        for (String name : names) {
            Path file = dir.resolve(name);
            Files.createDirectories(file.getParent());
            BufferedImage img = new BufferedImage(8, 6, BufferedImage.TYPE_INT_RGB);
            img.setRGB(1, 1, name.hashCode());
            ImageIO.write(img, "png", file.toFile());
        }
    }

    @Test
    void jsonlInAzureMlsFormWithStringsListsAndIgnoredFields() throws Exception {
        images("images/1.png", "images/2.png", "images/3.png");
        Path file = Files.writeString(dir.resolve("train.jsonl"), "\uFEFF"
                + "{\"image_url\": \"images/1.png\", \"image_details\": {\"format\": \"png\", \"width\": \"8px\"},"
                + " \"label\": \"can\"}\n"
                + "\n"
                + "{\"image_url\": \"images/2.png\", \"label\": [\"can\", \"milk_bottle\"]}\n"
                + "{\"label\": [], \"image_url\": \"images/3.png\", \"extra\": 1}\n");

        ImageDataset data = ImageDataset.scan(file, ClassificationTask.MULTI_LABEL, ONE_EACH);

        assertThat(data).isInstanceOf(LabelsFileDataset.class);
        assertThat(((LabelsFileDataset) data).format()).isEqualTo("JSONL");
        assertThat(data.labels()).containsExactly("can", "milk_bottle");
        assertThat(data.images()).extracting(LabeledImage::relativePath)
                .containsExactly("images/1.png", "images/2.png", "images/3.png");
        assertThat(data.images()).extracting(LabeledImage::labels)
                .containsExactly(List.of("can"), List.of("can", "milk_bottle"), List.of());
    }

    @Test
    void jsonlBadRowsAreAllListedWithTheirLines() throws Exception {
        images("a.png", "b.png");
        Path file = Files.writeString(dir.resolve("bad.jsonl"), String.join("\n",
                "{\"image_url\": \"a.png\", \"label\": \"cat\"}",
                "{\"image_url\": \"b.png\", \"label\": \"dog\"",
                "[1, 2]",
                "{\"label\": \"cat\"}",
                "{\"image_url\": \"b.png\"}",
                "{\"image_url\": \"b.png\", \"label\": [{\"label\": \"cat\", \"topX\": 0.1}]}",
                "{\"image_url\": 7, \"label\": {\"x\": 1}}",
                "{\"image_url\": \"../b.png\", \"label\": \"cat\"}",
                "{\"image_url\": \"https://example.org/b.png\", \"label\": \"cat\"}",
                "{\"image_url\": \"b.png\", \"label\": [\"cat\", \"dog\"]}") + "\n");

        assertThatThrownBy(() -> ImageDataset.scan(file, ClassificationTask.SINGLE_LABEL, ONE_EACH))
                .isInstanceOf(DatasetValidationException.class)
                .satisfies(e -> {
                    List<DatasetProblem> p = ((DatasetValidationException) e).problems();
                    assertThat(p).extracting(DatasetProblem::kind).containsExactly(Kind.INVALID_ROW,
                            Kind.INVALID_ROW, Kind.INVALID_ROW, Kind.INVALID_ROW, Kind.INVALID_ROW, Kind.INVALID_ROW,
                            Kind.UNSAFE_PATH, Kind.UNSAFE_PATH, Kind.SEVERAL_LABELS);
                    assertThat(e.getMessage())
                            .contains("line 2: is not valid JSON")
                            .contains("line 3: is not a JSON object")
                            .contains("line 4: 'image_url' is missing")
                            .contains("line 5: 'label' is missing: give a string, or a list of strings")
                            .contains("line 6: 'label' holds object")
                            .contains("line 7: 'image_url' is not a string").contains("'label' is an object")
                            .contains("line 8: '../b.png' leaves the labels file's folder")
                            .contains("line 9: 'https://example.org/b.png' is a URL (https://)")
                            .contains("line 10: 'b.png' has 2 labels [cat, dog]")
                            .contains("--multi-label");
                });
    }

    @Test
    void csvPerRfc4180WithQuotedFieldsAndSemicolonSeparatedLabels() throws Exception {
        images("photos/1.png", "photos/with, comma.png", "photos/3.png", "photos/say \"hi\".png");
        Path file = Files.writeString(dir.resolve("labels.csv"), "\uFEFFlabels,image,note\r\n"
                + "shirt;bag,photos/1.png,x\r\n"
                + "shirt,\"photos/with, comma.png\",\"two\r\nlines\"\r\n"
                + "\r\n"
                + ",photos/3.png,\r\n"
                + "\" bag ; shirt ;\",\"photos/say \"\"hi\"\".png\",\r\n");

        ImageDataset data = ImageDataset.scan(file, ClassificationTask.MULTI_LABEL, ONE_EACH);

        assertThat(((LabelsFileDataset) data).format()).isEqualTo("CSV");
        assertThat(data.images()).extracting(LabeledImage::relativePath).containsExactly("photos/1.png",
                "photos/with, comma.png", "photos/3.png", "photos/say \"hi\".png");
        assertThat(data.images()).extracting(LabeledImage::labels).containsExactly(List.of("shirt", "bag"),
                List.of("shirt"), List.of(), List.of("bag", "shirt"));
    }

    @Test
    void csvBadRecordsAndHeaders() throws Exception {
        images("a.png", "b.png");
        Path file = Files.writeString(dir.resolve("bad.csv"), "image,labels\n"
                + "a.png,cat\n"
                + "b.png,cat,extra\n"
                + "/abs.png,cat\n"
                + "a.png,dog\n"
                + "\"b.png,dog\n");
        assertThatThrownBy(() -> ImageDataset.scan(file, ClassificationTask.SINGLE_LABEL, ONE_EACH))
                .isInstanceOf(DatasetValidationException.class)
                .hasMessageContaining("line 3: has 3 fields, the header 2")
                .hasMessageContaining("line 4: '/abs.png' is an absolute path")
                .hasMessageContaining("line 5: 'a.png' is listed again (first on line 2)")
                .hasMessageContaining("line 6: cannot be read as CSV");

        Path header = Files.writeString(dir.resolve("header.csv"), "file,label\na.png,cat\n");
        assertThatThrownBy(() -> ImageDataset.scan(header, ClassificationTask.SINGLE_LABEL, ONE_EACH))
                .isInstanceOf(DatasetValidationException.class)
                .hasMessageContaining("line 1: the header names the columns [file, label]: it must name the columns"
                        + " 'image' and 'labels'");
    }

    @Test
    void theReadersAreRegisteredAsServices() {
        List<String> found = java.util.ServiceLoader.load(LabelsFileReader.class).stream()
                .map(p -> p.type().getName()).toList();
        assertThat(found).contains(JsonLinesLabelsReader.class.getName(), CsvLabelsReader.class.getName());
    }
}
