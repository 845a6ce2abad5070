package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.exception.InvalidStateException;

import dev.modelbuilder.scoring.implementation.Scores;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Folds predictions into an {@link EvaluationResult} one image at a time, keeping only counts (plus the
 * misclassified and skipped images), so memory does not grow with the number of correctly classified images.
 * {@link ModelEvaluator} uses it; use it directly for predictions made elsewhere (e.g. a training run's validation
 * split). Not thread-safe.
 *
 * <pre>{@code
 * EvaluationAccumulator acc = new EvaluationAccumulator(List.of("cat", "dog"), 1);
 * acc.add("cat/1.jpg", 0, new double[] {0.9, 0.1});
 * acc.add("dog/7.jpg", 1, new double[] {0.6, 0.4});   // misclassified
 * EvaluationResult r = acc.result("/data/test", "MLModel.zip");
 * }</pre>
 */
public final class EvaluationAccumulator {
    private static final double EPS = 1e-15;

    private final List<String> labels;
    private final int topK;
    private final long[][] counts;
    private final List<Misclassified> misclassified = new ArrayList<>();
    private final List<SkippedImage> skipped = new ArrayList<>();
    private long images;
    private long correct;
    private long topKHits;
    private double logLossSum;

    /**
     * @param labels the model's labels in class-index order
     * @param topK the {@code k} of the top-k accuracy, at least 1
     * @throws IllegalArgumentException if {@code topK < 1} or there are no labels
     */
    public EvaluationAccumulator(List<String> labels, int topK) {
        this.labels = List.copyOf(labels);
        if (this.labels.isEmpty()) {
            throw new IllegalArgumentException("a model has at least one label");
        }
        if (topK < 1) {
            throw new IllegalArgumentException("top-k needs k of 1 or more, got " + topK);
        }
        this.topK = topK;
        this.counts = new long[this.labels.size()][this.labels.size()];
    }

    /**
     * Adds one scored image.
     *
     * @param image its path relative to the evaluated folder
     * @param trueIndex the class index of its true label
     * @param probabilities the model's probability for every label, in class-index order
     * @throws IllegalArgumentException if the index is out of range or the probabilities are not one per label
     */
    public void add(String image, int trueIndex, double[] probabilities) {
        Objects.requireNonNull(image, "image");
        if (probabilities.length != labels.size()) {
            throw new IllegalArgumentException(probabilities.length + " probabilities for " + labels.size()
                    + " labels");
        }
        if (trueIndex < 0 || trueIndex >= labels.size()) {
            throw new IllegalArgumentException("true label index " + trueIndex + " is out of range for "
                    + labels.size() + " labels");
        }
        int predicted = 0;
        for (int i = 1; i < probabilities.length; i++) {
            if (probabilities[i] > probabilities[predicted]) {
                predicted = i;
            }
        }
        double pTrue = probabilities[trueIndex];
        // rank of the true label with Prediction.topK's order: higher score first, lower index first on ties
        int ahead = 0;
        for (int i = 0; i < probabilities.length; i++) {
            if (probabilities[i] > pTrue || (probabilities[i] == pTrue && i < trueIndex)) {
                ahead++;
            }
        }
        images++;
        counts[trueIndex][predicted]++;
        if (ahead < topK) {
            topKHits++;
        }
        logLossSum += -Math.log(Math.min(1 - EPS, Math.max(EPS, pTrue)));
        if (predicted == trueIndex) {
            correct++;
        } else {
            misclassified.add(new Misclassified(image, labels.get(trueIndex), labels.get(predicted),
                    probabilities[predicted], pTrue));
        }
    }

    /**
     * Adds one scored image from a model's raw logits, turned into probabilities with a softmax.
     *
     * @param image the image's name or path
     * @param trueIndex the index of its true label
     * @param logits the model's output for it
     */
    public void addLogits(String image, int trueIndex, float[] logits) {
        add(image, trueIndex, Scores.softmax(logits));
    }

    /**
     * Records a file that could not be scored.
     *
     * @param image its path relative to the evaluated folder
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
     * @param dataFolder the evaluated folder
     * @param model what was evaluated, for the reader
     * @return the figures of everything added so far
     * @throws InvalidStateException if no image was added
     */
    public EvaluationResult result(String dataFolder, String model) {
        if (images == 0) {
            throw new InvalidStateException("no image was scored, so there is nothing to measure");
        }
        int n = labels.size();
        long[] predictedTotals = new long[n];
        long[] support = new long[n];
        for (int t = 0; t < n; t++) {
            for (int p = 0; p < n; p++) {
                support[t] += counts[t][p];
                predictedTotals[p] += counts[t][p];
            }
        }
        List<LabelMetrics> perLabel = new ArrayList<>(n);
        double[] macro = new double[3];
        double[] weighted = new double[3];
        int present = 0;
        for (int i = 0; i < n; i++) {
            long tp = counts[i][i];
            double precision = predictedTotals[i] == 0 ? 0 : (double) tp / predictedTotals[i];
            double recall = support[i] == 0 ? 0 : (double) tp / support[i];
            double f1 = precision + recall == 0 ? 0 : 2 * precision * recall / (precision + recall);
            perLabel.add(new LabelMetrics(labels.get(i), precision, recall, f1, support[i], predictedTotals[i]));
            if (support[i] > 0 || predictedTotals[i] > 0) {
                present++;
                macro[0] += precision;
                macro[1] += recall;
                macro[2] += f1;
            }
            weighted[0] += precision * support[i];
            weighted[1] += recall * support[i];
            weighted[2] += f1 * support[i];
        }
        return new EvaluationResult(dataFolder, model, labels, images, correct, (double) correct / images, topK,
                (double) topKHits / images, logLossSum / images,
                new Averages(macro[0] / present, macro[1] / present, macro[2] / present),
                new Averages(weighted[0] / images, weighted[1] / images, weighted[2] / images), perLabel,
                new ConfusionMatrix(labels, counts), misclassified, skipped.size(), skipped);
    }
}
