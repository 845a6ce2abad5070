package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import org.junit.jupiter.api.Test;

class PipelineSpecTest {

    @Test
    void roundTripsThroughJson() {
        PipelineSpec p = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224))
                .withInputName("in").withOutputName("out").withOutputKind(OutputKind.PROBABILITIES);

        PipelineSpec back = PipelineSpec.parse(p.toJson());

        assertThat(back).isEqualTo(p);
        assertThat(back.majorVersion()).isEqualTo(1);
        assertThat(back.minorVersion()).isEqualTo(1);
        assertThat(p.toJson()).contains("\"formatVersion\" : \"1.1\"", "\"geometry\" : \"resize-crop\"",
                "\"resizeShorterSide\" : 256", "\"mean\" : [ 0.485, 0.456, 0.406 ]", "\"outputKind\" : \"probabilities\"");
        PipelineSpec squash = PipelineSpec.of(PreprocessingSpec.squash(299).withoutNormalization());
        assertThat(PipelineSpec.parse(squash.toJson())).isEqualTo(squash);
    }

    @Test
    void rawPixelsAndMultiLabelOutputsAreFormatTwoAndRoundTrip() {
        PipelineSpec raw = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224).withRawPixels());
        assertThat(raw.requiredFormatVersion()).isEqualTo("2.0");
        assertThat(raw.toJson()).contains("\"formatVersion\" : \"2.0\"", "\"scale\" : \"x\"",
                "\"normalize\" : false", "\"activation\" : \"softmax\"");
        assertThat(PipelineSpec.parse(raw.toJson())).isEqualTo(raw);

        PipelineSpec multi = PipelineSpec.of(PreprocessingSpec.squash(224))
                .withMultiLabel(0.4, java.util.Map.of("snow", 0.7));
        assertThat(multi.toJson()).contains("\"formatVersion\" : \"2.0\"", "\"activation\" : \"sigmoid\"",
                "\"threshold\" : 0.4", "\"snow\" : 0.7", "\"scale\" : \"x/255\"");
        PipelineSpec back = PipelineSpec.parse(multi.toJson());
        assertThat(back).isEqualTo(multi);
        assertThat(back.isMultiLabel()).isTrue();
        assertThat(back.thresholdOf("snow")).isEqualTo(0.7);
        assertThat(back.thresholdOf("outdoor")).isEqualTo(0.4);

        PipelineSpec plain = PipelineSpec.of(PreprocessingSpec.squash(224));
        assertThat(plain.toJson()).as("what older SDKs read stays 1.1").contains("\"formatVersion\" : \"1.1\"")
                .doesNotContain("activation");
    }

    @Test
    void formatOneReadersRuleRefusesRawPixelsInAOneXArchive() {
        String json = PipelineSpec.of(PreprocessingSpec.squash(224)).toJson()
                .replace("\"scale\" : \"x/255\"", "\"scale\" : \"x\"");

        assertThatThrownBy(() -> PipelineSpec.parse(json)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("scale \"x\" is not supported (only 'x/255')");
    }

    @Test
    void thresholdsAndScalesAreChecked() {
        assertThatThrownBy(() -> PipelineSpec.of(PreprocessingSpec.squash(224)).withMultiLabel(1.0, java.util.Map.of()))
                .isInstanceOf(ValidationException.class).hasMessageContaining("use a probability above 0 and below 1");
        assertThatThrownBy(() -> new PreprocessingSpec(PreprocessingSpec.Geometry.SQUASH, 224, 224, 0, true,
                new float[] {0, 0, 0}, new float[] {1, 1, 1}, PreprocessingSpec.PixelScale.RAW))
                .isInstanceOf(ValidationException.class).hasMessageContaining("raw pixel values are never normalized");
        String json = PipelineSpec.of(PreprocessingSpec.squash(224)).withMultiLabel(0.5, java.util.Map.of()).toJson()
                .replace("\"sigmoid\"", "\"relu\"");
        assertThatThrownBy(() -> PipelineSpec.parse(json)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("use 'softmax' or 'sigmoid'");
    }

    @Test
    void acceptsANewerMinorVersionWithUnknownFields() {
        String json = PipelineSpec.of(PreprocessingSpec.squash(224)).toJson()
                .replace("\"formatVersion\" : \"1.1\"", "\"formatVersion\" : \"1.7\", \"futureField\" : {\"x\" : 1}");

        PipelineSpec p = PipelineSpec.parse(json);

        assertThat(p.formatVersion()).isEqualTo("1.7");
        assertThat(p.minorVersion()).isEqualTo(7);
    }

    @Test
    void refusesAnUnknownMajorVersion() {
        String json = "{\"formatVersion\": \"3.0\", \"whatever\": true}";

        assertThatThrownBy(() -> PipelineSpec.parse(json)).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("format version 3.0 is not supported; this SDK reads 1.x and 2.x")
                .hasMessageContaining("upgrade modelbuilder-scoring");
    }

    @Test
    void namesMissingOrInvalidFields() {
        String json = PipelineSpec.of(PreprocessingSpec.squash(224)).toJson();

        assertThatThrownBy(() -> PipelineSpec.parse(json.replace("\"inputName\"", "\"inputNom\"")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("'inputName' is missing");
        assertThatThrownBy(() -> PipelineSpec.parse(json.replace("\"squash\"", "\"stretch\"")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("preprocessing geometry 'stretch'");
        assertThatThrownBy(() -> PipelineSpec.parse(json.replace("pillow-bilinear", "bicubic")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("resampling \"bicubic\" is not supported");
        assertThatThrownBy(() -> PipelineSpec.parse(json.replace("\"logits\"", "\"odds\"")))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("output kind 'odds'");
        assertThatThrownBy(() -> PipelineSpec.parse("{\"formatVersion\": \"one\"}"))
                .isInstanceOf(ModelLoadException.class).hasMessageContaining("is not MAJOR.MINOR");
        assertThatThrownBy(() -> PipelineSpec.parse("[1]")).isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("must hold a JSON object");
        assertThatThrownBy(() -> new PipelineSpec("1", PreprocessingSpec.squash(1), "a", "b", OutputKind.LOGITS,
                PipelineSpec.Producer.current())).isInstanceOf(ValidationException.class);
    }
}
