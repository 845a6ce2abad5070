package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.core.exception.ValidationException;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The stage's schema rules, checked on the driver before any task: what the input column may be, which columns the
 * stage appends, and that none of them exists already.
 *
 * @param input the input column: binary (encoded images) or string (paths or URIs)
 * @param label the most probable label's column
 * @param score that label's probability's column
 * @param labels the column of the labels that reached their thresholds (multi-label packages only)
 * @param scores every label's probability's column
 * @param topKCol the top-K column's name
 * @param topK the top-K column's length, 0 for no such column
 * @param error the column of the reason a row has no prediction
 */
public record StageSchema(String input, String label, String score, String labels, String scores, String topKCol,
                          int topK, String error) {

    /**
     * @param schema the input's schema
     * @param modelPathSet whether the stage's model path is set
     * @param multiLabel whether the package is multi-label (adds the labels column)
     * @return the input's columns followed by the output columns
     * @throws ValidationException naming every problem: no model path, a missing or mistyped input column, an
     *     output column that exists already or twice
     */
    public StructType output(StructType schema, boolean modelPathSet, boolean multiLabel) {
        List<ValidationException.Violation> problems = new ArrayList<>();
        if (!modelPathSet) {
            problems.add(new ValidationException.Violation("modelPath", null,
                    "set the MLModel.zip's path or Hadoop URI with setModelPath(..)"));
        }
        List<String> columns = Arrays.asList(schema.fieldNames());
        if (!columns.contains(input)) {
            problems.add(new ValidationException.Violation("inputCol", input, "the input has no such column; it has "
                    + String.join(", ", columns)));
        } else {
            DataType type = schema.apply(input).dataType();
            if (!type.equals(DataTypes.BinaryType) && !type.equals(DataTypes.StringType)) {
                problems.add(new ValidationException.Violation("inputCol", input, "the column is of type "
                        + type.simpleString() + "; use a binary column of encoded images (spark.read().format"
                        + "(\"binaryFile\") gives one named content) or a string column of paths or URIs"));
            }
        }
        List<StructField> added = new ArrayList<>();
        added.add(DataTypes.createStructField(label, DataTypes.StringType, true));
        added.add(DataTypes.createStructField(score, DataTypes.DoubleType, true));
        if (multiLabel) {
            added.add(DataTypes.createStructField(labels,
                    DataTypes.createArrayType(DataTypes.StringType, false), true));
        }
        added.add(DataTypes.createStructField(scores,
                DataTypes.createMapType(DataTypes.StringType, DataTypes.DoubleType, false), true));
        if (topK > 0) {
            added.add(DataTypes.createStructField(topKCol,
                    DataTypes.createArrayType(OutputValues.LABEL_SCORE, false), true));
        }
        added.add(DataTypes.createStructField(error, DataTypes.StringType, true));
        List<String> names = new ArrayList<>();
        for (StructField f : added) {
            if (columns.contains(f.name())) {
                problems.add(new ValidationException.Violation("output column", f.name(), "the input already has a "
                        + "column of that name; choose another with the stage's set...Col(..) methods"));
            } else if (names.contains(f.name())) {
                problems.add(new ValidationException.Violation("output column", f.name(), "two output columns have "
                        + "that name"));
            }
            names.add(f.name());
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        StructType out = schema;
        for (StructField f : added) {
            out = out.add(f);
        }
        return out;
    }
}
