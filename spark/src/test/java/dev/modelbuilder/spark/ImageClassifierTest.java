package dev.modelbuilder.spark;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.testdata.DecodingFixtures;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

/** The transformer on local[2] against the in-process engine, its error rows, and the driver's checks. */
class ImageClassifierTest {
    @TempDir
    static Path dir;

    static SparkSession spark;
    static Path zip;
    static Path images;
    static Map<String, Prediction> expected;

    @BeforeAll
    static void setUp() {
        spark = SparkTestSupport.spark();
        zip = SparkTestSupport.fixturePackage(dir.resolve("model"));
        images = SparkTestSupport.fixtureImages(dir);
        expected = SparkTestSupport.inProcess(zip, ImageClassificationFixtures.imageFiles());
        assertThat(expected).hasSize(8);
    }

    @Test
    void binaryFileInputScoresEveryFixtureImageAsTheInProcessEngine() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        Dataset<Row> scored = new ImageClassifier().setModelPath(zip.toString()).setBatchSize(3).transform(files);

        assertThat(scored.columns()).containsExactly("path", "modificationTime", "length", "content", "label", "score",
                "scores", "error");
        List<Row> rows = scored.drop("content").collectAsList();
        assertThat(rows).hasSize(8);
        // the scores map keeps the class-index order
        List<String> keys = scored.select(functions.map_keys(functions.col("scores"))).limit(1).collectAsList()
                .get(0).getList(0);
        assertThat(keys).containsExactlyElementsOf(expected.get("rocket.jpg").scores().keySet());
        for (Row row : rows) {
            String name = SparkTestSupport.fileName(row.getAs("path"));
            SparkTestSupport.assertSamePrediction(row, expected.get(name), name);
        }
    }

    @Test
    void webpTiffAndCmykImagesScoreAsTheInProcessEngine() throws IOException {
        Path other = Files.createDirectories(dir.resolve("other-formats"));
        List<Path> files = new ArrayList<>();
        for (String name : List.of("webp_lossy.webp", "webp_lossless_alpha.webp", "tiff_rgb_lzw.tif",
                "jpeg_cmyk.jpg")) {
            files.add(Files.copy(DecodingFixtures.file(DecodingFixtures.entry(name)), other.resolve(name)));
        }
        Map<String, Prediction> want = SparkTestSupport.inProcess(zip, files);

        List<Row> rows = new ImageClassifier().setModelPath(zip.toString())
                .transform(spark.read().format("binaryFile").load(other.toString())).drop("content").collectAsList();

        assertThat(rows).hasSize(4);
        for (Row row : rows) {
            String name = SparkTestSupport.fileName(row.getAs("path"));
            SparkTestSupport.assertSamePrediction(row, want.get(name), name);
        }
    }

    @Test
    void aColumnOfPathsAndUrisIsReadThroughHadoopAndScoresTheSame() {
        List<String> paths = new ArrayList<>();
        for (Path f : ImageClassificationFixtures.imageFiles()) {
            Path copy = images.resolve(f.getFileName().toString());
            // plain local paths and file: URIs both resolve through Hadoop's file system
            paths.add(paths.size() % 2 == 0 ? copy.toString() : copy.toUri().toString());
        }
        Dataset<Row> uris = spark.createDataset(paths, Encoders.STRING()).toDF("uri").repartition(3);
        List<Row> rows = new ImageClassifier().setModelPath(zip.toUri().toString()).setInputCol("uri").setTopK(3)
                .transform(uris).collectAsList();

        assertThat(rows).hasSize(8);
        for (Row row : rows) {
            String name = SparkTestSupport.fileName(row.getAs("uri"));
            Prediction want = expected.get(name);
            SparkTestSupport.assertSamePrediction(row, want, name);
            List<Row> top = row.getList(row.fieldIndex("topK"));
            List<Prediction.LabelScore> wantTop = want.topK(3);
            assertThat(top).hasSize(3);
            for (int i = 0; i < 3; i++) {
                assertThat(top.get(i).<String>getAs("label")).isEqualTo(wantTop.get(i).label());
                assertThat(top.get(i).<Double>getAs("score")).isCloseTo(wantTop.get(i).score(),
                        within(SparkTestSupport.SCORE_TOLERANCE));
            }
        }
    }

    @Test
    void corruptAndNonImageFilesGiveErrorRowsAndTheJobSucceeds() throws IOException {
        Path mixed = Files.createDirectories(dir.resolve("mixed"));
        Path rocket = ImageClassificationFixtures.image("rocket.jpg");
        Files.copy(rocket, mixed.resolve("rocket.jpg"));
        byte[] jpeg = Files.readAllBytes(rocket);
        Files.write(mixed.resolve("truncated.jpg"), Arrays.copyOf(jpeg, 600));
        Files.writeString(mixed.resolve("notes.txt"), "not an image", StandardCharsets.UTF_8);

        Dataset<Row> files = spark.read().format("binaryFile").load(mixed.toString());
        Map<String, Row> byName = byFileName(new ImageClassifier().setModelPath(zip.toString()).transform(files)
                .drop("content").collectAsList(), "path");

        assertThat(byName).containsOnlyKeys("rocket.jpg", "truncated.jpg", "notes.txt");
        SparkTestSupport.assertSamePrediction(byName.get("rocket.jpg"), expected.get("rocket.jpg"), "rocket.jpg");
        for (String bad : List.of("truncated.jpg", "notes.txt")) {
            Row row = byName.get(bad);
            assertThat(row.<String>getAs("error")).as(bad).isNotBlank();
            assertThat(row.<String>getAs("label")).as(bad).isNull();
            assertThat(row.<Object>getAs("score")).as(bad).isNull();
            assertThat(row.<Object>getAs("scores")).as(bad).isNull();
        }

        // the same through a path column, plus a file that does not exist
        List<String> paths = List.of(mixed.resolve("rocket.jpg").toString(), mixed.resolve("notes.txt").toString(),
                mixed.resolve("missing.png").toString());
        Map<String, Row> byPath = byFileName(new ImageClassifier().setModelPath(zip.toString()).setInputCol("file")
                .transform(spark.createDataset(paths, Encoders.STRING()).toDF("file")).collectAsList(), "file");
        SparkTestSupport.assertSamePrediction(byPath.get("rocket.jpg"), expected.get("rocket.jpg"), "rocket.jpg");
        assertThat(byPath.get("notes.txt").<String>getAs("error")).isNotBlank();
        assertThat(byPath.get("missing.png").<String>getAs("error")).contains("cannot read it");
        assertThat(byPath.get("missing.png").<String>getAs("label")).isNull();
    }

    @Test
    void failOnErrorFailsTheJobNamingTheFile() throws IOException {
        Path broken = Files.createDirectories(dir.resolve("broken"));
        Files.copy(ImageClassificationFixtures.image("coffee.png"), broken.resolve("coffee.png"));
        Files.write(broken.resolve("half.png"), Arrays.copyOf(
                Files.readAllBytes(ImageClassificationFixtures.image("coffee.png")), 300));
        Dataset<Row> scored = new ImageClassifier().setModelPath(zip.toString()).setFailOnError(true)
                .transform(spark.read().format("binaryFile").load(broken.toString()));

        assertThatThrownBy(scored::collectAsList).satisfies(e -> assertThat(SparkTestSupport.cause(e, ScoringException.class))
                .as("the ScoringException in " + e).isNotNull()
                .hasMessageContaining("cannot score " + broken.resolve("half.png").toUri().toString()
                        .replace("file:///", "file:/"))
                .hasMessageContaining("failOnError"));
    }

    @Test
    void theDriverRefusesABadInputColumnOrOutputColumnBeforeAnyTask() {
        ImageClassifier classifier = new ImageClassifier().setModelPath(zip.toString());
        StructType numbers = new StructType().add("content", DataTypes.IntegerType);
        assertThatThrownBy(() -> classifier.transformSchema(numbers))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("inputCol 'content' is invalid: the column is of type int");

        StructType noSuch = new StructType().add("bytes", DataTypes.BinaryType);
        assertThatThrownBy(() -> classifier.transformSchema(noSuch))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("the input has no such column; it has bytes");

        StructType taken = new StructType().add("content", DataTypes.BinaryType).add("label", DataTypes.StringType);
        assertThatThrownBy(() -> classifier.transformSchema(taken))
                .isInstanceOf(ValidationException.class)
                .hasMessageContaining("output column 'label' is invalid: the input already has a column");
        assertThat(classifier.setLabelCol("predicted").transformSchema(taken).fieldNames())
                .containsExactly("content", "label", "predicted", "score", "scores", "error");

        StructType ok = new StructType().add("content", DataTypes.BinaryType);
        assertThatThrownBy(() -> new ImageClassifier().transformSchema(ok))
                .isInstanceOf(ValidationException.class).hasMessageContaining("modelPath is missing");
        assertThatThrownBy(() -> new ImageClassifier().setTopK(-1)).isInstanceOf(ValidationException.class);
        assertThatThrownBy(() -> new ImageClassifier().setBatchSize(0)).isInstanceOf(ValidationException.class);
    }

    @Test
    void theDriverRefusesAMissingOrInvalidPackageBeforeAnyTask() throws IOException {
        StructType ok = new StructType().add("content", DataTypes.BinaryType);
        Path missing = dir.resolve("nowhere/MLModel.zip");
        assertThatThrownBy(() -> new ImageClassifier().setModelPath(missing.toString()).transformSchema(ok))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("MLModel.zip not found: " + missing);

        Path notAZip = Files.writeString(dir.resolve("not-a-package.zip"), "hello", StandardCharsets.UTF_8);
        assertThatThrownBy(() -> new ImageClassifier().setModelPath(notAZip.toString()).transformSchema(ok))
                .isInstanceOf(ModelLoadException.class)
                .hasMessageContaining("MLModel.zip file:")
                .hasMessageContaining(notAZip.toString())
                .hasMessageContaining("is not a valid model package");

        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString());
        long jobsBefore = spark.sparkContext().statusTracker().getJobIdsForGroup(null).length;
        assertThatThrownBy(() -> new ImageClassifier().setModelPath(notAZip.toString()).transform(files))
                .isInstanceOf(ModelLoadException.class);
        assertThat(spark.sparkContext().statusTracker().getJobIdsForGroup(null)).hasSize((int) jobsBefore);
    }

    @Test
    void aGpuStageOnAnExecutorWithoutCudaFailsItsTaskInsteadOfRunningOnTheCpu() {
        Dataset<Row> files = spark.read().format("binaryFile").load(images.toString()).limit(1);
        Dataset<Row> scored = new ImageClassifier().setModelPath(zip.toString()).setUseGpu(true).transform(files);

        assertThatThrownBy(scored::collectAsList).satisfies(e -> assertThat(SparkTestSupport.cause(e,
                ModelLoadException.class)).as("the ModelLoadException in " + e).isNotNull()
                .hasMessageContaining("cannot load MLModel.zip").hasMessageContaining("on cuda:0"));
    }

    @Test
    void theSqlFunctionScoresOneRowAtATimeAsTheInProcessEngine() throws IOException {
        ImageClassifierFunctions.registerPredict(spark, zip.toString());
        Path withBad = Files.createDirectories(dir.resolve("sql"));
        Files.copy(ImageClassificationFixtures.image("camera.png"), withBad.resolve("camera.png"));
        Files.writeString(withBad.resolve("readme.txt"), "text", StandardCharsets.UTF_8);
        spark.read().format("binaryFile").load(withBad.toString()).createOrReplaceTempView("sql_images");

        List<Row> rows = spark.sql("SELECT path, p.label, p.score, p.scores, p.error FROM "
                + "(SELECT path, modelbuilder_predict(content) AS p FROM sql_images)").collectAsList();

        Map<String, Row> byName = byFileName(rows, "path");
        SparkTestSupport.assertSamePrediction(byName.get("camera.png"), expected.get("camera.png"), "camera.png");
        assertThat(byName.get("readme.txt").<String>getAs("error")).isNotBlank();
        assertThat(byName.get("readme.txt").<String>getAs("label")).isNull();
        assertThat(spark.table("sql_images").select(functions.callUDF("modelbuilder_predict",
                functions.col("content")).getField("label")).as(Encoders.STRING()).collectAsList())
                .contains(expected.get("camera.png").label());
        assertThatThrownBy(() -> ImageClassifierFunctions.registerPredict(spark, "drop table", zip.toString()))
                .isInstanceOf(ValidationException.class);
    }

    static Map<String, Row> byFileName(List<Row> rows, String column) {
        Map<String, Row> out = new java.util.TreeMap<>();
        for (Row r : rows) {
            out.put(SparkTestSupport.fileName(r.getAs(column)), r);
        }
        return out;
    }
}
