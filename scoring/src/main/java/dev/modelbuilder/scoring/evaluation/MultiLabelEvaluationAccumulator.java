package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.scoring.implementation.Scores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;

/**
 * Folds a multi-label model's predictions into a {@link MultiLabelEvaluationResult} one image at a time. Memory stays
 * bounded whatever the number of images: per label a 2x2 table and a histogram of probabilities in 100 bins (from
 * which the macro-F1-maximizing threshold is found exactly on the 0.01 grid), and the {@value #MAX_WORST_IMAGES}
 * images with the lowest IoU. Not thread-safe.
 *
 * <pre>{@code
 * MultiLabelEvaluationAccumulator acc = new MultiLabelEvaluationAccumulator(List.of("bag", "shirt"), new double[] {0.5, 0.5});
 * acc.add("1.jpg", new int[] {0, 1}, new double[] {0.9, 0.3});   // predicted {bag}: IoU 1/2
 * MultiLabelEvaluationResult r = acc.result("/data/test", "MLModel.zip");
 * }</pre>
 */
public final class MultiLabelEvaluationAccumulator {
    /** The most images kept as the worst ones. */
    public static final int MAX_WORST_IMAGES = 500;
    private static final int BINS = 100;

    private final List<String> labels;
    private final double[] thresholds;
    private final long[][] table; // [label][tp, fp, fn, tn]
    private final long[][] positives; // [label][bin]: images that have the label, by probability bin
    private final long[][] negatives;
    private final PriorityQueue<MultiLabelMistake> worst = new PriorityQueue<>(WORST_FIRST.reversed());
    private final List<SkippedImage> skipped = new ArrayList<>();
    private long images;
    private long exact;
    private long wrongDecisions;
    private double iouSum;

    /** Lowest IoU first, then most wrong labels, then by path. */
    private static final Comparator<MultiLabelMistake> WORST_FIRST = Comparator
            .comparingDouble(MultiLabelMistake::iou).thenComparing(Comparator.comparingInt(MultiLabelMistake::wrong)
                    .reversed()).thenComparing(MultiLabelMistake::image);

    /**
     * @param labels the model's labels in class-index order
     * @param thresholds each label's decision threshold, in class-index order
     * @throws IllegalArgumentException if there are no labels or not one threshold per label
     */
    public MultiLabelEvaluationAccumulator(List<String> labels, double[] thresholds) {
        this.labels = List.copyOf(labels);
        if (this.labels.isEmpty()) {
            throw new IllegalArgumentException("a model has at least one label");
        }
        if (thresholds.length != this.labels.size()) {
            throw new IllegalArgumentException(thresholds.length + " thresholds for " + this.labels.size()
                    + " labels");
        }
        this.thresholds = thresholds.clone();
        int n = this.labels.size();
        this.table = new long[n][4];
        this.positives = new long[n][BINS];
        this.negatives = new long[n][BINS];
    }

