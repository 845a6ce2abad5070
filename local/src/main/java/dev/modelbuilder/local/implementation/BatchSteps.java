package dev.modelbuilder.local.implementation;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import ai.djl.training.Trainer;
import java.nio.FloatBuffer;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * What {@link ClassifierTrainer} does to one batch and to the validation images: an optimization step (softmax
 * cross-entropy, or binary cross-entropy per label for a multi-label model), a validation pass, and the figures drawn
 * from its outputs (accuracy and per-label accuracy; mean IoU, subset accuracy and per-label F1 at 0.5). The epoch
 * loop, checkpoints and stopping rules stay in {@link ClassifierTrainer}.
 */
final class BatchSteps {
    private BatchSteps() {
    }

    /**
     * One optimization step: forward, loss, backward, Adam update.
     *
     * @param trainer the trainer
     * @param buffer {@code n} input tensors, one after the other
     * @param labels their class indexes
     * @param n batch size
     * @param size image size
     * @return {mean loss, correctly classified images}
     */
    static double[] trainStep(Trainer trainer, float[] buffer, float[] labels, int n, int size) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = m.create(FloatBuffer.wrap(buffer, 0, n * 3 * size * size), new Shape(n, 3, size, size));
            NDArray y = m.create(labels);
            double[] stats = DjlRuntime.recordingGradients(() -> {
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList pred = trainer.forward(new NDList(x));
                    NDArray l = trainer.getLoss().evaluate(new NDList(y), pred);
                    gc.backward(l);
                    return new double[] {l.getFloat(), countCorrect(pred.singletonOrThrow().toFloatArray(), labels, n)};
                }
            });
            trainer.step();
            return stats;
        }
    }

    /**
     * One optimization step of a multi-label model: forward, binary cross-entropy on the sigmoid of each logit
     * (averaged over images and labels), backward, Adam update.
     *
     * @param trainer the trainer
     * @param buffer {@code n} input tensors, one after the other
     * @param targets {@code n} rows of {@code classes} 0/1 targets
     * @param n batch size
     * @param classes labels
     * @param size image size
     * @return {mean loss, sum over the images of the IoU of their label sets at 0.5}
     */
    static double[] trainStepMultiLabel(Trainer trainer, float[] buffer, float[] targets, int n, int classes,
            int size) {
        try (NDManager m = trainer.getManager().newSubManager()) {
            NDArray x = m.create(FloatBuffer.wrap(buffer, 0, n * 3 * size * size), new Shape(n, 3, size, size));
            NDArray y = m.create(targets, new Shape(n, classes));
            double[] stats = DjlRuntime.recordingGradients(() -> {
                try (GradientCollector gc = trainer.newGradientCollector()) {
                    NDList pred = trainer.forward(new NDList(x));
                    NDArray l = trainer.getLoss().evaluate(new NDList(y), pred);
                    gc.backward(l);
                    return new double[] {l.getFloat(), iouSum(pred.singletonOrThrow().toFloatArray(), targets, n,
                            classes)[0]};
                }
            });
            trainer.step();
            return stats;
        }
    }

    /**
     * @return {sum of the IoUs, images whose predicted set is exact} of {@code n} logit rows against their 0/1
     *     targets, a label predicted when its logit is at least 0 (probability 0.5); no label on either side is 1
     */
    static double[] iouSum(float[] logits, float[] targets, int n, int classes) {
        double sum = 0;
        int exact = 0;
        for (int i = 0; i < n; i++) {
            int inter = 0;
            int union = 0;
            for (int c = 0; c < classes; c++) {
                boolean p = logits[i * classes + c] >= 0;
                boolean t = targets[i * classes + c] > 0.5f;
                inter += p && t ? 1 : 0;
                union += p || t ? 1 : 0;
            }
            sum += union == 0 ? 1 : (double) inter / union;
            exact += inter == union ? 1 : 0;
        }
        return new double[] {sum, exact};
    }

    /**
     * @return {mean loss, mean IoU, subset accuracy, then each validation image's logits, row after row} of a
     *     multi-label model
     */
    static double[] validateMultiLabel(Trainer trainer, TrainingData data, int batch) {
        int n = data.validationSize();
        int classes = data.labels().size();
        int tensor = data.spec().tensorSize();
        int size = data.spec().width();
        double[] out = new double[3 + n * classes];
        double lossSum = 0;
        double iou = 0;
        double exact = 0;
        for (int from = 0; from < n; from += batch) {
            int k = Math.min(batch, n - from);
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = m.create(FloatBuffer.wrap(data.validationTensors(), from * tensor, k * tensor).slice(),
                        new Shape(k, 3, size, size));
                float[] y = new float[k * classes];
                for (int i = 0; i < k; i++) {
                    System.arraycopy(data.validationTargets(from + i), 0, y, i * classes, classes);
                }
                NDList pred = trainer.evaluate(new NDList(x));
                NDArray l = trainer.getLoss().evaluate(new NDList(m.create(y, new Shape(k, classes))), pred);
                lossSum += l.getFloat() * k;
                float[] logits = pred.singletonOrThrow().toFloatArray();
                double[] s = iouSum(logits, y, k, classes);
                iou += s[0];
                exact += s[1];
                for (int j = 0; j < logits.length; j++) {
                    out[3 + from * classes + j] = logits[j];
                }
            }
        }
        out[0] = n == 0 ? 0 : lossSum / n;
        out[1] = n == 0 ? 0 : iou / n;
        out[2] = n == 0 ? 0 : exact / n;
        return out;
    }

    /** Each label's F1 at 0.5 on the validation images (labels no image has nor was given are left out). */
    static Map<String, Double> perLabelF1(TrainingData data, double[] val) {
        int n = data.validationSize();
        int classes = data.labels().size();
        Map<String, Double> m = new LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            int tp = 0;
            int fp = 0;
            int fn = 0;
            for (int i = 0; i < n; i++) {
                boolean p = val[3 + i * classes + c] >= 0;
                boolean t = data.validationTargets(i)[c] > 0.5f;
                tp += p && t ? 1 : 0;
                fp += p && !t ? 1 : 0;
                fn += !p && t ? 1 : 0;
            }
            if (tp + fp + fn > 0) {
                m.put(data.labels().get(c), 2.0 * tp / (2.0 * tp + fp + fn));
            }
        }
        return m;
    }

    /** Counts the rows of {@code n} logit rows whose largest value is at the label (one native call, not five). */
    private static double countCorrect(float[] logits, float[] labels, int n) {
        int classes = logits.length / n;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (logits[i * classes + c] > logits[i * classes + best]) {
                    best = c;
                }
            }
            if (best == (int) labels[i]) {
                correct++;
            }
        }
        return correct;
    }

    /** @return {mean loss, accuracy, then the predicted class of each validation image} */
    static double[] validate(Trainer trainer, TrainingData data, int batch) {
        int n = data.validationSize();
        int tensor = data.spec().tensorSize();
        int size = data.spec().width();
        int[] labels = data.validationLabels();
        double[] out = new double[2 + n];
        double lossSum = 0;
        long correct = 0;
        for (int from = 0; from < n; from += batch) {
            int k = Math.min(batch, n - from);
            try (NDManager m = trainer.getManager().newSubManager()) {
                NDArray x = m.create(FloatBuffer.wrap(data.validationTensors(), from * tensor, k * tensor).slice(),
                        new Shape(k, 3, size, size));
                float[] y = new float[k];
                for (int i = 0; i < k; i++) {
                    y[i] = labels[from + i];
                }
                NDList pred = trainer.evaluate(new NDList(x));
                NDArray l = trainer.getLoss().evaluate(new NDList(m.create(y)), pred);
                lossSum += l.getFloat() * k;
                long[] argmax = pred.singletonOrThrow().argMax(1).toLongArray();
                for (int i = 0; i < k; i++) {
                    out[2 + from + i] = argmax[i];
                    if (argmax[i] == labels[from + i]) {
                        correct++;
                    }
                }
            }
        }
        out[0] = n == 0 ? 0 : lossSum / n;
        out[1] = n == 0 ? 0 : (double) correct / n;
        return out;
    }

    /** Each label's validation accuracy, from {@link #validate}'s predicted classes. */
    static Map<String, Double> perClass(TrainingData data, double[] val) {
        int[] labels = data.validationLabels();
        int classes = data.labels().size();
        int[] total = new int[classes];
        int[] right = new int[classes];
        for (int i = 0; i < labels.length; i++) {
            total[labels[i]]++;
            if ((int) val[2 + i] == labels[i]) {
                right[labels[i]]++;
            }
        }
        Map<String, Double> m = new LinkedHashMap<>();
        for (int c = 0; c < classes; c++) {
            if (total[c] > 0) {
                m.put(data.labels().get(c), (double) right[c] / total[c]);
            }
        }
        return m;
    }
}
