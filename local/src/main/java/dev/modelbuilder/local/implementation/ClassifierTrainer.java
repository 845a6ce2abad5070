package dev.modelbuilder.local.implementation;

import ai.djl.Device;
import ai.djl.Model;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.nn.Parameter;
import ai.djl.training.DefaultTrainingConfig;
import ai.djl.training.Trainer;
import ai.djl.training.initializer.XavierInitializer;
import ai.djl.training.loss.Loss;
import ai.djl.training.optimizer.Optimizer;
import ai.djl.training.tracker.Tracker;
import ai.djl.util.Pair;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Random;
import java.util.function.BooleanSupplier;
import java.util.function.LongSupplier;

/**
 * Trains a {@link ResNet} from scratch on {@link TrainingData}: Adam with a cosine learning-rate decay, softmax
 * cross-entropy (for multi-label data, binary cross-entropy on a sigmoid per label, checkpoints chosen by the mean IoU
 * of the label sets at 0.5), augmentation at every epoch, validation after every epoch, a best-by-validation-accuracy checkpoint
 * (ties go to the lower validation loss), early stopping after {@code patience} epochs without a better checkpoint,
 * an epoch limit and a time budget. Cancellation and the time budget are checked before every batch; training never
 * stops before one epoch has been validated, so there is always a checkpoint unless it was cancelled first.
 *
 * <p>Runs on the calling thread, which it prepares for PyTorch ({@link DjlRuntime#prepareThread(int)}).
 */
final class ClassifierTrainer {

    /** Why training stopped. */
    public enum StopReason {
        /** The epoch limit was reached. */
        EPOCH_LIMIT,
        /** The time budget ran out. */
        TIME_BUDGET,
        /** No better checkpoint for {@code patience} epochs. */
        EARLY_STOPPING,
        /** Cancelled. */
        CANCELLED;

        /** @return the reason in words, as the run's log says it */
        String describe() {
            return switch (this) {
                case EPOCH_LIMIT -> "reached the epoch limit";
                case TIME_BUDGET -> "the time budget ran out";
                case EARLY_STOPPING -> "early stopping: validation accuracy stopped improving";
                case CANCELLED -> "cancelled";
            };
        }
    }

    /**
     * Decides, after an epoch was validated, whether training stops there. The epoch limit wins over early
     * stopping and the time budget when they fall on the same epoch: the run did all the epochs it was given.
     *
     * @param epoch the epoch just validated, 1-based
     * @param maxEpochs the epoch limit
     * @param sinceBest epochs since the best checkpoint (0 when this epoch is the best)
     * @param patience epochs without a better checkpoint before early stopping
     * @param budgetSpent whether the time budget has run out
     * @return why training stops, or {@code null} to go on
     */
    static StopReason afterEpoch(int epoch, int maxEpochs, int sinceBest, int patience, boolean budgetSpent) {
        if (epoch >= maxEpochs) {
            return StopReason.EPOCH_LIMIT;
        }
        if (sinceBest >= patience) {
            return StopReason.EARLY_STOPPING;
        }
        return budgetSpent ? StopReason.TIME_BUDGET : null;
    }

    /**
     * The one line that says why and when training stopped.
     *
     * @param reason why
     * @param epochsRun epochs validated
     * @param bestEpoch the best checkpoint's epoch, or 0 when there is none
     * @param bestAccuracy the best checkpoint's validation accuracy
     * @return the line
     */
    static String stopLine(StopReason reason, int epochsRun, int bestEpoch, double bestAccuracy) {
        return stopLine(reason, epochsRun, bestEpoch, bestAccuracy, false);
    }

    /**
     * The one line that says why and when training stopped, naming a multi-label model's measure (mean IoU).
     *
     * @param reason why
     * @param epochsRun epochs validated
     * @param bestEpoch the best checkpoint's epoch, or 0 when there is none
     * @param bestScore the best checkpoint's validation accuracy, or mean IoU for a multi-label model
     * @param multiLabel whether the model is multi-label
     * @return the line
     */
    static String stopLine(StopReason reason, int epochsRun, int bestEpoch, double bestScore, boolean multiLabel) {
        double bestAccuracy = bestScore;
        return "training stopped after " + epochsRun + (epochsRun == 1 ? " epoch" : " epochs") + " ("
                + reason.describe() + ")" + (bestEpoch <= 0 ? "; no checkpoint" : "; best epoch " + bestEpoch
                + " with validation " + (multiLabel ? "mean IoU " : "accuracy ")
                + String.format(Locale.ROOT, "%.4f", bestAccuracy));
    }

