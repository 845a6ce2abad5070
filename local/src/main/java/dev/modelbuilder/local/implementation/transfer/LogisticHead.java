package dev.modelbuilder.local.implementation.transfer;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;
import java.util.stream.IntStream;

/**
 * Trains a linear classification head on fixed features: multinomial logistic regression with an L2 penalty,
 * minimised by L-BFGS over the whole training set, on standardized features (folded back into the returned weights,
 * so they apply to the raw features). Labels are weighted by {@code n / (classes * count)} so that a small folder
 * counts as much as a large one. The penalty is chosen from {@link Parameters#lambdas()} (largest first, each run
 * starting from the previous solution) by the validation loss, and each run stops early when the validation loss
 * has not improved for {@link Parameters#patience()} iterations, keeping the best weights. Stateless.
 */
final class LogisticHead {
    private static final int MEMORY = 10;

    /**
     * @param lambdas the L2 penalties to try (per weight, on standardized features)
     * @param maxIterations the most L-BFGS iterations per penalty
     * @param patience iterations without a better validation loss before stopping
     * @param threads threads for the loss and gradient
     */
    public record Parameters(double[] lambdas, int maxIterations, int patience, int threads) {
        /** Copies the penalties. */
        public Parameters {
            lambdas = lambdas.clone();
            if (lambdas.length == 0 || maxIterations < 1 || patience < 1 || threads < 1) {
                throw new IllegalArgumentException("head settings need penalties, iterations, patience and threads");
            }
        }

        /**
         * @param threads threads to use
         * @return penalties 1e-2, 1e-3, 1e-4; 200 iterations; patience 20
         */
        public static Parameters defaults(int threads) {
            return new Parameters(new double[] {1e-2, 1e-3, 1e-4}, 200, 20, threads);
        }

        @Override
        public double[] lambdas() {
            return lambdas.clone();
        }
    }

    /**
     * @param weights [classes][features], for raw features
     * @param bias [classes]
     * @param lambda the chosen penalty
     * @param iterations L-BFGS iterations in all
     * @param trainAccuracy accuracy on the training rows
     * @param validationAccuracy accuracy on the validation rows (NaN without any)
     * @param validationLoss mean cross-entropy on the validation rows (NaN without any)
     */
    public record Result(float[][] weights, float[] bias, double lambda, int iterations, double trainAccuracy,
                         double validationAccuracy, double validationLoss) {
        /**
         * @param features one feature row
         * @return the logits
         */
        public float[] logits(float[] features) {
            float[] out = new float[bias.length];
            for (int c = 0; c < bias.length; c++) {
                double s = bias[c];
                float[] w = weights[c];
                for (int j = 0; j < w.length; j++) {
                    s += (double) w[j] * features[j];
                }
                out[c] = (float) s;
            }
            return out;
        }
    }

    private LogisticHead() {
    }

    /**
     * @param x training rows
     * @param y their classes
     * @param vx validation rows (may be empty)
     * @param vy their classes
     * @param classes the number of classes
     * @param settings penalties, iterations, patience, threads
     * @param cancelled polled every iteration
     * @return the trained head
     * @throws CancellationException when {@code cancelled} says so
     */
    public static Result train(float[][] x, int[] y, float[][] vx, int[] vy, int classes, Parameters settings,
            BooleanSupplier cancelled) {
        if (x.length == 0 || x.length != y.length || vx.length != vy.length || classes < 2) {
            throw new IllegalArgumentException("need training rows, matching labels and 2 or more classes");
        }
        return fit(x, y, null, vx, vy, null, classes, settings, cancelled);
    }

    /**
     * Trains a multi-label head: one logistic output per label, binary cross-entropy summed over the labels and
     * averaged over the rows, the same penalties and optimizer. The result's accuracies are mean IoUs of the label
     * sets at probability 0.5, its loss the validation binary cross-entropy.
     *
     * @param x training rows
     * @param t their 0/1 targets, one per label
     * @param vx validation rows (may be empty)
     * @param vt their targets
     * @param classes the number of labels
     * @param settings penalties, iterations, patience, threads
     * @param cancelled polled every iteration
     * @return the trained head
     * @throws CancellationException when {@code cancelled} says so
     */
    public static Result trainMultiLabel(float[][] x, float[][] t, float[][] vx, float[][] vt, int classes,
            Parameters settings, BooleanSupplier cancelled) {
        if (x.length == 0 || x.length != t.length || vx.length != vt.length || classes < 1) {
            throw new IllegalArgumentException("need training rows, matching targets and 1 or more labels");
        }
        return fit(x, null, t, vx, null, vt, classes, settings, cancelled);
    }

