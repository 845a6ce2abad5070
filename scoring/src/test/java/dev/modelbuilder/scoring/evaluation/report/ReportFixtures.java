package dev.modelbuilder.scoring.evaluation.report;

import dev.modelbuilder.scoring.evaluation.EvaluationAccumulator;
import dev.modelbuilder.scoring.evaluation.EvaluationResult;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;

/** Results with many labels for the report's tests, built from known predictions (no model needed). */
final class ReportFixtures {
    private ReportFixtures() {
    }

    /**
     * @param dir where the misclassified images are written (the result's data folder)
     * @param labelCount how many labels
     * @param perLabel images per label
     * @return a result where label i's images are right except every 5th (predicted i+1) and every 7th (predicted
     *     i+3), modulo the label count
     */
    static EvaluationResult manyLabels(Path dir, int labelCount, int perLabel) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < labelCount; i++) {
            labels.add(i % 9 == 4 ? String.format("a-rather-long-label-name-%02d", i) : String.format("label-%02d", i));
        }
        EvaluationAccumulator acc = new EvaluationAccumulator(labels, 3);
        for (int t = 0; t < labelCount; t++) {
            for (int k = 0; k < perLabel; k++) {
                int predicted = k % 5 == 4 ? (t + 1) % labelCount : k % 7 == 6 ? (t + 3) % labelCount : t;
                double[] p = new double[labelCount];
                double top = 0.55 + 0.4 * ((k * 37 + t * 11) % 100) / 100.0;
                java.util.Arrays.fill(p, (1 - top - 0.05) / Math.max(1, labelCount - 2));
                p[predicted] = top;
                if (predicted != t) {
                    p[t] = 0.05;
                } else if (labelCount > 1) {
                    p[(t + 1) % labelCount] += 0.05;
                }
                String image = labels.get(t) + "/img-" + k + ".png";
                acc.add(image, t, p);
                if (predicted != t) {
                    writeImage(dir.resolve(image), t, labelCount);
                }
            }
        }
        return acc.result(dir.toAbsolutePath().toString(), "test model with " + labelCount + " labels");
    }

    /**
     * A result over many labels without image files: label i's images are right, except the last of each label,
     * predicted as label {@code (i * 7 + 1) % labelCount}.
     *
     * @param labelCount how many labels
     * @param perLabel images per label
     * @return the result
     */
    static EvaluationResult confusedLabels(int labelCount, int perLabel) {
        List<String> labels = new ArrayList<>();
        for (int i = 0; i < labelCount; i++) {
            labels.add(String.format("label-%04d", i));
        }
        EvaluationAccumulator acc = new EvaluationAccumulator(labels, 5);
        double[] p = new double[labelCount];
        for (int t = 0; t < labelCount; t++) {
            for (int k = 0; k < perLabel; k++) {
                int predicted = k == perLabel - 1 ? (t * 7 + 1) % labelCount : t;
                java.util.Arrays.fill(p, 0.2 / labelCount);
                p[predicted] += 0.8;
                acc.add(labels.get(t) + "/img-" + k + ".png", t, p);
            }
        }
        return acc.result("/nowhere/data", "test model with " + labelCount + " labels");
    }

    /** A 64x48 gradient whose hue depends on the label. */
    static void writeImage(Path file, int label, int labelCount) {
        BufferedImage img = new BufferedImage(64, 48, BufferedImage.TYPE_INT_RGB);
        float hue = (float) label / labelCount;
        for (int y = 0; y < 48; y++) {
            for (int x = 0; x < 64; x++) {
                img.setRGB(x, y, java.awt.Color.HSBtoRGB(hue, 0.3f + 0.7f * x / 64, 0.4f + 0.6f * y / 48));
            }
        }
        try {
            Files.createDirectories(file.getParent());
            ImageIO.write(img, "png", file.toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** @return 12 epochs of plausible curves */
    static TrainingCurves curves() {
        List<Map<String, Double>> history = new ArrayList<>();
        for (int e = 1; e <= 12; e++) {
            Map<String, Double> m = new HashMap<>();
            m.put("loss", 1.6 / Math.sqrt(e));
            m.put("train_accuracy", 1 - 0.7 / Math.sqrt(e));
            m.put("validation_loss", 1.5 / Math.sqrt(e) + 0.02 * e);
            m.put("accuracy", 0.9 - 0.6 / e);
            history.add(m);
        }
        return TrainingCurves.fromHistory(history);
    }
}
