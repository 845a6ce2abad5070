package dev.modelbuilder.spark;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.spark.implementation.BatchArguments;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The batch job's formats and input and output checks, on the shared local[2] session (JSON: BatchScoringCommandIT). */
class BatchJobTest {
    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path zip;
    static Path images;
    static Map<String, Prediction> expected;

    @BeforeAll
    static void setUp() throws Exception {
        spark = SparkTestSupport.spark();
        zip = SparkTestSupport.fixturePackage(dir.resolve("model"));
        images = SparkTestSupport.fixtureImages(dir);
        Files.writeString(images.resolve("notes.txt"), "no image", StandardCharsets.UTF_8);
        expected = SparkTestSupport.inProcess(zip, ImageClassificationFixtures.imageFiles());
    }

    @Test
    void parquetKeepsTheScoresAsAMap() {
        Path out = dir.resolve("parquet");
        BatchJob.Summary summary = BatchJob.run(spark, new BatchArguments(zip.toString(), images.toString(),
                out.toString(), "parquet", 3, false, null));

        assertThat(summary.rows()).isEqualTo(9);
        assertThat(summary.errors()).isEqualTo(1);
        assertThat(summary.firstErrors()).singleElement().asString().contains("notes.txt: ");
        var written = spark.read().parquet(out.toString());
        assertThat(written.columns()).containsExactly("path", "label", "score", "scores", "error");
        // (Parquet gives a map back with nullable values, whatever was written)
        assertThat(written.schema().apply("scores").dataType())
                .isIn(DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false),
                        DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, true));
        for (Row row : written.filter("error IS NULL").collectAsList()) {
            String name = SparkTestSupport.fileName(row.getAs("path"));
            SparkTestSupport.assertSamePrediction(row, expected.get(name), name);
        }
    }

    @Test
    void csvHasAHeaderAndTheScoresAsJson() throws Exception {
        Path out = dir.resolve("csv");
        BatchJob.run(spark, new BatchArguments(zip.toString(), images.resolve("*.png").toString(), out.toString(), "csv",
                8, false, null));

        List<Row> rows = spark.read().option("header", "true").csv(out.toString()).collectAsList();
        assertThat(rows).hasSize(6); // the glob: six PNG images, no notes.txt
        ObjectMapper json = new ObjectMapper();
        for (Row row : rows) {
            String name = SparkTestSupport.fileName(row.getAs("path"));
            Prediction want = expected.get(name);
            assertThat(row.<String>getAs("label")).isEqualTo(want.label());
            JsonNode scores = json.readTree(row.<String>getAs("scores"));
            want.scores().forEach((label, p) -> assertThat(scores.get(label).asDouble()).isCloseTo(p,
                    within(SparkTestSupport.SCORE_TOLERANCE)));
        }
    }

    @Test
    void aMissingInputOrAnExistingOutputIsRefusedBeforeScoring() throws Exception {
        Path existing = Files.createDirectories(dir.resolve("existing"));
        assertThatThrownBy(() -> BatchJob.run(spark, new BatchArguments(zip.toString(), images.toString(),
                existing.toString(), "json", 8, false, null)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("it already exists");
        assertThatThrownBy(() -> BatchJob.run(spark, new BatchArguments(zip.toString(),
                dir.resolve("no-such-folder").toString(), dir.resolve("o1").toString(), "json", 8, false, null)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("there is no such file or folder");
        assertThatThrownBy(() -> BatchJob.run(spark, new BatchArguments(zip.toString(),
                images.resolve("*.tiff").toString(), dir.resolve("o2").toString(), "json", 8, false, null)))
                .isInstanceOf(ValidationException.class).hasMessageContaining("the pattern matches no file");
        assertThat(dir.resolve("o1")).doesNotExist();
    }
}
