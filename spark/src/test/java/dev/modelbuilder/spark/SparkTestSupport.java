package dev.modelbuilder.spark;

import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * What the Spark tests share: one local[2] session per test JVM (starting Spark costs seconds; every test class
 * uses this one and none stops it), the fixture model packaged as an MLModel.zip, and the in-process engine's
 * predictions to compare with.
 */
public final class SparkTestSupport {
    /** Scores may differ from the in-process engine's by this much at most (the bound). */
    public static final double SCORE_TOLERANCE = 1e-6;

    private static SparkSession spark;

    private SparkTestSupport() {
    }

    /** @return the shared local[2] session (two task threads, as on a two-core executor) */
    public static synchronized SparkSession spark() {
        if (spark == null) {
            spark = SparkSession.builder()
                    .master("local[2]")
                    .appName("modelbuilder-spark-tests")
                    .config("spark.ui.enabled", "false")
                    .config("spark.driver.host", "127.0.0.1")
                    .config("spark.driver.bindAddress", "127.0.0.1")
                    .config("spark.sql.shuffle.partitions", "2")
                    .getOrCreate();
        }
        return spark;
    }

    /**
     * @param dir a folder
     * @return a new MLModel.zip of the fixture model (resize 256, crop 224), in {@code dir}
     */
    public static Path fixturePackage(Path dir) {
        Path zip = dir.resolve("MLModel.zip");
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(),
                LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return zip;
    }

    /**
     * A package with the fixture model whose archive has a SHA-256 no other test uses (an extra entry, which readers
     * skip), so that a test can count its opens from zero in a JVM shared with other tests.
     *
     * @param dir a folder
     * @return the package
     */
    public static Path uniquePackage(Path dir) {
        Path plain = fixturePackage(dir.resolve("plain-" + UUID.randomUUID()));
        Path zip = dir.resolve("unique-" + UUID.randomUUID() + ".zip");
        try (ZipFile in = new ZipFile(plain.toFile());
             ZipOutputStream out = new ZipOutputStream(Files.newOutputStream(zip))) {
            for (ZipEntry e : java.util.Collections.list(in.entries())) {
                ZipEntry copy = new ZipEntry(e);
                copy.setCompressedSize(-1);
                out.putNextEntry(copy);
                in.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
            out.putNextEntry(new ZipEntry("nonce.txt"));
            out.write(UUID.randomUUID().toString().getBytes(StandardCharsets.UTF_8));
            out.closeEntry();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return zip;
    }

    /**
     * @param dir a folder
     * @return {@code dir/images} holding a copy of the eight fixture images
     */
    public static Path fixtureImages(Path dir) {
        Path images = dir.resolve("images");
        try {
            Files.createDirectories(images);
            for (Path f : ImageClassificationFixtures.imageFiles()) {
                Files.copy(f, images.resolve(f.getFileName().toString()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return images;
    }

    /**
     * @param zip a package
     * @param images image files
     * @return the in-process engine's prediction for each, by file name
     */
    public static Map<String, Prediction> inProcess(Path zip, List<Path> images) {
        Map<String, Prediction> out = new LinkedHashMap<>();
        try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
            for (Path image : images) {
                out.put(image.getFileName().toString(), engine.predict(image));
            }
        }
        return out;
    }

    /**
     * Asserts that a scored row holds the same prediction: label equal, score and every label's score within
     * {@link #SCORE_TOLERANCE}, no error.
     *
     * @param row the row (columns label, score, scores, error)
     * @param expected the in-process engine's prediction
     * @param what the image, for messages
     */
    public static void assertSamePrediction(Row row, Prediction expected, String what) {
        assertThat(row.<String>getAs("error")).as("error of " + what).isNull();
        assertThat(row.<String>getAs("label")).as("label of " + what).isEqualTo(expected.label());
        assertThat(row.<Double>getAs("score")).as("score of " + what).isCloseTo(expected.score(),
                within(SCORE_TOLERANCE));
        Map<String, Double> scores = row.getJavaMap(row.fieldIndex("scores"));
        // the row's map comes back as a hash map: its order is checked apart, on the column (see map_keys)
        assertThat(scores.keySet()).as("labels of " + what)
                .containsExactlyInAnyOrderElementsOf(expected.scores().keySet());
        expected.scores().forEach((label, score) -> assertThat(scores.get(label))
                .as("score of " + label + " for " + what).isCloseTo(score, within(SCORE_TOLERANCE)));
    }

    /**
     * @param e a throwable
     * @param type a type of cause
     * @param <T> the type
     * @return the first throwable of that type in {@code e}'s cause chain, or null
     */
    public static <T extends Throwable> T cause(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /**
     * @param path a path or URI string as a row holds it
     * @return its file name
     */
    public static String fileName(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }
}
