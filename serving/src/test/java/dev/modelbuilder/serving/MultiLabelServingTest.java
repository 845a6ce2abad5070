package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.get;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.testdata.ColourClassifier;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A multi-label model over HTTP: the answer carries the label set that passed the thresholds (and no single label),
 * {@code GET /model} says it is multi-label with its thresholds. A colour model whose sigmoid outputs a test controls:
 * red and green are independent labels, blue is never shown.
 */
class MultiLabelServingTest {

    @Test
    void answersTheLabelSetAndDescribesTheThresholds(@TempDir Path tmp) throws Exception {
        // logits: red channel * 10 for "red", green * 10 for "green", -10 for "blue" (never reaches 0.5)
        float[][] weights = {{10, 0, -10}, {0, 10, -10}, {0, 0, -10}};
        Path zip = tmp.resolve("MLModel.zip");
        ModelPackage.write(zip, ColourClassifier.writeModel(tmp.resolve("m.onnx"), weights),
                LabelMap.of("red", "green", "blue"), PipelineSpec.of(PreprocessingSpec.squash(ColourClassifier.SIZE)
                        .withoutNormalization()).withMultiLabel(0.5, Map.of("green", 0.9)));
        Path yellow = ColourClassifier.writeSolidPng(tmp.resolve("yellow.png"), 255, 255, 0, 8);
        Path red = ColourClassifier.writeSolidPng(tmp.resolve("red.png"), 255, 0, 0, 8);

        try (ConfigurableApplicationContext context = ServingFixtures.startWeb(Map.of("modelbuilder.model",
                zip.toString()))) {
            ServingFixtures.awaitReady(context);
            URI base = ServingFixtures.base(context);

            JsonNode both = json(send(raw(base.resolve("/predict"), Files.readAllBytes(yellow), "image/png")), 200);
            assertThat(both.has("label")).isFalse();
            assertThat(both.get("labels")).extracting(JsonNode::asText).containsExactly("red", "green");
            assertThat(both.get("scores").get("red").asDouble()).isCloseTo(1 / (1 + Math.exp(-10)), within(1e-6));

            JsonNode one = json(send(raw(base.resolve("/predict"), Files.readAllBytes(red), "image/png")), 200);
            assertThat(one.get("labels")).extracting(JsonNode::asText).containsExactly("red");

            JsonNode model = json(get(base.resolve("/model")), 200);
            assertThat(model.get("multiLabel").asBoolean()).isTrue();
            assertThat(model.get("thresholds").get("green").asDouble()).isEqualTo(0.9);
            assertThat(model.get("thresholds").get("red").asDouble()).isEqualTo(0.5);
        }
    }
}
