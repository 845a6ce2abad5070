package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.scoring.Prediction;
import org.apache.spark.TaskContext;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.api.java.UDF1;
import org.apache.spark.util.TaskCompletionListener;

import java.util.Objects;

/**
 * The {@code modelbuilder_predict(content)} SQL function: one row at a time, on the executor's shared engine. Each
 * deserialized copy (one per task) takes a lease on its first row and gives it back when the task ends.
 */
public final class PredictFunction implements UDF1<byte[], Row> {
    private static final long serialVersionUID = 1L;

    private final PackageRef pkg;
    private final boolean multiLabel;
    private final Broadcast<SerializableConfiguration> hadoop;
    private transient ExecutorEngines.Lease lease;

    /**
     * @param pkg the checked package
     * @param multiLabel whether its model is multi-label (the result then has the labels that reached their
     *     thresholds after {@code score})
     * @param hadoop the driver's Hadoop configuration
     */
    public PredictFunction(PackageRef pkg, boolean multiLabel, Broadcast<SerializableConfiguration> hadoop) {
        this.pkg = Objects.requireNonNull(pkg, "pkg");
        this.multiLabel = multiLabel;
        this.hadoop = Objects.requireNonNull(hadoop, "hadoop");
    }

    @Override
    public Row call(byte[] content) {
        if (content == null) {
            return failed("the input is null");
        }
        RgbImage image;
        try {
            image = ImageDecoder.decode(content, ImageDecoder.DEFAULT_MAX_ENCODED_BYTES);
        } catch (ScoringException e) {
            return failed(ModelPackages.message(e));
        }
        Prediction p = lease().engine().predict(image); // an inference failure fails the query
        return multiLabel
                ? RowFactory.create(p.label(), p.score(), OutputValues.labels(p), OutputValues.scores(p), null)
                : RowFactory.create(p.label(), p.score(), OutputValues.scores(p), null);
    }

    private Row failed(String error) {
        return multiLabel ? RowFactory.create(null, null, null, null, error) : RowFactory.create(null, null, null, error);
    }

    private synchronized ExecutorEngines.Lease lease() {
        if (lease == null) {
            TaskContext task = TaskContext.get();
            int threads = task != null ? Math.max(1, task.cpus()) : 1;
            EngineParameters settings = new EngineParameters(threads, 1, -1);
            ExecutorEngines.Lease taken = ExecutorEngines.acquire(new ExecutorEngines.Key(pkg.sha256(), settings),
                    () -> ModelPackages.open(pkg, hadoop.value().get(), settings));
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) context -> release());
            }
            lease = taken;
        }
        return lease;
    }

    private synchronized void release() {
        if (lease != null) {
            lease.close();
            lease = null;
        }
    }
}