    /**
     * One epoch's figures.
     *
     * @param epoch 1-based epoch number
     * @param trainLoss mean training loss
     * @param trainAccuracy training accuracy (on augmented images)
     * @param validationLoss mean validation loss
     * @param validationAccuracy validation accuracy
     * @param perClassAccuracy validation accuracy of each label
     * @param improved whether this epoch became the best checkpoint
     * @param took how long the epoch took
     * @param images training images processed
     */
    public record EpochResult(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
            double validationAccuracy, Map<String, Double> perClassAccuracy, boolean improved, Duration took,
            int images, boolean multiLabel, double subsetAccuracy) {
        /** Copies the map. */
        public EpochResult {
            perClassAccuracy = Map.copyOf(perClassAccuracy);
        }

        /** A single-label epoch. */
        EpochResult(int epoch, double trainLoss, double trainAccuracy, double validationLoss,
                double validationAccuracy, Map<String, Double> perClassAccuracy, boolean improved, Duration took,
                int images) {
            this(epoch, trainLoss, trainAccuracy, validationLoss, validationAccuracy, perClassAccuracy, improved,
                    took, images, false, validationAccuracy);
        }

        /**
         * @return the metrics to log: loss, accuracy, validation_loss, train_accuracy, accuracy/&lt;label&gt;; for a
         *     multi-label model (where "accuracy" is the mean IoU of the label sets at 0.5, AutoML's primary metric)
         *     also iou, train_iou, subset_accuracy and f1/&lt;label&gt;
         */
        public Map<String, Double> metrics() {
            Map<String, Double> m = new LinkedHashMap<>();
            if (multiLabel) {
                m.put("loss", trainLoss);
                m.put("train_iou", trainAccuracy);
                m.put("validation_loss", validationLoss);
                m.put("iou", validationAccuracy);
                m.put("subset_accuracy", subsetAccuracy);
                // the report's curves and the CLI read these names for every model
                m.put("train_accuracy", trainAccuracy);
                m.put("accuracy", validationAccuracy);
                perClassAccuracy.entrySet().stream().sorted(Map.Entry.comparingByKey())
                        .forEach(e -> m.put("f1/" + e.getKey(), e.getValue()));
                return m;
            }
            m.put("loss", trainLoss);
            m.put("train_accuracy", trainAccuracy);
            m.put("validation_loss", validationLoss);
            m.put("accuracy", validationAccuracy);
            perClassAccuracy.entrySet().stream().sorted(Map.Entry.comparingByKey())
                    .forEach(e -> m.put("accuracy/" + e.getKey(), e.getValue()));
            return m;
        }
    }

    private final TrainingParameters settings;
    private final BooleanSupplier cancelled;
    private final LongSupplier nanoClock;

    /**
     * @param settings how to train
     * @param cancelled polled before every batch
     * @param nanoClock monotonic time in nanoseconds (a seam for the time-budget tests)
     */
    public ClassifierTrainer(TrainingParameters settings, BooleanSupplier cancelled, LongSupplier nanoClock) {
        this.settings = Objects.requireNonNull(settings, "settings");
        this.cancelled = Objects.requireNonNull(cancelled, "cancelled");
        this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
    }

    /**
     * Trains. The returned network holds the best checkpoint's parameters.
     *
     * @param data the decoded data
     * @param events told after every epoch (see {@link #train(TrainingData, ProgressListener, String, long)})
     * @param source the run id, for the metrics and log lines
     * @return the trained network (close it), or one with no checkpoint when cancelled before the first epoch ended
     */
    public TrainedNetwork train(TrainingData data, ProgressListener events, String source) {
        return train(data, events, source, nanoClock.getAsLong());
    }

