package dev.modelbuilder.local.implementation.transfer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import java.util.concurrent.CancellationException;
import org.junit.jupiter.api.Test;

class LogisticHeadTest {

    /** Three Gaussian blobs in 20 dimensions (only 2 informative), with a large offset and scale on the rest. */
    private static float[][] blobs(int perClass, int[] counts, long seed, int[] labelsOut) {
        Random r = new Random(seed);
        int n = 0;
        for (int c : counts) {
            n += c * perClass;
        }
        float[][] x = new float[n][20];
        int i = 0;
        for (int c = 0; c < counts.length; c++) {
            for (int k = 0; k < counts[c] * perClass; k++, i++) {
                x[i][0] = (float) (Math.cos(c * 2.1) * 3 + r.nextGaussian());
                x[i][1] = (float) (Math.sin(c * 2.1) * 3 + r.nextGaussian());
                for (int j = 2; j < 20; j++) {
                    x[i][j] = (float) (100 + 50 * r.nextGaussian());
                }
                labelsOut[i] = c;
            }
        }
        return x;
    }

    @Test
    void separatesClassesAndItsWeightsApplyToRawFeatures() {
        int[] y = new int[90];
        float[][] x = blobs(30, new int[] {1, 1, 1}, 1, y);
        int[] vy = new int[30];
        float[][] vx = blobs(10, new int[] {1, 1, 1}, 2, vy);
        LogisticHead.Result head = LogisticHead.train(x, y, vx, vy, 3, LogisticHead.Parameters.defaults(2), () -> false);
        assertThat(head.validationAccuracy()).isGreaterThanOrEqualTo(0.9);
        int right = 0;
        for (int i = 0; i < vx.length; i++) {
            float[] logits = head.logits(vx[i]);
            int best = 0;
            for (int c = 1; c < 3; c++) {
                best = logits[c] > logits[best] ? c : best;
            }
            right += best == vy[i] ? 1 : 0;
        }
        assertThat(right / 30.0).isEqualTo(head.validationAccuracy());
        assertThat(head.lambda()).isIn(1e-2, 1e-3, 1e-4);
        assertThat(head.iterations()).isPositive();
    }

    @Test
    void weighsASmallFolderAsMuchAsALargeOne() {
        assertThat(LogisticHead.classWeights(new int[] {0, 0, 0, 0, 0, 0, 1, 1}, 2)).containsExactly(8 / 12.0, 2.0);
    }

    @Test
    void trainsWithoutValidationRowsAndStopsWhenCancelled() {
        int[] y = new int[60];
        float[][] x = blobs(20, new int[] {1, 1, 1}, 3, y);
        LogisticHead.Result head = LogisticHead.train(x, y, new float[0][], new int[0], 3,
                LogisticHead.Parameters.defaults(1), () -> false);
        assertThat(head.trainAccuracy()).isGreaterThanOrEqualTo(0.9);
        assertThat(head.validationAccuracy()).isNaN();
        assertThatThrownBy(() -> LogisticHead.train(x, y, new float[0][], new int[0], 3,
                LogisticHead.Parameters.defaults(1), () -> true)).isInstanceOf(CancellationException.class);
    }
}
