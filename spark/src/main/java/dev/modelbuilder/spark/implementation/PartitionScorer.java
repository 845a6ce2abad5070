package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import org.apache.hadoop.conf.Configuration;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.broadcast.Broadcast;
import org.apache.spark.resource.ResourceInformation;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;

import java.io.IOException;
import java.io.Serializable;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;

/**
 * Scores one partition: takes the executor's shared engine (opening the package if no task of this JVM has), reads
 * and decodes {@code batchSize} rows at a time on the task's own thread, scores them in one inference, and appends
 * label, score, labels (multi-label models), scores, top-K and error to each. Rows stream through: a partition is never held in memory.
 *
 * <p>An image that cannot be read or decoded gives a row with the error and no prediction, unless
 * {@code failOnError}, which fails the task with a {@link ScoringException} naming the file. An inference failure
 * (not the image's fault) always fails the task.
 */
public final class PartitionScorer implements MapPartitionsFunction<Row, Row> {
    /** Decoded pixels a task holds at most before it scores what it has (a batch of 8 12-megapixel photos). */
    static final long DECODED_BUDGET = 8L * 3 * 4000 * 3000;

    private static final long serialVersionUID = 1L;

    /**
     * What the stage asks for, fixed on the driver.
     *
     * @param pkg the checked package
     * @param inputIndex the input column's position
     * @param binaryInput true for image bytes, false for a column of paths or URIs
     * @param pathIndex the position of a column naming each row's file, or -1 (only used in messages)
     * @param batchSize rows per inference
     * @param intraOpThreads ONNX Runtime threads per inference, 0 for the task's CPUs ({@code spark.task.cpus})
     * @param gpu whether to run on the GPU Spark assigned to the task (device 0 without one)
     * @param topK the top-K column's length, 0 for none
     * @param failOnError whether an unreadable image fails the task
     * @param multiLabel whether the model is multi-label, so that rows get the labels that reached their thresholds
     */
    public record Plan(PackageRef pkg, int inputIndex, boolean binaryInput, int pathIndex, int batchSize,
                       int intraOpThreads, boolean gpu, int topK, boolean failOnError, boolean multiLabel)
            implements Serializable {
        private static final long serialVersionUID = 1L;

        /** @throws NullPointerException if {@code pkg} is null */
        public Plan {
            Objects.requireNonNull(pkg, "pkg");
        }
    }

    private final Plan plan;
    private final Broadcast<SerializableConfiguration> hadoop;

    /**
     * @param plan what to do
     * @param hadoop the driver's Hadoop configuration
     */
    public PartitionScorer(Plan plan, Broadcast<SerializableConfiguration> hadoop) {
        this.plan = Objects.requireNonNull(plan, "plan");
        this.hadoop = Objects.requireNonNull(hadoop, "hadoop");
    }

    @Override
    public Iterator<Row> call(Iterator<Row> input) {
        if (!input.hasNext()) {
            return Collections.emptyIterator(); // an empty partition never opens the package
        }
        TaskContext task = TaskContext.get();
        Configuration conf = hadoop.value().get();
        EngineParameters settings = settings(task);
        ExecutorEngines.Lease lease = ExecutorEngines.acquire(new ExecutorEngines.Key(plan.pkg().sha256(), settings),
                () -> ModelPackages.open(plan.pkg(), conf, settings));
        if (task != null) {
            // given back when the task ends, whether its output was consumed to the end or not
            task.addTaskCompletionListener((TaskCompletionListener) context -> lease.close());
        }
        return new Scored(input, lease, task, conf);
    }

    /**
     * ONNX Runtime's threads: as many as the task may use ({@code spark.task.cpus}, 1 by default), so that an
     * executor running as many tasks as it has cores runs as many inference threads, not cores × cores
     * (onnxruntime#17011).
     */
    private EngineParameters settings(TaskContext task) {
        int threads = plan.intraOpThreads() > 0 ? plan.intraOpThreads() : task != null ? Math.max(1, task.cpus()) : 1;
        int device = -1;
        if (plan.gpu()) {
            device = 0;
            if (task != null) {
                ResourceInformation gpus = task.resourcesJMap().get("gpu");
                if (gpus != null && gpus.addresses().length > 0) {
                    device = Integer.parseInt(gpus.addresses()[0].trim());
                }
            }
        }
        return new EngineParameters(threads, plan.batchSize(), device);
    }

    /** The output rows, scored a batch at a time as they are asked for. */
    private final class Scored implements Iterator<Row> {
        private final Iterator<Row> input;
        private final ExecutorEngines.Lease lease;
        private final TaskContext task;
        private final Configuration conf;
        private final PredictionEngine engine;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private long rowNumber;

