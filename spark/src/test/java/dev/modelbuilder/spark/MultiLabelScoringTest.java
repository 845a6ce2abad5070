package dev.modelbuilder.spark;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.spark.implementation.BatchArguments;
import dev.modelbuilder.testdata.ColourClassifier;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/**
 * A multi-label package on local[2]: the stage, the batch job (JSON and CSV) and the SQL function add the labels that
 * reached their thresholds, equal to the in-process engine's. A colour model whose sigmoid outputs the test controls:
 * red and green are independent labels (green with its own threshold of 0.9), blue is never predicted.
 */
class MultiLabelScoringTest {
    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path zip;
    static Path images;
    static Map<String, Prediction> expected;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSupport.spark();
        // logits (channels in 0-1): 10 (R - B) for "red", 10 (G - B) for "green", -10 (R + G + B) for "blue", so that
        // blue is never predicted and a blue pixel pushes red and green below 0.5
        float[][] weights = {{10, 0, -10}, {0, 10, -10}, {-10, -10, -10}};
        zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ColourClassifier.writeModel(dir.resolve("colours.onnx"), weights),
                LabelMap.of("red", "green", "blue"), PipelineSpec.of(PreprocessingSpec.squash(ColourClassifier.SIZE)
                        .withoutNormalization()).withMultiLabel(0.5, Map.of("green", 0.9)));
        images = dir.resolve("images");
        ColourClassifier.writeSolidPng(images.resolve("yellow.png"), 255, 255, 0, 8);
        ColourClassifier.writeSolidPng(images.resolve("red.png"), 255, 0, 0, 8);
        // green's logit (62 - 40) / 255 * 10 = 0.86, sigmoid 0.70: above the default 0.5, below green's own 0.9;
        // red's -1.57, sigmoid 0.17
        ColourClassifier.writeSolidPng(images.resolve("darkgreen.png"), 0, 62, 40, 8);
        ColourClassifier.writeSolidPng(images.resolve("blue.png"), 0, 0, 255, 8);
        try (Stream<Path> files = Files.list(images)) {
            expected = SparkTestSupport.inProcess(zip, files.sorted().toList());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void theInProcessEngineGivesTheLabelSetsThisTestExpects() {
        // guards the fixture: if these change, the comparisons below compare the wrong thing
        assertThat(expected.get("yellow.png").labels()).containsExactly("red", "green");
        assertThat(expected.get("red.png").labels()).containsExactly("red");
        assertThat(expected.get("blue.png").labels()).isEmpty();
        assertThat(expected.get("darkgreen.png").scores().get("green")).isBetween(0.5, 0.9);
        assertThat(expected.get("darkgreen.png").labels()).isEmpty();
        assertThat(expected.values()).allSatisfy(p -> assertThat(p.multiLabel()).isTrue());
    }

    @Test
    void theStageAddsTheLabelsColumnEqualToTheInProcessEngine() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        ImageClassifier classifier = new ImageClassifier().setModelPath(zip.toString()).setBatchSize(3);

        assertThat(classifier.transformSchema(files.schema()).apply("labels").dataType())
                .isEqualTo(DataTypes.createArrayType(DataTypes.StringType, false));
        Dataset<Row> scored = classifier.transform(files);
        assertThat(scored.columns()).containsExactly("path", "modificationTime", "length", "content", "label", "score",
                "labels", "scores", "error");
        List<Row> rows = scored.drop("content").collectAsList();
        assertThat(rows).hasSize(4);
        for (Row row : rows) {
            String name = SparkTestSupport.fileName(row.getAs("path"));
            SparkTestSupport.assertSamePrediction(row, expected.get(name), name);
            assertThat(row.<String>getList(row.fieldIndex("labels"))).as(name)
                    .containsExactlyElementsOf(expected.get(name).labels());
        }
    }

    @Test
    void theLabelsColumnCanBeRenamedAndMayNotClashWithTheInput() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        Dataset<Row> scored = new ImageClassifier().setModelPath(zip.toString()).setLabelsCol("predicted")
                .transform(files);
        assertThat(scored.columns()).contains("predicted").doesNotContain("labels");

        Dataset<Row> clashing = files.withColumnRenamed("length", "labels");
        assertThatThrownBy(() -> new ImageClassifier().setModelPath(zip.toString()).transform(clashing))
                .isInstanceOf(ValidationException.class).hasMessageContaining("labels")
                .hasMessageContaining("already has a column of that name");
    }

    @Test
    void theBatchJobWritesTheLabelsInJsonAndAsAJsonArrayInCsv() throws Exception {
        ObjectMapper json = new ObjectMapper();
        Path jsonOut = dir.resolve("json");
        BatchJob.run(spark, new BatchArguments(zip.toString(), images.toString(), jsonOut.toString(), "json", 8, false,
                null));
        List<JsonNode> objects = new ArrayList<>();
        try (Stream<Path> parts = Files.list(jsonOut)) {
            for (Path part : parts.filter(p -> p.getFileName().toString().startsWith("part-")).toList()) {
                for (String line : Files.readAllLines(part, StandardCharsets.UTF_8)) {
                    objects.add(json.readTree(line));
                }
            }
        }
        assertThat(objects).hasSize(4);
        for (JsonNode o : objects) {
            List<String> fields = new ArrayList<>();
            o.fieldNames().forEachRemaining(fields::add);
            assertThat(fields).containsExactly("path", "label", "score", "labels", "scores", "error");
            Prediction want = expected.get(SparkTestSupport.fileName(o.get("path").asText()));
            List<String> labels = new ArrayList<>();
            o.get("labels").forEach(l -> labels.add(l.asText()));
            assertThat(labels).containsExactlyElementsOf(want.labels());
            assertThat(o.get("scores").get("green").asDouble()).isCloseTo(want.scores().get("green"),
                    within(SparkTestSupport.SCORE_TOLERANCE));
        }

        Path csvOut = dir.resolve("csv");
        BatchJob.run(spark, new BatchArguments(zip.toString(), images.toString(), csvOut.toString(), "csv", 8, false,
                null));
        Dataset<Row> csv = spark.read().option("header", "true").csv(csvOut.toString());
        assertThat(csv.columns()).containsExactly("path", "label", "score", "labels", "scores", "error");
        for (Row row : csv.collectAsList()) {
            Prediction want = expected.get(SparkTestSupport.fileName(row.getAs("path")));
            List<String> labels = new ArrayList<>();
            json.readTree(row.<String>getAs("labels")).forEach(l -> labels.add(l.asText()));
            assertThat(labels).containsExactlyElementsOf(want.labels());
        }
    }

    @Test
    void theSqlFunctionReturnsTheLabelsToo() {
        ImageClassifierFunctions.registerPredict(spark, "colours_predict", zip.toString());
        spark.read().format("binaryFile").load(images.toString()).createOrReplaceTempView("colour_images");

        List<Row> rows = spark.sql("SELECT path, p.labels, p.error FROM "
                + "(SELECT path, colours_predict(content) AS p FROM colour_images)").collectAsList();

        assertThat(rows).hasSize(4);
        for (Row row : rows) {
            Prediction want = expected.get(SparkTestSupport.fileName(row.getAs("path")));
            assertThat(row.<String>getList(1)).containsExactlyElementsOf(want.labels());
            assertThat(row.isNullAt(2)).isTrue();
        }
    }
}