    /**
     * Trains, counting the time budget from an earlier moment (e.g. before the images were decoded). After every
     * epoch the listener is told, in this order: the epoch as {@code TRAIN} progress, each of its
     * {@linkplain EpochResult#metrics() metrics} (with the epoch as their step), and a line that sums it up; once
     * training stopped, a line that says why. It is the run's own listener, which records each epoch, so what it
     * throws propagates.
     *
     * @param data the decoded data
     * @param events told after every epoch
     * @param source the run id, for the metrics and log lines
     * @param start when the time budget started, in the nano clock's time
     * @return the trained network (close it), or one with no checkpoint when cancelled before the first epoch ended
     */
    public TrainedNetwork train(TrainingData data, ProgressListener events, String source, long start) {
        long budget = settings.timeBudget().toNanos();
        DjlRuntime.prepareThread(settings.threads());
        DjlRuntime.engine().setRandomSeed((int) settings.seed());
        ResNet net = ResNet.build(ResNetArchitecture.named(settings.architecture(), settings.imageSize(), settings.width(),
                data.labels().size()));
        Model model = Model.newInstance("modelbuilder-local-" + settings.architecture(), Device.cpu(),
                DjlRuntime.ENGINE_NAME);
        boolean ok = false;
        try {
            model.setBlock(net.block());
            int batch = Math.min(settings.batchSize(), Math.max(2, data.trainingSize()));
            int stepsPerEpoch = Math.max(1, data.trainingSize() / batch);
            DefaultTrainingConfig config = trainingConfig(settings, stepsPerEpoch * settings.maxEpochs(),
                    data.isMultiLabel());
            int classes = data.labels().size();
            Checkpoint best = null;
            StopReason reason = StopReason.EPOCH_LIMIT;
            int epochsRun = 0;
            try (Trainer trainer = model.newTrainer(config)) {
                trainer.initialize(new Shape(batch, 3, settings.imageSize(), settings.imageSize()));
                Random random = new Random(settings.seed());
                int sinceBest = 0;
                epochs:
                for (int epoch = 1; epoch <= settings.maxEpochs(); epoch++) {
                    long epochStart = nanoClock.getAsLong();
                    List<Integer> order = data.shuffledTrainingOrder(random);
                    float[] buffer = new float[batch * data.spec().tensorSize()];
                    double lossSum = 0;
                    double correct = 0; // images right, or for multi-label the sum of their IoUs
                    int seen = 0;
                    for (int from = 0; from + 2 <= order.size(); from += batch) {
                        if (cancelled.getAsBoolean()) {
                            reason = StopReason.CANCELLED;
                            break epochs;
                        }
                        if (best != null && nanoClock.getAsLong() - start >= budget) {
                            reason = StopReason.TIME_BUDGET;
                            break epochs;
                        }
                        int n = Math.min(batch, order.size() - from);
                        if (n < 2) {
                            break; // batch normalization needs two images
                        }
                        float[] labels = new float[data.isMultiLabel() ? n * classes : n];
                        for (int i = 0; i < n; i++) {
                            int index = order.get(from + i);
                            data.augmentedTensor(index, random, buffer, i * data.spec().tensorSize());
                            if (data.isMultiLabel()) {
                                System.arraycopy(data.trainingTargets(index), 0, labels, i * classes, classes);
                            } else {
                                labels[i] = data.trainingLabel(index);
                            }
                        }
                        double[] stats = data.isMultiLabel()
                                ? BatchSteps.trainStepMultiLabel(trainer, buffer, labels, n, classes, data.spec().width())
                                : BatchSteps.trainStep(trainer, buffer, labels, n, data.spec().width());
                        lossSum += stats[0] * n;
                        correct += stats[1];
                        seen += n;
                    }
                    double[] val = data.isMultiLabel() ? BatchSteps.validateMultiLabel(trainer, data, batch)
                            : BatchSteps.validate(trainer, data, batch);
                    epochsRun = epoch;
                    boolean improved = best == null || val[1] > best.accuracy
                            || (val[1] == best.accuracy && val[0] < best.loss);
                    Map<String, Double> perClass = data.isMultiLabel() ? BatchSteps.perLabelF1(data, val)
                            : BatchSteps.perClass(data, val);
                    EpochResult result = new EpochResult(epoch, seen == 0 ? 0 : lossSum / seen,
                            seen == 0 ? 0 : correct / seen, val[0], val[1], perClass, improved,
                            Duration.ofNanos(nanoClock.getAsLong() - epochStart), seen, data.isMultiLabel(),
                            data.isMultiLabel() ? val[2] : val[1]);
                    if (improved) {
                        best = Checkpoint.of(net, result);
                        sinceBest = 0;
                    } else {
                        sinceBest++;
                    }
                    report(result, events, source);
                    StopReason stop = afterEpoch(epoch, settings.maxEpochs(), sinceBest, settings.patience(),
                            nanoClock.getAsLong() - start >= budget);
                    if (stop != null) {
                        reason = stop;
                        break;
                    }
                }
            }
            if (best != null) {
                best.restore(net);
            }
            events.onEvent(new ProgressEvent.LogLine(source, stopLine(reason, epochsRun,
                    best == null ? 0 : best.result.epoch(), best == null ? 0 : best.accuracy, data.isMultiLabel())));
            ok = true;
            return new TrainedNetwork(model, net, best == null ? null : best.result, reason, epochsRun);
        } finally {
            if (!ok) {
                model.close();
            }
        }
    }