        Scored(Iterator<Row> input, ExecutorEngines.Lease lease, TaskContext task, Configuration conf) {
            this.input = input;
            this.lease = lease;
            this.task = task;
            this.conf = conf;
            this.engine = lease.engine();
        }

        @Override
        public boolean hasNext() {
            if (ready.isEmpty() && input.hasNext()) {
                scoreNextBatch();
            }
            if (ready.isEmpty() && task == null) {
                lease.close(); // outside a task (no completion listener): give the engine back at the end
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        /**
         * Reads and decodes up to {@code batchSize} rows on this task's thread, then scores the decoded ones in one
         * inference. Decoding here, not on the engine's shared pool, makes Spark's tasks the parallelism (an
         * executor with N cores decodes N images at once, whatever N is), and an image that cannot be read or
         * decoded is known by its row. A batch is cut short when its decoded pixels pass {@link #DECODED_BUDGET}, so
         * that a run of very large photos cannot exhaust a small executor's heap.
         */
        private void scoreNextBatch() {
            List<Row> rows = new ArrayList<>(plan.batchSize());
            List<String> errors = new ArrayList<>(plan.batchSize());
            List<ImageSource> decoded = new ArrayList<>(plan.batchSize());
            List<Integer> positions = new ArrayList<>(plan.batchSize());
            long pixelBytes = 0;
            while (rows.size() < plan.batchSize() && pixelBytes < DECODED_BUDGET && input.hasNext()) {
                Row row = input.next();
                String name = describe(row, rowNumber++);
                String error = null;
                byte[] image = null;
                try {
                    image = read(row);
                } catch (IOException | RuntimeException e) {
                    error = failed(name, "cannot read it: " + ModelPackages.message(e), e);
                }
                if (image != null) {
                    try {
                        RgbImage rgb = ImageDecoder.decode(image, ImageDecoder.DEFAULT_MAX_ENCODED_BYTES);
                        pixelBytes += 3L * rgb.width() * rgb.height();
                        positions.add(rows.size());
                        decoded.add(ImageSource.of(rgb));
                    } catch (RuntimeException e) {
                        error = failed(name, ModelPackages.message(e), e);
                    }
                }
                rows.add(row);
                errors.add(error);
            }
            Prediction[] predictions = new Prediction[rows.size()];
            if (!decoded.isEmpty()) {
                // an inference failure is not the images' fault: it fails the task
                List<Prediction> scored = engine.predictBatch(decoded);
                for (int j = 0; j < positions.size(); j++) {
                    predictions[positions.get(j)] = scored.get(j);
                }
            }
            for (int i = 0; i < rows.size(); i++) {
                ready.add(output(rows.get(i), predictions[i], errors.get(i)));
            }
        }

        private byte[] read(Row row) throws IOException {
            int idx = plan.inputIndex();
            if (row.isNullAt(idx)) {
                throw new IOException("the input column is null");
            }
            if (plan.binaryInput()) {
                return (byte[]) row.get(idx);
            }
            return HadoopFiles.readAll(row.getString(idx), conf, ImageDecoder.DEFAULT_MAX_ENCODED_BYTES);
        }

        /** Records a row's error, or fails the task with it when {@code failOnError}. */
        private String failed(String name, String error, Throwable cause) {
            if (plan.failOnError()) {
                throw new ScoringException("cannot score " + name + ": " + error + " (failOnError is set)", cause);
            }
            return error;
        }

        private String describe(Row row, long number) {
            int idx = plan.binaryInput() ? plan.pathIndex() : plan.inputIndex();
            if (idx >= 0 && !row.isNullAt(idx)) {
                return String.valueOf(row.get(idx));
            }
            return "row " + number + " of partition " + (task != null ? task.partitionId() : 0);
        }

        private Row output(Row in, Prediction p, String error) {
            int width = in.length();
            Object[] values = new Object[width + 4 + (plan.multiLabel() ? 1 : 0) + (plan.topK() > 0 ? 1 : 0)];
            for (int i = 0; i < width; i++) {
                values[i] = in.get(i);
            }
            int at = width;
            values[at++] = p == null ? null : p.label();
            values[at++] = p == null ? null : p.score();
            if (plan.multiLabel()) {
                values[at++] = p == null ? null : OutputValues.labels(p);
            }
            values[at++] = p == null ? null : OutputValues.scores(p);
            if (plan.topK() > 0) {
                values[at++] = p == null ? null : OutputValues.topK(p, plan.topK());
            }
            values[at] = p == null ? (error == null ? "no prediction" : error) : null;
            return RowFactory.create(values);
        }
    }
}
