package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.local.SampleDatasets;
import dev.modelbuilder.testdata.ColourClassifier;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code train --backbone}: local training from a pretrained classifier given as an ONNX file. */
class TrainBackboneCommandTest {
    @TempDir
    Path tmp;

    @Test
    void trainsFromAnOnnxBackboneWithTheGivenPreprocessing() throws Exception {
        Path data = SampleDatasets.shapes(tmp.resolve("data"), 6, 3);
        CliHarness.Result r = CliHarness.run("train", "--data", data.toString(), "--experiment", "transfer",
                "--local-root", tmp.resolve("root").toString(), "--backbone", meanColourClassifier().toString(),
                "--preprocess", "squash", "--no-normalize", "--output", tmp.resolve("model").toString(), "--json");
        assertThat(r.exitCode()).as(r.err()).isZero();
        JsonNode result = new ObjectMapper().readTree(r.out());
        assertThat(result.get("run").get("status").asText()).isEqualTo("Completed");
        assertThat(r.err()).contains("backbone colours.onnx (SHA-256 ").contains("cut before");
        ModelPackage pkg = ModelPackage.read(tmp.resolve("model").resolve("MLModel.zip"));
        assertThat(pkg.pipeline().preprocessing()).isEqualTo(PreprocessingSpec.squash(ColourClassifier.SIZE).withoutNormalization());
    }

    /** A classifier of the mean colour (testdata's): input [N,3,8,8], GlobalAveragePool, Flatten, Gemm (4 classes). */
    private Path meanColourClassifier() {
        float[][] weights = new float[3][4];
        for (int i = 0; i < 12; i++) {
            weights[i / 4][i % 4] = i % 5 - 2f;
        }
        return ColourClassifier.writeModel(tmp.resolve("colours.onnx"), weights);
    }
}