    /**
     * Adds one scored image.
     *
     * @param image its path relative to the dataset's root folder
     * @param trueIndexes the class indexes of its true labels (may be empty)
     * @param probabilities each label's probability, in class-index order
     * @throws IllegalArgumentException if an index is out of range or the probabilities are not one per label
     */
    public void add(String image, int[] trueIndexes, double[] probabilities) {
        Objects.requireNonNull(image, "image");
        int n = labels.size();
        if (probabilities.length != n) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + n + " labels");
        }
        boolean[] truth = new boolean[n];
        for (int t : trueIndexes) {
            if (t < 0 || t >= n) {
                throw new IllegalArgumentException("true label index " + t + " is out of range for " + n + " labels");
            }
            truth[t] = true;
        }
        int intersection = 0;
        int union = 0;
        int wrong = 0;
        List<String> trueLabels = new ArrayList<>();
        List<String> predictedLabels = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            boolean predicted = probabilities[i] >= thresholds[i];
            int bin = Math.min(BINS - 1, Math.max(0, (int) Math.floor(probabilities[i] * BINS)));
            if (truth[i]) {
                positives[i][bin]++;
                trueLabels.add(labels.get(i));
            } else {
                negatives[i][bin]++;
            }
            if (predicted) {
                predictedLabels.add(labels.get(i));
            }
            table[i][truth[i] ? (predicted ? 0 : 2) : (predicted ? 1 : 3)]++;
            if (truth[i] && predicted) {
                intersection++;
            }
            if (truth[i] || predicted) {
                union++;
            }
            if (truth[i] != predicted) {
                wrong++;
            }
        }
        double iou = union == 0 ? 1 : (double) intersection / union;
        images++;
        iouSum += iou;
        wrongDecisions += wrong;
        if (wrong == 0) {
            exact++;
            return;
        }
        worst.add(new MultiLabelMistake(image, trueLabels, predictedLabels, iou, wrong));
        if (worst.size() > MAX_WORST_IMAGES) {
            worst.poll(); // the least bad of the kept ones
        }
    }

    /**
     * Adds one scored image from a multi-label model's raw logits (a sigmoid per label).
     *
     * @param image its name or path
     * @param trueIndexes its true labels' class indexes
     * @param logits the model's output for it
     */
    public void addLogits(String image, int[] trueIndexes, float[] logits) {
        double[] p = new double[logits.length];
        for (int i = 0; i < logits.length; i++) {
            p[i] = Scores.sigmoid(logits[i]);
        }
        add(image, trueIndexes, p);
    }

    /**
     * Records a file that could not be scored.
     *
     * @param image its path relative to the dataset's root folder
     * @param reason why
     */
    public void skip(String image, String reason) {
        skipped.add(new SkippedImage(image, reason));
    }

    /** @return how many images were added so far */
    public long images() {
        return images;
    }

    /**
     * @param dataFolder the evaluated dataset
     * @param model what was evaluated, for the reader
     * @return the figures of everything added so far
     * @throws InvalidStateException if no image was added
     */
    public MultiLabelEvaluationResult result(String dataFolder, String model) {
        if (images == 0) {
            throw new InvalidStateException("no image was scored, so there is nothing to measure");
        }
        int n = labels.size();
        List<LabelDecisionMetrics> perLabel = new ArrayList<>(n);
        long tp = 0;
        long fp = 0;
        long fn = 0;
        for (int i = 0; i < n; i++) {
            perLabel.add(LabelDecisionMetrics.of(labels.get(i), thresholds[i], table[i][0], table[i][1], table[i][2],
                    table[i][3]));
            tp += table[i][0];
            fp += table[i][1];
            fn += table[i][2];
        }
        Averages micro = averages(LabelDecisionMetrics.of("micro", 0, tp, fp, fn, 0));
        Averages macro = macro(perLabel);
        double bestThreshold = 0.5;
        double bestF1 = -1;
        for (int k = 1; k < BINS; k++) {
            List<LabelDecisionMetrics> at = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                long p = 0;
                long q = 0;
                for (int b = k; b < BINS; b++) {
                    p += positives[i][b];
                    q += negatives[i][b];
                }
                long support = table[i][0] + table[i][2];
                long negativesTotal = table[i][1] + table[i][3];
                at.add(LabelDecisionMetrics.of(labels.get(i), k / (double) BINS, p, q, support - p,
                        negativesTotal - q));
            }
            double f1 = macro(at).f1();
            if (f1 > bestF1 + 1e-12) {
                bestF1 = f1;
                bestThreshold = k / (double) BINS;
            }
        }
        List<MultiLabelMistake> worstList = new ArrayList<>(worst);
        worstList.sort(WORST_FIRST);
        return new MultiLabelEvaluationResult(dataFolder, model, labels, images, iouSum / images,
                (double) exact / images, (double) wrongDecisions / ((double) images * n), micro, macro, perLabel,
                bestThreshold, bestF1, worstList, skipped.size(), skipped);
    }

    private static Averages averages(LabelDecisionMetrics m) {
        return new Averages(m.precision(), m.recall(), m.f1());
    }

    /** Averages over the labels some image has or was given, as the single-label macro average does. */
    private static Averages macro(List<LabelDecisionMetrics> perLabel) {
        double p = 0;
        double r = 0;
        double f = 0;
        int present = 0;
        for (LabelDecisionMetrics m : perLabel) {
            if (m.support() > 0 || m.predicted() > 0) {
                present++;
                p += m.precision();
                r += m.recall();
                f += m.f1();
            }
        }
        return present == 0 ? new Averages(0, 0, 0) : new Averages(p / present, r / present, f / present);
    }
}
