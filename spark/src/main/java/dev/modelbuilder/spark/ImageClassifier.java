package dev.modelbuilder.spark;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.spark.implementation.ModelPackages;
import dev.modelbuilder.spark.implementation.PartitionScorer;
import dev.modelbuilder.spark.implementation.SerializableConfiguration;
import dev.modelbuilder.spark.implementation.StageSchema;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.DefaultParamsReadable;
import org.apache.spark.ml.util.DefaultParamsWritable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

import java.util.Arrays;
import java.util.UUID;

/**
 * A Spark ML stage that classifies images with an {@code MLModel.zip}, exactly as
 * {@link dev.modelbuilder.scoring.PredictionEngine#predict} does in one process (same decoding, same Pillow-exact
 * preprocessing, same model, same softmax).
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile")
 *         .option("recursiveFileLookup", "true").option("pathGlobFilter", "*.jpg")
 *         .load("abfss://photos@account.dfs.core.windows.net/2026/");
 * ImageClassifier classifier = new ImageClassifier()
 *         .setModelPath("abfss://models@account.dfs.core.windows.net/flowers/MLModel.zip")
 *         .setTopK(3);
 * Dataset<Row> scored = classifier.transform(images);   // + label, score, [labels,] scores, topK, error
 *
 * // or a column of paths/URIs, read through Hadoop's file system by the executors
 * Dataset<Row> byPath = new ImageClassifier().setModelPath(zip).setInputCol("uri").transform(uris);
 * }</pre>
 *
 * <p><b>Input.</b> {@link #inputCol()} (default {@code content}) is either a binary column of encoded images (JPEG,
 * PNG, GIF, BMP, TIFF, WebP: every format {@code predict} reads), as the {@code binaryFile} source gives, or a string column of paths or URIs ({@code file:},
 * {@code hdfs:}, {@code abfss:}, {@code s3a:}, ... wherever the cluster has the connector). With binary input,
 * {@link #pathCol()} (default {@code path}, when the data set has it) names each row's file in errors.
 *
 * <p><b>Output.</b> Columns appended to the input's: {@code label} (string), {@code score} (double), {@code scores}
 * ({@code map<string,double>}, every label's probability, in class-index order), for a multi-label model (a sigmoid
 * per label) {@code labels} between {@code score} and {@code scores} ({@code array<string>}: the labels whose
 * probability reached their thresholds, in class-index order, possibly none), {@code topK} when
 * {@link #setTopK(int) topK} is above 0 ({@code array<struct<label:string,score:double>>}, most probable first) and
 * {@code error} (string; null when the row scored). A corrupt, unreadable or non-image file gives a row with the
 * error and no prediction, and the job goes on; with {@link #setFailOnError(boolean) failOnError} its task fails
 * instead, with a {@link dev.modelbuilder.core.exception.ScoringException} that names the file.
 *
 * <p><b>On the cluster.</b> {@link #transformSchema} runs on the driver before any task: it checks the input column's
 * type, that no output column exists yet, and reads the package through Hadoop's file system (it must exist and be a
 * valid package), computing its SHA-256. Each executor JVM reads the package once, checks the same SHA-256, and
 * shares one engine between all its tasks (the engine is thread-safe); tasks run {@link #setBatchSize(int) batchSize}
 * images per inference with as many ONNX Runtime threads as {@code spark.task.cpus} (1 by default), so an executor
 * with N cores runs N inference threads, not N × N. {@code modelPath} must be readable from the driver and from every
 * executor: a {@code file:} path must exist on every node.
 *
 * <p><b>Saving.</b> The stage saves and loads (also inside a {@code PipelineModel}) with its parameters; the package
 * itself stays where {@code modelPath} points.
 */
public final class ImageClassifier extends Transformer implements DefaultParamsWritable {
    private static final long serialVersionUID = 1L;

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final Param<String> pathCol;
    private final Param<String> labelCol;
    private final Param<String> scoreCol;
    private final Param<String> scoresCol;
    private final Param<String> labelsCol;
    private final Param<String> topKCol;
    private final Param<String> errorCol;
    private final IntParam topK;
    private final IntParam batchSize;
    private final IntParam intraOpThreads;
    private final BooleanParam failOnError;
    private final BooleanParam useGpu;

    /** The driver's last check of the package (reused while the file is unchanged); never sent to executors. */
    private transient volatile ModelPackages.Checked checked;

    /** A stage with a new unique id. */
    public ImageClassifier() {
        this("modelbuilderImageClassifier_" + UUID.randomUUID().toString().substring(24));
    }