    private static Result fit(float[][] x, int[] y, float[][] t, float[][] vx, int[] vy, float[][] vt, int classes,
            Parameters settings, BooleanSupplier cancelled) {
        int d = x[0].length;
        double[] mean = new double[d];
        double[] scale = new double[d];
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                mean[j] += row[j];
            }
        }
        for (int j = 0; j < d; j++) {
            mean[j] /= x.length;
        }
        for (float[] row : x) {
            for (int j = 0; j < d; j++) {
                double v = row[j] - mean[j];
                scale[j] += v * v;
            }
        }
        for (int j = 0; j < d; j++) {
            double sd = Math.sqrt(scale[j] / x.length);
            scale[j] = sd < 1e-6 ? 1.0 : 1.0 / sd;
        }
        Problem train = new Problem(standardize(x, mean, scale), y, t, classes,
                y == null ? null : classWeights(y, classes), settings.threads());
        Problem validation = vx.length == 0 ? null
                : new Problem(standardize(vx, mean, scale), vy, vt, classes, null, settings.threads());
        int p = classes * (d + 1);
        double[] theta = new double[p];
        double[] best = theta.clone();
        double bestLoss = Double.POSITIVE_INFINITY;
        double bestLambda = settings.lambdas[0];
        int iterations = 0;
        for (double lambda : settings.lambdas) {
            double[] start = validation == null ? theta : best.clone();
            Fit fit = lbfgs(train, validation, lambda, start, settings, cancelled);
            iterations += fit.iterations;
            theta = fit.theta;
            if (validation == null || fit.validationLoss < bestLoss) {
                bestLoss = fit.validationLoss;
                best = fit.theta;
                bestLambda = lambda;
            }
        }
        // fold the standardization into the weights: w' = w * scale, b' = b - sum(w * scale * mean)
        float[][] w = new float[classes][d];
        float[] b = new float[classes];
        for (int c = 0; c < classes; c++) {
            double bias = best[classes * d + c];
            for (int j = 0; j < d; j++) {
                double wj = best[c * d + j] * scale[j];
                w[c][j] = (float) wj;
                bias -= wj * mean[j];
            }
            b[c] = (float) bias;
        }
        double trainAcc = train.accuracy(best);
        return new Result(w, b, bestLambda, iterations, trainAcc,
                validation == null ? Double.NaN : validation.accuracy(best),
                validation == null ? Double.NaN : validation.loss(best, 0, null));
    }

    private static float[][] standardize(float[][] rows, double[] mean, double[] scale) {
        float[][] out = new float[rows.length][];
        for (int i = 0; i < rows.length; i++) {
            float[] r = new float[mean.length];
            for (int j = 0; j < r.length; j++) {
                r[j] = (float) ((rows[i][j] - mean[j]) * scale[j]);
            }
            out[i] = r;
        }
        return out;
    }

    static double[] classWeights(int[] y, int classes) {
        int[] counts = new int[classes];
        for (int c : y) {
            counts[c]++;
        }
        double[] w = new double[classes];
        for (int c = 0; c < classes; c++) {
            w[c] = counts[c] == 0 ? 0 : (double) y.length / ((double) classes * counts[c]);
        }
        return w;
    }

    private record Fit(double[] theta, double validationLoss, int iterations) {
    }

    /** L-BFGS with a backtracking (Armijo) line search, keeping the parameters of the best validation loss. */
    private static Fit lbfgs(Problem train, Problem validation, double lambda, double[] start, Parameters settings,
            BooleanSupplier cancelled) {
        int p = start.length;
        double[] x = start.clone();
        double[] g = new double[p];
        double f = train.loss(x, lambda, g);
        List<double[]> ss = new ArrayList<>();
        List<double[]> ys = new ArrayList<>();
        double[] best = x.clone();
        double bestVal = validation == null ? f : validation.loss(x, 0, null);
        int sinceBest = 0;
        int it = 0;
        while (it < settings.maxIterations()) {
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("cancelled while training the head");
            }
            double[] dir = twoLoop(g, ss, ys);
            double slope = dot(dir, g);
            if (slope >= 0) { // not a descent direction: restart from the gradient
                ss.clear();
                ys.clear();
                dir = Arrays.stream(g).map(v -> -v).toArray();
                slope = dot(dir, g);
            }
            if (-slope < 1e-12) {
                break;
            }
            double step = ss.isEmpty() ? Math.min(1.0, 1.0 / Math.sqrt(dot(g, g))) : 1.0;
            double[] nx = new double[p];
            double[] ng = new double[p];
            double nf = Double.NaN;
            for (int tries = 0; tries < 30; tries++) {
                for (int i = 0; i < p; i++) {
                    nx[i] = x[i] + step * dir[i];
                }
                nf = train.loss(nx, lambda, ng);
                if (nf <= f + 1e-4 * step * slope) {
                    break;
                }
                step *= 0.5;
            }
            it++;
            double[] s = new double[p];
            double[] yv = new double[p];
            for (int i = 0; i < p; i++) {
                s[i] = nx[i] - x[i];
                yv[i] = ng[i] - g[i];
            }
            if (dot(s, yv) > 1e-10) {
                ss.add(s);
                ys.add(yv);
                if (ss.size() > MEMORY) {
                    ss.remove(0);
                    ys.remove(0);
                }
            }
            boolean converged = Math.abs(f - nf) < 1e-9 * Math.max(1, Math.abs(f));
            x = nx;
            g = ng;
            f = nf;
            double val = validation == null ? f : validation.loss(x, 0, null);
            if (val < bestVal - 1e-7) {
                bestVal = val;
                best = x.clone();
                sinceBest = 0;
            } else if (++sinceBest >= settings.patience()) {
                break;
            }
            if (converged) {
                break;
            }
        }
        return new Fit(best, bestVal, it);
    }

    private static double[] twoLoop(double[] g, List<double[]> ss, List<double[]> ys) {
        double[] q = g.clone();
        int m = ss.size();
        double[] alpha = new double[m];
        for (int k = m - 1; k >= 0; k--) {
            double rho = 1.0 / dot(ys.get(k), ss.get(k));
            alpha[k] = rho * dot(ss.get(k), q);
            axpy(-alpha[k], ys.get(k), q);
        }
        if (m > 0) {
            double gamma = dot(ss.get(m - 1), ys.get(m - 1)) / dot(ys.get(m - 1), ys.get(m - 1));
            for (int i = 0; i < q.length; i++) {
                q[i] *= gamma;
            }
        }
        for (int k = 0; k < m; k++) {
            double rho = 1.0 / dot(ys.get(k), ss.get(k));
            double beta = rho * dot(ys.get(k), q);
            axpy(alpha[k] - beta, ss.get(k), q);
        }
        for (int i = 0; i < q.length; i++) {
            q[i] = -q[i];
        }
        return q;
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            s += a[i] * b[i];
        }
        return s;
    }

    private static void axpy(double a, double[] x, double[] y) {
        for (int i = 0; i < x.length; i++) {
            y[i] += a * x[i];
        }
    }

    /**
     * Weighted softmax cross-entropy over rows, or with targets {@code t} binary cross-entropy on a sigmoid per
     * label; parameters: W [classes][d] row-major, then b [classes].
     */
    private record Problem(float[][] x, int[] y, float[][] t, int classes, double[] classWeights, int threads) {
        double loss(double[] theta, double lambda, double[] grad) {
            int d = x[0].length;
            int chunks = Math.min(threads, x.length);
            double[][] parts = new double[chunks][];
            double[] sums = new double[chunks * 2];
            IntStream.range(0, chunks).parallel().forEach(k -> {
                double[] gk = grad == null ? null : new double[theta.length];
                double loss = 0;
                double weight = 0;
                double[] z = new double[classes];
                for (int i = k; i < x.length; i += chunks) {
                    float[] row = x[i];
                    double max = Double.NEGATIVE_INFINITY;
                    for (int c = 0; c < classes; c++) {
                        double s = theta[classes * d + c];
                        int off = c * d;
                        for (int j = 0; j < d; j++) {
                            s += theta[off + j] * row[j];
                        }
                        z[c] = s;
                        max = Math.max(max, s);
                    }
                    if (t != null) {
                        for (int c = 0; c < classes; c++) {
                            // log(sigmoid(z)) and log(1 - sigmoid(z)) without overflow
                            double logP = -softplus(-z[c]);
                            double logQ = -softplus(z[c]);
                            loss -= t[i][c] * logP + (1 - t[i][c]) * logQ;
                            if (gk != null) {
                                double delta = Math.exp(logP) - t[i][c];
                                int off = c * d;
                                for (int j = 0; j < d; j++) {
                                    gk[off + j] += delta * row[j];
                                }
                                gk[classes * d + c] += delta;
                            }
                        }
                        weight += 1;
                        continue;
                    }
                    double sum = 0;
                    for (int c = 0; c < classes; c++) {
                        z[c] = Math.exp(z[c] - max);
                        sum += z[c];
                    }
                    double wi = classWeights == null ? 1 : classWeights[y[i]];
                    loss -= wi * Math.log(Math.max(z[y[i]] / sum, 1e-300));
                    weight += wi;
                    if (gk != null) {
                        for (int c = 0; c < classes; c++) {
                            double delta = wi * (z[c] / sum - (c == y[i] ? 1 : 0));
                            int off = c * d;
                            for (int j = 0; j < d; j++) {
                                gk[off + j] += delta * row[j];
                            }
                            gk[classes * d + c] += delta;
                        }
                    }
                }
                parts[k] = gk;
                sums[2 * k] = loss;
                sums[2 * k + 1] = weight;
            });
            double loss = 0;
            double weight = 0;
            for (int k = 0; k < chunks; k++) {
                loss += sums[2 * k];
                weight += sums[2 * k + 1];
            }
            int wCount = classes * d;
            double penalty = 0;
            for (int i = 0; i < wCount; i++) {
                penalty += theta[i] * theta[i];
            }
            if (grad != null) {
                Arrays.fill(grad, 0);
                for (double[] gk : parts) {
                    for (int i = 0; i < grad.length; i++) {
                        grad[i] += gk[i] / weight;
                    }
                }
                for (int i = 0; i < wCount; i++) {
                    grad[i] += lambda * theta[i];
                }
            }
            return loss / weight + 0.5 * lambda * penalty;
        }

        double accuracy(double[] theta) {
            int d = x[0].length;
            if (t != null) {
                double iou = 0;
                for (int i = 0; i < x.length; i++) {
                    int inter = 0;
                    int union = 0;
                    for (int c = 0; c < classes; c++) {
                        double s = theta[classes * d + c];
                        for (int j = 0; j < d; j++) {
                            s += theta[c * d + j] * x[i][j];
                        }
                        boolean p = s >= 0;
                        boolean truth = t[i][c] > 0.5f;
                        inter += p && truth ? 1 : 0;
                        union += p || truth ? 1 : 0;
                    }
                    iou += union == 0 ? 1 : (double) inter / union;
                }
                return iou / x.length;
            }
            int right = 0;
            for (int i = 0; i < x.length; i++) {
                int best = 0;
                double bestScore = Double.NEGATIVE_INFINITY;
                for (int c = 0; c < classes; c++) {
                    double s = theta[classes * d + c];
                    for (int j = 0; j < d; j++) {
                        s += theta[c * d + j] * x[i][j];
                    }
                    if (s > bestScore) {
                        bestScore = s;
                        best = c;
                    }
                }
                right += best == y[i] ? 1 : 0;
            }
            return (double) right / x.length;
        }
    }

    private static double softplus(double v) {
        return v > 30 ? v : Math.log1p(Math.exp(v));
    }
}
