package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LabelMapTest {

    @Test
    void readsTheFixtureArrayForm() {
        LabelMap labels = LabelMap.read(ImageClassificationFixtures.dir().resolve("bestModelMap.json"));

        assertThat(labels.labels()).containsExactly("daisy", "dandelion", "roses", "sunflowers", "tulips");
        assertThat(labels.size()).isEqualTo(5);
        assertThat(labels.label(2)).isEqualTo("roses");
        assertThat(labels.indexOf("tulips")).isEqualTo(4);
        assertThat(labels.indexOf("cactus")).isEqualTo(-1);
        assertThat(LabelMap.read(ImageClassificationFixtures.dir().resolve("labels.json"))).isEqualTo(labels);
    }

    @Test
    void readsTheObjectForm() {
        LabelMap labels = LabelMap.parse("{\"1\": \"dandelion\", \"0\": \"daisy\", \"2\": \"roses\"}");

        assertThat(labels.labels()).containsExactly("daisy", "dandelion", "roses");
    }

    @Test
    void writesModelBuilderFormatAndReadsItBack(@TempDir Path dir) throws Exception {
        LabelMap labels = LabelMap.of("a b", "ü", "c\"d");
        Path file = dir.resolve("bestModelMap.json");

        labels.write(file);

        assertThat(Files.readString(file)).isEqualTo("[\"a b\",\"ü\",\"c\\\"d\"]");
        assertThat(LabelMap.read(file)).isEqualTo(labels);
        assertThat(LabelMap.parse("\uFEFF" + labels.toJson())).isEqualTo(labels);
    }

    @Test
    void rejectsBadObjectForms() {
        assertThatThrownBy(() -> LabelMap.parse("{\"0\": \"a\", \"2\": \"b\"}")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("class index 2 is out of range");
        assertThatThrownBy(() -> LabelMap.parse("{\"0\": \"a\", \"x\": \"b\"}")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("key 'x' is not a class index");
        assertThatThrownBy(() -> LabelMap.parse("{\"0\": \"a\", \"00\": \"b\"}")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("class index 0 appears twice");
        assertThatThrownBy(() -> LabelMap.parse("{\"0\": \"a\", \"1\": 5}")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("must be a string label");
    }

    @Test
    void rejectsDuplicateAndBlankLabels() {
        assertThatThrownBy(() -> LabelMap.parse("[\"a\",\"b\",\"a\"]")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label 2 'a' is invalid: labels must be distinct; it repeats label 0");
        assertThatThrownBy(() -> LabelMap.parse("[\"a\",\"  \"]")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label 1 '  ' is invalid: labels must not be blank");
        assertThatThrownBy(() -> LabelMap.parse("[]")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("at least one label");
        assertThatThrownBy(() -> LabelMap.of(List.of("x", "x"))).isInstanceOf(ValidationException.class);
    }

    @Test
    void rejectsMalformedJson(@TempDir Path dir) throws Exception {
        Path broken = dir.resolve("bestModelMap.json");
        Files.writeString(broken, "[\"a\", ");

        assertThatThrownBy(() -> LabelMap.read(broken)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining(broken.toString()).hasMessageContaining("is not valid JSON");
        assertThatThrownBy(() -> LabelMap.parse("\"daisy\"")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("must be a JSON array of labels");
        assertThatThrownBy(() -> LabelMap.read(dir.resolve("missing.json"))).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label map not found");
    }

    @Test
    void requireSizeNamesBothSizes() {
        LabelMap labels = LabelMap.of("a", "b", "c", "d");

        assertThat(labels.requireSize(4, "m.onnx")).isSameAs(labels);
        assertThatThrownBy(() -> labels.requireSize(5, "bestModel.onnx")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("label map has 4 labels but bestModel.onnx outputs 5 classes");
    }

    @Test
    void refusesLabelsWithControlCharacters() {
        for (String bad : new String[] {"nul\u0000", "\u001b[2Jwiped", "two\nlines", "c1\u009b", "rtl\u202egnp.exe",
                "iso\u2066late"}) {
            assertThatThrownBy(() -> LabelMap.of("daisy", bad))
                    .isInstanceOf(dev.modelbuilder.core.exception.ValidationException.class)
                    .hasMessageContaining("labels must not hold control or bidirectional formatting characters")
                    .satisfies(e -> assertThat(e.getMessage()).doesNotContain(bad));
        }
        assertThatThrownBy(() -> LabelMap.parse("[\"daisy\", \"\\u001b]0;pwned\\u0007\"]"))
                .isInstanceOf(dev.modelbuilder.core.exception.ModelLoadException.class)
                .hasMessageContaining("U+001B at position 0").hasMessageContaining("\\u001b]0;pwned\\u0007");
    }
}
