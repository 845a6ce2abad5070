package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.core.exception.ValidationException;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;

/**
 * The batch job's command line.
 *
 * @param model the MLModel.zip's path or Hadoop URI
 * @param input a file, a folder (read recursively) or a glob, as a path or Hadoop URI
 * @param output the folder to create with the results
 * @param format parquet, json or csv
 * @param batchSize images per inference
 * @param failOnError whether an unreadable image fails the job
 * @param master the Spark master URL, or null under spark-submit
 */
public record BatchArguments(String model, String input, String output, String format, int batchSize,
                             boolean failOnError, String master) {
    /** The output formats. */
    public static final Set<String> FORMATS = Set.of("parquet", "json", "csv");
    /** The default images per inference. */
    public static final int DEFAULT_BATCH_SIZE = 8;

    /** The usage text. */
    public static final String USAGE = String.join(System.lineSeparator(),
            "usage: BatchScoring --model MLModel.zip --input PATH_OR_GLOB --output DIR",
            "                    [--format parquet|json|csv] [--batch-size N] [--fail-on-error] [--master URL]",
            "",
            "Scores every image under --input with the model package and writes one row per file to --output:",
            "path, label, score, scores (a map; in CSV a JSON string) and error (null when the file scored).",
            "",
            "  --model URI         the MLModel.zip (a path or a Hadoop URI: file:, hdfs:, abfss:, s3a:, ...)",
            "  --input PATH        a file, a folder (read recursively) or a glob such as 'photos/*/*.jpg'",
            "  --output DIR        the folder to create (it must not exist)",
            "  --format F          parquet (default), json (one object per line) or csv (with a header)",
            "  --batch-size N      images per inference (default " + DEFAULT_BATCH_SIZE + ")",
            "  --fail-on-error     fail the job, naming the file, on an unreadable or corrupt image",
            "                      (by default such a file gets a row with the error and the job succeeds)",
            "  --master URL        Spark's master (local[2], spark://host:7077, ...) when not run by spark-submit",
            "",
            "Exit status: 0 done, 2 bad options or input, 1 other failures.");

    /** @throws NullPointerException if a required value is null */
    public BatchArguments {
        Objects.requireNonNull(model, "model");
        Objects.requireNonNull(input, "input");
        Objects.requireNonNull(output, "output");
        Objects.requireNonNull(format, "format");
    }

    /**
     * @param args the command line
     * @return the options
     * @throws ValidationException listing every problem (unknown option, missing value, missing required option,
     *     invalid format or batch size)
     */
    public static BatchArguments parse(String... args) {
        String model = null;
        String input = null;
        String output = null;
        String format = "parquet";
        String batch = null;
        boolean failOnError = false;
        String master = null;
        List<ValidationException.Violation> problems = new ArrayList<>();
        for (int i = 0; i < args.length; i++) {
            String a = args[i];
            String value = null;
            int eq = a.indexOf('=');
            String name = a.startsWith("--") && eq > 0 ? a.substring(0, eq) : a;
            if (!name.equals(a)) {
                value = a.substring(eq + 1);
            }
            switch (name) {
                case "--fail-on-error" -> {
                    if (value != null) {
                        problems.add(new ValidationException.Violation("option --fail-on-error", value,
                                "it takes no value"));
                    }
                    failOnError = true;
                    continue;
                }
                case "--model", "--input", "--output", "--format", "--batch-size", "--master" -> {
                    if (value == null) {
                        if (i + 1 >= args.length || args[i + 1].startsWith("--")) {
                            problems.add(new ValidationException.Violation("option " + name, null,
                                    "give a value after it"));
                            continue;
                        }
                        value = args[++i];
                    }
                }
                default -> {
                    problems.add(new ValidationException.Violation("option", a, "not an option of BatchScoring; "
                            + "use --model, --input, --output, --format, --batch-size, --fail-on-error, --master"));
                    continue;
                }
            }
            switch (name) {
                case "--model" -> model = value;
                case "--input" -> input = value;
                case "--output" -> output = value;
                case "--format" -> format = value.toLowerCase(Locale.ROOT);
                case "--batch-size" -> batch = value;
                case "--master" -> master = value;
                default -> throw new IllegalStateException(name);
            }
        }
        require(problems, "--model", model, "give the MLModel.zip to score with");
        require(problems, "--input", input, "give a file, folder or glob of images");
        require(problems, "--output", output, "give the folder to write the results to");
        if (!FORMATS.contains(format)) {
            problems.add(new ValidationException.Violation("--format", format, "use parquet, json or csv"));
        }
        int batchSize = DEFAULT_BATCH_SIZE;
        if (batch != null) {
            try {
                batchSize = Integer.parseInt(batch.trim());
            } catch (NumberFormatException e) {
                batchSize = -1;
            }
            if (batchSize < 1 || batchSize > 4096) {
                problems.add(new ValidationException.Violation("--batch-size", batch, "use a whole number from 1 to "
                        + "4096"));
            }
        }
        if (master != null && master.isBlank()) {
            problems.add(new ValidationException.Violation("--master", master, "give a master URL such as local[2]"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new BatchArguments(model, input, output, format, batchSize, failOnError, master);
    }

    private static void require(List<ValidationException.Violation> problems, String option, String value,
                                String rule) {
        if (value == null) {
            problems.add(new ValidationException.Violation(option, null, rule));
        } else if (value.isBlank()) {
            problems.add(new ValidationException.Violation(option, value, rule));
        }
    }
}