    /** Tells the listener about an epoch: progress, then its metrics, then one line (the order the CLI shows). */
    private void report(EpochResult result, ProgressListener events, String source) {
        int max = settings.maxEpochs();
        events.onEvent(new ProgressEvent.StepProgress(WorkStep.TRAIN, result.epoch(), max, "epochs"));
        result.metrics().forEach((name, value) -> events.onEvent(new ProgressEvent.MetricLogged(source, name,
                result.epoch(), value)));
        events.onEvent(new ProgressEvent.LogLine(source, String.format(Locale.ROOT, "epoch %d/%d: loss %.4f,"
                + " validation %s %.4f, validation loss %.4f, %.1f images/s%s", result.epoch(), max,
                result.trainLoss(), result.multiLabel() ? "mean IoU" : "accuracy", result.validationAccuracy(),
                result.validationLoss(),
                result.images() / Math.max(1e-9, result.took().toNanos() / 1e9),
                result.improved() ? " (best so far)" : "")));
    }

    /**
     * The training configuration: softmax cross-entropy, Adam with L2 weight decay and a cosine learning-rate decay
     * to 1 % over {@code maxUpdates} steps, He-normal initialization of weights, CPU.
     *
     * @param settings the settings
     * @param maxUpdates steps over which the learning rate decays
     * @return the configuration
     */
    static DefaultTrainingConfig trainingConfig(TrainingParameters settings, int maxUpdates) {
        return trainingConfig(settings, maxUpdates, false);
    }

    /**
     * The training configuration, with binary cross-entropy on a sigmoid per label for a multi-label model.
     *
     * @param settings the settings
     * @param maxUpdates steps over which the learning rate decays
     * @param multiLabel whether each label is its own yes/no decision
     * @return the configuration
     */
    static DefaultTrainingConfig trainingConfig(TrainingParameters settings, int maxUpdates, boolean multiLabel) {
        Tracker lr = Tracker.cosine().setBaseValue(settings.learningRate())
                .optFinalValue(settings.learningRate() * 0.01f).setMaxUpdates(Math.max(1, maxUpdates)).build();
        return new DefaultTrainingConfig(multiLabel ? Loss.sigmoidBinaryCrossEntropyLoss()
                : Loss.softmaxCrossEntropyLoss())
                .optOptimizer(Optimizer.adam().optLearningRateTracker(lr).optWeightDecays(settings.weightDecay())
                        .build())
                .optInitializer(new XavierInitializer(XavierInitializer.RandomType.GAUSSIAN,
                        XavierInitializer.FactorType.IN, 2f), Parameter.Type.WEIGHT)
                .optDevices(new Device[] {Device.cpu()});
    }

    /** A copy of every parameter (weights and running statistics) at the best epoch. */
    private static final class Checkpoint {
        final EpochResult result;
        final double accuracy;
        final double loss;
        final List<float[]> values;

        private Checkpoint(EpochResult result, List<float[]> values) {
            this.result = result;
            this.accuracy = result.validationAccuracy();
            this.loss = result.validationLoss();
            this.values = values;
        }

        static Checkpoint of(ResNet net, EpochResult result) {
            List<float[]> values = new ArrayList<>();
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                values.add(p.getValue().getArray().toFloatArray());
            }
            return new Checkpoint(result, values);
        }

        void restore(ResNet net) {
            int i = 0;
            for (Pair<String, Parameter> p : net.block().getParameters()) {
                NDArray target = p.getValue().getArray();
                try (NDManager m = target.getManager().newSubManager()) {
                    m.create(values.get(i++), target.getShape()).copyTo(target);
                }
            }
        }
    }
}