    /**
     * A stage with the given id (used when a saved stage is loaded).
     *
     * @param uid the stage's unique id
     */
    public ImageClassifier(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the MLModel.zip's path or Hadoop URI, readable by the driver and "
                + "every executor");
        inputCol = new Param<>(this, "inputCol", "the input column: binary (encoded images) or string (paths or URIs)");
        pathCol = new Param<>(this, "pathCol", "with binary input, the column that names each row's file in errors");
        labelCol = new Param<>(this, "labelCol", "the output column of the most probable label");
        scoreCol = new Param<>(this, "scoreCol", "the output column of that label's probability");
        scoresCol = new Param<>(this, "scoresCol", "the output column of every label's probability (a map)");
        labelsCol = new Param<>(this, "labelsCol", "the output column of the labels that reached their thresholds "
                + "(multi-label models only)");
        topKCol = new Param<>(this, "topKCol", "the output column of the topK most probable labels (when topK > 0)");
        errorCol = new Param<>(this, "errorCol", "the output column of the reason a row has no prediction");
        topK = new IntParam(this, "topK", "how many labels the topK column lists, 0 for no such column");
        batchSize = new IntParam(this, "batchSize", "images per inference");
        intraOpThreads = new IntParam(this, "intraOpThreads", "ONNX Runtime threads per inference; 0 for the task's "
                + "CPUs (spark.task.cpus)");
        failOnError = new BooleanParam(this, "failOnError", "fail the task, naming the file, when an image cannot be "
                + "read or decoded (otherwise the row gets an error)");
        useGpu = new BooleanParam(this, "useGpu", "run on the GPU Spark assigned to the task (device 0 without one); "
                + "needs onnxruntime_gpu instead of onnxruntime on the executors, and fails rather than use the CPU");
        setDefault(inputCol, "content");
        setDefault(pathCol, "path");
        setDefault(labelCol, "label");
        setDefault(scoreCol, "score");
        setDefault(scoresCol, "scores");
        setDefault(labelsCol, "labels");
        setDefault(topKCol, "topK");
        setDefault(errorCol, "error");
        setDefault(topK, 0);
        setDefault(batchSize, 8);
        setDefault(intraOpThreads, 0);
        setDefault(failOnError, false);
        setDefault(useGpu, false);
    }

    @Override
    public String uid() {
        return uid;
    }

    // ------------------------------------------------------------------------------------------------ parameters

    /** @return the MLModel.zip's path or Hadoop URI (required) */
    public Param<String> modelPath() {
        return modelPath;
    }

    /** @return the input column: binary (encoded images) or string (paths or URIs); default {@code content} */
    public Param<String> inputCol() {
        return inputCol;
    }

    /** @return with binary input, the column naming each row's file in errors; default {@code path} */
    public Param<String> pathCol() {
        return pathCol;
    }

    /** @return the output column of the most probable label; default {@code label} */
    public Param<String> labelCol() {
        return labelCol;
    }

    /** @return the output column of its probability; default {@code score} */
    public Param<String> scoreCol() {
        return scoreCol;
    }

    /** @return the output column of every label's probability; default {@code scores} */
    public Param<String> scoresCol() {
        return scoresCol;
    }

    /**
     * @return the output column of a multi-label model's predicted labels (those that reached their thresholds);
     *     default {@code labels}
     */
    public Param<String> labelsCol() {
        return labelsCol;
    }

    /** @return the output column of the most probable labels; default {@code topK} */
    public Param<String> topKCol() {
        return topKCol;
    }

    /** @return the output column of the reason a row has no prediction; default {@code error} */
    public Param<String> errorCol() {
        return errorCol;
    }

    /** @return how many labels the top-K column lists; default 0 (no such column) */
    public IntParam topK() {
        return topK;
    }

    /** @return images per inference; default 8 */
    public IntParam batchSize() {
        return batchSize;
    }

    /** @return ONNX Runtime threads per inference; default 0 (the task's CPUs) */
    public IntParam intraOpThreads() {
        return intraOpThreads;
    }

    /** @return whether an unreadable image fails its task; default false */
    public BooleanParam failOnError() {
        return failOnError;
    }

    /** @return whether to run on the task's GPU; default false */
    public BooleanParam useGpu() {
        return useGpu;
    }

    /**
     * @param value the MLModel.zip's path or Hadoop URI, readable by the driver and every executor
     * @return this stage
     */
    public ImageClassifier setModelPath(String value) {
        set(modelPath, requireName("modelPath", value));
        return this;
    }

    /**
     * @param value a binary column of encoded images, or a string column of paths or URIs
     * @return this stage
     */
    public ImageClassifier setInputCol(String value) {
        set(inputCol, requireName("inputCol", value));
        return this;
    }

    /**
     * @param value with binary input, the column naming each row's file (used when the data set has it)
     * @return this stage
     */
    public ImageClassifier setPathCol(String value) {
        set(pathCol, requireName("pathCol", value));
        return this;
    }

    /**
     * @param value the output column of the most probable label
     * @return this stage
     */
    public ImageClassifier setLabelCol(String value) {
        set(labelCol, requireName("labelCol", value));
        return this;
    }

    /**
     * @param value the output column of its probability
     * @return this stage
     */
    public ImageClassifier setScoreCol(String value) {
        set(scoreCol, requireName("scoreCol", value));
        return this;
    }

    /**
     * @param value the output column of every label's probability
     * @return this stage
     */
    public ImageClassifier setScoresCol(String value) {
        set(scoresCol, requireName("scoresCol", value));
        return this;
    }

    /**
     * @param value the output column of a multi-label model's predicted labels (unused for a single-label model)
     * @return this stage
     */
    public ImageClassifier setLabelsCol(String value) {
        set(labelsCol, requireName("labelsCol", value));
        return this;
    }

    /**
     * @param value the output column of the most probable labels
     * @return this stage
     */
    public ImageClassifier setTopKCol(String value) {
        set(topKCol, requireName("topKCol", value));
        return this;
    }

    /**
     * @param value the output column of the reason a row has no prediction
     * @return this stage
     */
    public ImageClassifier setErrorCol(String value) {
        set(errorCol, requireName("errorCol", value));
        return this;
    }

    /**
     * @param value how many labels the top-K column lists; 0 for no such column
     * @return this stage
     * @throws ValidationException if negative
     */
    public ImageClassifier setTopK(int value) {
        if (value < 0) {
            throw new ValidationException("topK", value, "use 0 (no top-K column) or more");
        }
        set(topK, value);
        return this;
    }

    /**
     * @param value images per inference
     * @return this stage
     * @throws ValidationException if less than 1
     */
    public ImageClassifier setBatchSize(int value) {
        if (value < 1) {
            throw new ValidationException("batchSize", value, "use 1 or more");
        }
        set(batchSize, value);
        return this;
    }

    /**
     * @param value ONNX Runtime threads per inference; 0 for the task's CPUs ({@code spark.task.cpus})
     * @return this stage
     * @throws ValidationException if negative
     */
    public ImageClassifier setIntraOpThreads(int value) {
        if (value < 0) {
            throw new ValidationException("intraOpThreads", value, "use 0 (the task's CPUs) or more");
        }
        set(intraOpThreads, value);
        return this;
    }

    /**
     * @param value true to fail the task, naming the file, when an image cannot be read or decoded
     * @return this stage
     */
    public ImageClassifier setFailOnError(boolean value) {
        set(failOnError, value);
        return this;
    }

    /**
     * @param value true to run on the GPU that Spark assigned to the task ({@code spark.task.resource.gpu.amount});
     *     the executors need {@code onnxruntime_gpu} instead of {@code onnxruntime}, CUDA 12 and cuDNN 9, and tasks
     *     fail rather than fall back to the CPU
     * @return this stage
     */
    public ImageClassifier setUseGpu(boolean value) {
        set(useGpu, value);
        return this;
    }

    /** @return the MLModel.zip's path or Hadoop URI, or null when not set */
    public String getModelPath() {
        return isDefined(modelPath) ? getOrDefault(modelPath) : null;
    }

    /** @return the input column */
    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    /** @return the column naming each row's file with binary input */
    public String getPathCol() {
        return getOrDefault(pathCol);
    }

    /** @return the output column of the most probable label */
    public String getLabelCol() {
        return getOrDefault(labelCol);
    }

    /** @return the output column of its probability */
    public String getScoreCol() {
        return getOrDefault(scoreCol);
    }

    /** @return the output column of every label's probability */
    public String getScoresCol() {
        return getOrDefault(scoresCol);
    }

    /** @return the output column of a multi-label model's predicted labels */
    public String getLabelsCol() {
        return getOrDefault(labelsCol);
    }

    /** @return the output column of the most probable labels */
    public String getTopKCol() {
        return getOrDefault(topKCol);
    }

    /** @return the output column of errors */
    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    /** @return how many labels the top-K column lists (0: none) */
    public int getTopK() {
        return (Integer) getOrDefault(topK);
    }

    /** @return images per inference */
    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    /** @return ONNX Runtime threads per inference (0: the task's CPUs) */
    public int getIntraOpThreads() {
        return (Integer) getOrDefault(intraOpThreads);
    }

    /** @return whether an unreadable image fails its task */
    public boolean getFailOnError() {
        return (Boolean) getOrDefault(failOnError);
    }

    /** @return whether the model runs on the task's GPU */
    public boolean getUseGpu() {
        return (Boolean) getOrDefault(useGpu);
    }

    // ------------------------------------------------------------------------------------------------ the stage

    /**
     * Checks, on the driver, everything that can be checked before a task runs: the parameters, the input column's
     * type, that the output columns do not exist yet, and the package (readable through Hadoop's file system and a
     * valid MLModel.zip; read again only when the file changes).
     *
     * @param schema the input's schema
     * @return the input's columns followed by label, score, labels (for a multi-label model), scores, top-K (when
     *     {@code topK > 0}) and error
     * @throws ValidationException if a parameter or the input column is wrong (every problem in one message)
     * @throws ModelLoadException if the package is missing, unreadable or invalid; the message names its URI
     */
    @Override
    public StructType transformSchema(StructType schema) {
        outputSchema(schema, false); // the parameters and the input column first, before the package is read
        return outputSchema(schema, checkPackage().multiLabel());
    }

    /**
     * Scores every row (lazily, like any transformation: the work happens when the result is written or collected).
     *
     * @param dataset images, as a binary column or a column of paths or URIs
     * @return the rows with the prediction columns appended
     * @throws ValidationException if a parameter or the input column is wrong
     * @throws ModelLoadException if the package is missing, unreadable or invalid
     */
    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        StructType schema = dataset.schema();
        outputSchema(schema, false);
        ModelPackages.Checked pkg = checkPackage();
        StructType out = outputSchema(schema, pkg.multiLabel());
        String input = getInputCol();
        boolean binary = schema.apply(input).dataType().equals(DataTypes.BinaryType);
        int pathIndex = binary && Arrays.asList(schema.fieldNames()).contains(getPathCol())
                ? schema.fieldIndex(getPathCol()) : -1;
        PartitionScorer.Plan plan = new PartitionScorer.Plan(pkg.ref(), schema.fieldIndex(input), binary, pathIndex,
                getBatchSize(), getIntraOpThreads(), getUseGpu(), getTopK(), getFailOnError(), pkg.multiLabel());
        SparkSession spark = dataset.sparkSession();
        Broadcast<SerializableConfiguration> hadoop = JavaSparkContext.fromSparkContext(spark.sparkContext())
                .broadcast(new SerializableConfiguration(new Configuration(spark.sparkContext().hadoopConfiguration())));
        return dataset.toDF().mapPartitions(new PartitionScorer(plan, hadoop), Encoders.row(out));
    }

    @Override
    public ImageClassifier copy(ParamMap extra) {
        return (ImageClassifier) defaultCopy(extra);
    }

    /**
     * Loads a stage saved with {@code write().save(path)} (or as part of a saved {@code PipelineModel}).
     *
     * @return a reader of saved stages
     */
    public static MLReader<ImageClassifier> read() {
        return new DefaultParamsReadable<ImageClassifier>() { }.read();
    }

    /**
     * @param path where a stage was saved
     * @return the stage
     */
    public static ImageClassifier load(String path) {
        return read().load(path);
    }

    @Override
    public String toString() {
        return "ImageClassifier[" + uid + ", modelPath=" + getModelPath() + "]";
    }

    // ------------------------------------------------------------------------------------------------ checks

    private StructType outputSchema(StructType schema, boolean multiLabel) {
        return new StageSchema(getInputCol(), getLabelCol(), getScoreCol(), getLabelsCol(), getScoresCol(),
                getTopKCol(), getTopK(), getErrorCol()).output(schema, isDefined(modelPath), multiLabel);
    }

    private ModelPackages.Checked checkPackage() {
        Configuration conf = ModelPackages.driverConfiguration();
        ModelPackages.Checked now = ModelPackages.check(getOrDefault(modelPath), conf, checked);
        checked = now;
        return now;
    }

    private static String requireName(String param, String value) {
        if (value == null || value.isBlank()) {
            throw new ValidationException(param, value, "give a non-blank value");
        }
        return value;
    }
}
