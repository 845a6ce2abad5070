package dev.modelbuilder.scoring.evaluation;

import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * Counts of (true label, predicted label) pairs. Rows are true labels and columns predicted labels, both in the
 * model's class-index order, so {@code counts()[i][i]} are the correct predictions of label {@code i}.
 *
 * <p>In JSON: {@code labels}, {@code cells} (every non-zero count as {@code [true, predicted, count]}, which grows
 * with the images, not with labels squared) and, for at most {@value #MAX_DENSE_JSON_LABELS} labels, {@code counts}
 * (the whole matrix, row by row).
 *
 * @param labels the labels of both axes, in class-index order
 * @param counts {@code counts[true][predicted]}, a square matrix of {@code labels.size()} rows (the accessor
 *     returns a copy)
 */
public record ConfusionMatrix(List<String> labels, long[][] counts) {
    /** Up to this many labels the JSON form carries the dense matrix as well as the non-zero cells. */
    public static final int MAX_DENSE_JSON_LABELS = 200;

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
    @JsonIgnore
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

    /** @return every non-zero count as {@code [true index, predicted index, count]}, row by row */
    @JsonProperty("cells")
    public List<long[]> nonZeroCells() {
        List<long[]> cells = new ArrayList<>();
        for (int t = 0; t < counts.length; t++) {
            for (int p = 0; p < counts[t].length; p++) {
                if (counts[t][p] != 0) {
                    cells.add(new long[] {t, p, counts[t][p]});
                }
            }
        }
        return cells;
    }

    /** The dense matrix for the JSON form, left out above {@value #MAX_DENSE_JSON_LABELS} labels. */
    @JsonProperty("counts")
    @JsonInclude(JsonInclude.Include.NON_NULL)
    private long[][] denseCountsForJson() {
        return labels.size() <= MAX_DENSE_JSON_LABELS ? counts : null;
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
