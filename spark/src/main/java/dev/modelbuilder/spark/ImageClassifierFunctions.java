package dev.modelbuilder.spark;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.spark.implementation.ModelPackages;
import dev.modelbuilder.spark.implementation.PredictFunction;
import dev.modelbuilder.spark.implementation.SerializableConfiguration;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Registers the SQL function {@value #PREDICT} on a session, for SQL users and quick looks:
 *
 * <pre>{@code
 * ImageClassifierFunctions.registerPredict(spark, "abfss://models@account.dfs.core.windows.net/MLModel.zip");
 * spark.read().format("binaryFile").load("/photos").createOrReplaceTempView("photos");
 * spark.sql("SELECT path, p.label, p.score FROM (SELECT path, modelbuilder_predict(content) AS p FROM photos)");
 * }</pre>
 *
 * <p>The function takes a binary column of encoded images and returns {@link #resultType(boolean)}:
 * {@code struct<label:string, score:double, scores:map<string,double>, error:string>}, with
 * {@code labels:array<string>} (the labels that reached their thresholds) after {@code score} for a multi-label
 * model; a corrupt image gives a null
 * prediction and the error, never a failed query. It scores one row at a time (SQL functions see one row), sharing
 * the executor's engine like {@link ImageClassifier}; for large jobs the transformer, which batches rows, is faster.
 */
public final class ImageClassifierFunctions {
    /** The function's default name. */
    public static final String PREDICT = "modelbuilder_predict";

    private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

    private ImageClassifierFunctions() {
    }

    /**
     * Registers {@value #PREDICT} on the session, after the same package check as
     * {@link ImageClassifier#transformSchema}.
     *
     * @param spark the session
     * @param modelPath the MLModel.zip's path or Hadoop URI, readable by the driver and every executor
     * @throws ModelLoadException if the package is missing, unreadable or invalid
     */
    public static void registerPredict(SparkSession spark, String modelPath) {
        registerPredict(spark, PREDICT, modelPath);
    }

    /**
     * Registers the function under another name (one per model, say).
     *
     * @param spark the session
     * @param name the SQL function's name: letters, digits and underscores, not starting with a digit
     * @param modelPath the MLModel.zip's path or Hadoop URI, readable by the driver and every executor
     * @throws ValidationException if the name is not a plain SQL identifier or the path is blank
     * @throws ModelLoadException if the package is missing, unreadable or invalid
     */
    public static void registerPredict(SparkSession spark, String name, String modelPath) {
        Objects.requireNonNull(spark, "spark");
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException("function name", name, "use letters, digits and underscores, not starting "
                    + "with a digit");
        }
        if (modelPath == null || modelPath.isBlank()) {
            throw new ValidationException("modelPath", modelPath, "give the MLModel.zip's path or Hadoop URI");
        }
        Configuration conf = spark.sparkContext().hadoopConfiguration();
        ModelPackages.Checked pkg = ModelPackages.check(modelPath, conf, null);
        Broadcast<SerializableConfiguration> hadoop = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new SerializableConfiguration(new Configuration(conf)));
        spark.udf().register(name, new PredictFunction(pkg.ref(), pkg.multiLabel(), hadoop),
                resultType(pkg.multiLabel()));
    }

    /**
     * @param multiLabel whether the package's model is multi-label
     * @return the function's result: {@code struct<label:string, score:double, scores:map<string,double>,
     *     error:string>}, with {@code labels:array<string>} after {@code score} for a multi-label model
     */
    public static StructType resultType(boolean multiLabel) {
        StructType type = new StructType()
                .add("label", DataTypes.StringType, true)
                .add("score", DataTypes.DoubleType, true);
        if (multiLabel) {
            type = type.add("labels", DataTypes.createArrayType(DataTypes.StringType, false), true);
        }
        return type
                .add("scores", DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true)
                .add("error", DataTypes.StringType, true);
    }
}
