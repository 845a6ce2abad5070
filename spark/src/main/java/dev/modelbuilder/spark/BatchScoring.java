package dev.modelbuilder.spark;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.spark.implementation.BatchArguments;
import dev.modelbuilder.spark.implementation.SparkJvm;
import org.apache.spark.sql.SparkSession;

import java.io.PrintStream;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * The batch scoring job: every image under a path, scored with an MLModel.zip, one output row per file.
 *
 * <pre>
 * spark-submit --class dev.modelbuilder.spark.BatchScoring modelbuilder-spark.jar \
 *     --model abfss://models@account.dfs.core.windows.net/MLModel.zip \
 *     --input abfss://photos@account.dfs.core.windows.net/2026/ --output abfss://scores@account.dfs.core.windows.net/2026/
 *
 * # without a Spark installation, after mvn install (Spark and the SDK are in spark/target/lib)
 * java -cp "spark/target/modelbuilder-spark.jar:spark/target/lib/*" dev.modelbuilder.spark.BatchScoring \
 *     --master local[2] --model MLModel.zip --input photos/ --output scores --format json
 * </pre>
 *
 * <p>Options: {@code --model MLModel.zip --input PATH_OR_GLOB --output DIR [--format parquet|json|csv]
 * [--batch-size N] [--fail-on-error] [--master URL]}. A folder given to {@code --input} is read recursively (hidden
 * files, whose names start with {@code .} or {@code _}, are skipped, as Spark does). The output has the columns
 * {@code path} (the file's URI as Spark gives it), {@code label}, {@code score}, for a multi-label model
 * {@code labels} (the labels that reached their thresholds; in CSV a JSON array), {@code scores} (a map; in CSV a
 * JSON string) and {@code error} (null when the file scored); JSON output is one object per line, every column
 * present.
 * A file that cannot be decoded gets a row with its error, and the job succeeds, unless {@code --fail-on-error}.
 *
 * <p>Exit status: 0 done, 2 bad options or input (including a missing or invalid package, or an existing output
 * folder), 1 other failures. Started with plain {@code java} on Java 17 or later, the job starts itself again in a
 * child JVM with the {@code --add-opens} options that Spark needs and that only {@code spark-submit} gives.
 */
public final class BatchScoring {
    private BatchScoring() {
    }

    /**
     * Runs the job and exits with its status when it is not 0.
     *
     * @param args the options
     */
    public static void main(String[] args) {
        int status = run(args, System.out, System.err);
        if (status != 0) {
            System.exit(status);
        }
    }

    private static int run(String[] args, PrintStream out, PrintStream err) {
        if (List.of(args).contains("--help") || List.of(args).contains("-h")) {
            out.println(BatchArguments.USAGE);
            return 0;
        }
        BatchArguments options;
        try {
            options = BatchArguments.parse(args);
        } catch (ValidationException e) {
            err.println("error: " + e.getMessage());
            err.println(BatchArguments.USAGE);
            return 2;
        }
        if (options.master() == null && System.getProperty("spark.master") == null) {
            err.println("error: no Spark master: give --master (local[2], spark://host:7077, ...) or run the job with "
                    + "spark-submit");
            return 2;
        }
        List<String> missing = SparkJvm.missingOpens();
        if (!missing.isEmpty()) {
            if (SparkJvm.relaunched()) {
                err.println("error: this JVM still lacks the options Spark needs (--add-opens for " + missing
                        + "); start it with spark-submit, or give them to java yourself");
                return 1;
            }
            try {
                return SparkJvm.relaunch(BatchScoring.class, args);
            } catch (Exception e) {
                err.println("error: cannot start a JVM with the options Spark needs: " + e);
                return 1;
            }
        }
        if (options.master() != null) {
            quietLogging();
        }
        return score(options, out, err);
    }

    private static int score(BatchArguments options, PrintStream out, PrintStream err) {
        long start = System.nanoTime();
        SparkSession.Builder builder = SparkSession.builder().appName("modelbuilder-batch-scoring");
        if (options.master() != null) {
            builder = builder.master(options.master());
            String jar = ownJar();
            if (!options.master().startsWith("local") && jar != null && System.getProperty("spark.jars") == null) {
                // a cluster's executors fetch this jar from the driver, as spark-submit would have them do
                builder = builder.config("spark.jars", jar);
            }
        }
        SparkSession spark;
        try {
            spark = builder.getOrCreate();
        } catch (RuntimeException e) {
            err.println("error: cannot start Spark: " + e.getMessage());
            return 1;
        }
        try {
            double startUp = (System.nanoTime() - start) / 1e9;
            BatchJob.Summary summary = BatchJob.run(spark, options);
            out.printf("scored %d file(s) with %s into %s (%s) in %.1f s (Spark start-up %.1f s): %d predicted, %d "
                            + "error(s)%n", summary.rows(), options.model(), options.output(), options.format(),
                    (System.nanoTime() - start) / 1e9, startUp, summary.rows() - summary.errors(), summary.errors());
            for (String e : summary.firstErrors()) {
                out.println("  " + e);
            }
            if (summary.errors() > summary.firstErrors().size()) {
                out.println("  ... and " + (summary.errors() - summary.firstErrors().size()) + " more (rows whose "
                        + "error is not null)");
            }
            return 0;
        } catch (ValidationException | ModelLoadException e) {
            err.println("error: " + e.getMessage());
            return 2;
        } catch (Exception e) { // Spark's SparkException is checked, though Scala does not declare it
            ScoringException cause = find(e, ScoringException.class);
            // Spark's messages carry the driver's whole stack trace: its first line says what failed
            String what = cause != null ? cause.getMessage() : e.toString();
            err.println("error: the job failed: " + what.lines().findFirst().orElse(what));
            return 1;
        } finally {
            spark.stop();
        }
    }

    private static <T extends Throwable> T find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return type.cast(t);
            }
        }
        return null;
    }

    /** @return the jar this class was loaded from, or null when it was not loaded from a jar */
    private static String ownJar() {
        try {
            URL location = BatchScoring.class.getProtectionDomain().getCodeSource().getLocation();
            Path path = Path.of(location.toURI());
            return Files.isRegularFile(path) ? path.toString() : null;
        } catch (RuntimeException | URISyntaxException e) {
            return null;
        }
    }

    /** Outside spark-submit, Spark's INFO lines would bury the job's own output: warnings and errors only. */
    private static void quietLogging() {
        if (System.getProperty("log4j2.configurationFile") == null) {
            URL config = BatchScoring.class.getResource("log4j2-batch.properties");
            if (config != null) {
                System.setProperty("log4j2.configurationFile", config.toString());
            }
        }
    }
}
