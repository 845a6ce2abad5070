package dev.modelbuilder.scoring.evaluation;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Counts of (true label, predicted label) pairs. Rows are true labels and columns predicted labels, both in the
 * model's class-index order, so {@code counts()[i][i]} are the correct predictions of label {@code i}.
 *
 * @param labels the labels of both axes, in class-index order
 * @param counts {@code counts[true][predicted]}, a square matrix of {@code labels.size()} rows (the accessor
 *     returns a copy)
 */
public record ConfusionMatrix(List<String> labels, long[][] counts) {
    /**
     * Copies and checks the fields.
     *
     * @throws IllegalArgumentException if the matrix is not square with one row per label, or holds a negative count
     */
    public ConfusionMatrix {
        labels = List.copyOf(labels);
        Objects.requireNonNull(counts, "counts");
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            if (counts[i].length != labels.size()) {
                throw new IllegalArgumentException("confusion matrix row " + i + " has " + counts[i].length
                        + " columns, expected one per label (" + labels.size() + ")");
            }
            for (long c : counts[i]) {
                if (c < 0) {
                    throw new IllegalArgumentException("confusion matrix row " + i + " holds a negative count");
                }
            }
            copy[i] = counts[i].clone();
        }
        if (copy.length != labels.size()) {
            throw new IllegalArgumentException("confusion matrix has " + copy.length + " rows, expected one per label ("
                    + labels.size() + ")");
        }
        counts = copy;
    }

    /** @return a copy of the counts, {@code [true][predicted]} */
    @Override
    public long[][] counts() {
        long[][] copy = new long[counts.length][];
        for (int i = 0; i < counts.length; i++) {
            copy[i] = counts[i].clone();
        }
        return copy;
    }

    /**
     * @param trueIndex the true label's class index
     * @param predictedIndex the predicted label's class index
     * @return how many images of the first label were predicted as the second
     */
    public long count(int trueIndex, int predictedIndex) {
        return counts[trueIndex][predictedIndex];
    }

    /** @return the sum of all counts: the number of evaluated images */
    public long total() {
        long sum = 0;
        for (long[] row : counts) {
            for (long c : row) {
                sum += c;
            }
        }
        return sum;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConfusionMatrix m && labels.equals(m.labels) && Arrays.deepEquals(counts, m.counts);
    }

    @Override
    public int hashCode() {
        return labels.hashCode() * 31 + Arrays.deepHashCode(counts);
    }

    @Override
    public String toString() {
        return "ConfusionMatrix[labels=" + labels + ", counts=" + Arrays.deepToString(counts) + "]";
    }
}
