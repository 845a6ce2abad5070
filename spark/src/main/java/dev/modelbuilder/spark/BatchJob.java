package dev.modelbuilder.spark;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.spark.implementation.BatchArguments;
import dev.modelbuilder.spark.implementation.HadoopFiles;
import dev.modelbuilder.spark.implementation.ModelPackages;
import org.apache.hadoop.conf.Configuration;
import org.apache.hadoop.fs.FileStatus;
import org.apache.spark.sql.AnalysisException;
import org.apache.spark.sql.Column;
import org.apache.spark.sql.DataFrameReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.functions;

import java.io.FileNotFoundException;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The batch job's work, given a session: read the images as {@code binaryFile} rows, score them with
 * {@link ImageClassifier}, write {@code path, label, score, labels} (multi-label models only){@code , scores, error},
 * and count what was written.
 */
final class BatchJob {
    /** Error rows listed in the summary at most. */
    static final int LISTED_ERRORS = 10;

    private BatchJob() {
    }

    /**
     * What a run wrote.
     *
     * @param rows files scored (one row each)
     * @param errors rows with an error
     * @param firstErrors up to ten error rows as {@code path: error}
     */
    public record Summary(long rows, long errors, List<String> firstErrors) {
        /** Copies the list. */
        public Summary {
            firstErrors = List.copyOf(firstErrors);
        }
    }

    /**
     * @param spark the session
     * @param options the job's options
     * @return what was written
     * @throws ValidationException if the input does not exist or the output does
     * @throws dev.modelbuilder.core.exception.ModelLoadException if the package is missing, unreadable or invalid
     * @throws RuntimeException Spark's, when the job fails (with {@code --fail-on-error}, caused by a
     *     {@link dev.modelbuilder.core.exception.ScoringException} naming the file)
     */
    public static Summary run(SparkSession spark, BatchArguments options) {
        Objects.requireNonNull(options, "options");
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        checkOutput(options.output(), conf);
        DataFrameReader reader = spark.read().format("binaryFile");
        if (isFolder(options.input(), conf)) {
            reader = reader.option("recursiveFileLookup", "true");
        }
        Dataset<Row> images;
        try {
            images = reader.load(options.input());
        } catch (Exception e) { // Spark's AnalysisException is checked, though Scala does not declare it
            if (e instanceof AnalysisException) {
                throw new ValidationException("--input", options.input(), ModelPackages.message(e));
            }
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalStateException("cannot read " + options.input() + ": " + e, e);
        }
        ImageClassifier classifier = new ImageClassifier()
                .setModelPath(options.model())
                .setBatchSize(options.batchSize())
                .setFailOnError(options.failOnError());
        Dataset<Row> scored = classifier.transform(images);
        boolean csv = options.format().equals("csv");
        List<Column> columns = new ArrayList<>(List.of(functions.col("path"), functions.col("label"),
                functions.col("score")));
        if (Arrays.asList(scored.columns()).contains(classifier.getLabelsCol())) { // a multi-label model
            columns.add(csv ? functions.to_json(functions.col("labels")).as("labels") : functions.col("labels"));
        }
        columns.add(csv ? functions.to_json(functions.col("scores")).as("scores") : functions.col("scores"));
        columns.add(functions.col("error"));
        scored.select(columns.toArray(Column[]::new))
                .write()
                .format(options.format())
                .option("header", "true") // csv only
                .option("ignoreNullFields", "false") // json: every object has every column, null where absent
                .save(options.output());
        return count(spark, options);
    }

    /** Reads the written rows back: cheap (two columns) and exact, where counting while scoring could double count
     * retried tasks. */
    private static Summary count(SparkSession spark, BatchArguments options) {
        DataFrameReader reader = spark.read().format(options.format());
        if (options.format().equals("csv")) {
            reader = reader.option("header", "true");
        }
        Dataset<Row> written = reader.load(options.output()).select("path", "error").cache();
        try {
            long rows = written.count();
            Dataset<Row> failed = written.filter(functions.col("error").isNotNull());
            long errors = failed.count();
            List<String> first = new ArrayList<>();
            for (Row r : failed.orderBy("path").limit(LISTED_ERRORS).collectAsList()) {
                first.add(r.getString(0) + ": " + r.getString(1));
            }
            return new Summary(rows, errors, first);
        } finally {
            written.unpersist();
        }
    }

    private static void checkOutput(String output, Configuration conf) {
        try {
            HadoopFiles.status(output, conf);
        } catch (FileNotFoundException e) {
            return;
        } catch (IOException e) {
            throw new ValidationException("--output", output, "cannot be checked: " + ModelPackages.message(e));
        }
        throw new ValidationException("--output", output, "it already exists; give a new folder (the job never "
                + "overwrites results)");
    }

    private static boolean isFolder(String input, Configuration conf) {
        try {
            if (input.matches(".*[*?\\[{].*")) {
                FileStatus[] matches = HadoopFiles.glob(input, conf);
                if (matches == null || matches.length == 0) {
                    throw new ValidationException("--input", input, "the pattern matches no file");
                }
                return false; // Spark expands the glob itself
            }
            return HadoopFiles.status(input, conf).isDirectory();
        } catch (FileNotFoundException e) {
            throw new ValidationException("--input", input, "there is no such file or folder");
        } catch (IOException e) {
            throw new ValidationException("--input", input, "cannot be read: " + ModelPackages.message(e));
        }
    }
}
