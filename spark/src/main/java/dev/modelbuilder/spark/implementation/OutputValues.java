package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.scoring.Prediction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import scala.collection.immutable.ListMap;
import scala.collection.immutable.ListMap$;
import scala.jdk.javaapi.CollectionConverters;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * A prediction as Spark column values. Spark's row encoder takes Scala collections for map and array columns; they
 * stay in this class, out of the public API.
 */
public final class OutputValues {
    /** The element type of the top-K column: one label and its probability. */
    public static final StructType LABEL_SCORE = DataTypes.createStructType(new StructField[] {
        DataTypes.createStructField("label", DataTypes.StringType, false),
        DataTypes.createStructField("score", DataTypes.DoubleType, false)});

    private OutputValues() {
    }

    /**
     * @param p a prediction
     * @return its scores per label, in class-index order, as the value of a {@code map<string,double>} column
     */
    public static ListMap<String, Object> scores(Prediction p) {
        List<scala.Tuple2<String, Object>> entries = new ArrayList<>(p.scores().size());
        for (Map.Entry<String, Double> e : p.scores().entrySet()) {
            entries.add(new scala.Tuple2<>(e.getKey(), e.getValue()));
        }
        // a ListMap keeps the class-index order, which Spark's map column keeps too
        return ListMap$.MODULE$.from(CollectionConverters.asScala(entries));
    }

    /**
     * @param p a prediction of a multi-label model
     * @return the labels that reached their thresholds, in class-index order (possibly none), as the value of an
     *     {@code array<string>} column
     */
    public static scala.collection.immutable.Seq<String> labels(Prediction p) {
        return CollectionConverters.asScala(p.labels()).toList();
    }

    /**
     * @param p a prediction
     * @param k how many labels
     * @return the {@code k} most probable labels as the value of an {@code array<struct<label,score>>} column
     */
    public static scala.collection.immutable.Seq<Row> topK(Prediction p, int k) {
        List<Row> rows = new ArrayList<>(k);
        for (Prediction.LabelScore s : p.topK(k)) {
            rows.add(RowFactory.create(s.label(), s.score()));
        }
        return CollectionConverters.asScala(rows).toList();
    }
}
