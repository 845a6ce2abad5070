package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.exception.ModelBuilderException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * How well a model classified a folder of labelled images.
 *
 * <pre>{@code
 * EvaluationResult r = ModelEvaluator.builder().withTopK(3).build().evaluate(Path.of("MLModel.zip"), Path.of("test"));
 * r.accuracy();                                // 0.91
 * r.confusionMatrix().count(0, 2);             // images of label 0 predicted as label 2
 * r.misclassified().forEach(m -> System.out.println(m.image() + ": " + m.predictedLabel()));
 * String json = r.toJson();
 * }</pre>
 *
 * <p>Averages: {@code macro} is the unweighted mean over the labels that have images or predictions (a label of
 * the model that is absent from the folder and never predicted does not dilute it); {@code weighted} weighs each
 * label by its support, so its recall equals the accuracy.
 *
 * @param dataFolder the evaluated folder, absolute
 * @param model what was evaluated (e.g. the MLModel.zip path), for the reader
 * @param labels the model's labels in class-index order (the axes of the confusion matrix)
 * @param images how many images were scored (skipped ones not included)
 * @param correct how many of them got their true label
 * @param accuracy {@code correct / images}
 * @param topK the {@code k} of {@code topKAccuracy}
 * @param topKAccuracy the share of images whose true label is among the {@code k} most probable
 * @param logLoss the mean of {@code -ln(p)} over the images, {@code p} being the probability given to the true label
 *     (clipped to [1e-15, 1 - 1e-15])
 * @param macro precision, recall and F1 averaged over labels
 * @param weighted precision, recall and F1 averaged over labels weighted by support
 * @param perLabel the figures of every model label, in class-index order
 * @param confusionMatrix true labels against predicted labels
 * @param misclassified every image that got a wrong label, in folder order
 * @param skippedCount how many files could not be scored
 * @param skipped those files and why
 */
public record EvaluationResult(String dataFolder, String model, List<String> labels, long images, long correct,
        double accuracy, int topK, double topKAccuracy, double logLoss, Averages macro, Averages weighted,
        List<LabelMetrics> perLabel, ConfusionMatrix confusionMatrix, List<Misclassified> misclassified,
        long skippedCount, List<SkippedImage> skipped) {

    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    /** Copies the lists and checks that the figures agree with each other. */
    public EvaluationResult {
        Objects.requireNonNull(dataFolder, "dataFolder");
        Objects.requireNonNull(model, "model");
        labels = List.copyOf(labels);
        Objects.requireNonNull(macro, "macro");
        Objects.requireNonNull(weighted, "weighted");
        perLabel = List.copyOf(perLabel);
        Objects.requireNonNull(confusionMatrix, "confusionMatrix");
        misclassified = List.copyOf(misclassified);
        skipped = List.copyOf(skipped);
        if (confusionMatrix.total() != images) {
            throw new IllegalArgumentException("the confusion matrix counts " + confusionMatrix.total()
                    + " images, the result " + images);
        }
        if (skippedCount != skipped.size()) {
            throw new IllegalArgumentException("skippedCount " + skippedCount + " but " + skipped.size()
                    + " skipped images listed");
        }
    }

    /** @return how many images got a wrong label */
    public long misclassifiedCount() {
        return images - correct;
    }

    /**
     * @param label a label of the model
     * @return its figures
     * @throws IllegalArgumentException if the model has no such label
     */
    public LabelMetrics label(String label) {
        return perLabel.stream().filter(m -> m.label().equals(label)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no label '" + label + "'; labels are " + labels));
    }

    /**
     * The same result with every path of this machine made relative to the evaluated folder, for sharing: the data
     * folder becomes its own name, an absolute model path its file name, and the folder's absolute path is removed
     * from the skipped files' reasons (image paths are relative already).
     *
     * @return the result as it can be shown to others
     */
    public EvaluationResult withRelativePaths() {
        Path folder = Path.of(dataFolder);
        String name = folder.getFileName() == null ? dataFolder : folder.getFileName().toString();
        String prefix = folder.toString() + folder.getFileSystem().getSeparator();
        List<SkippedImage> relative = skipped.stream().map(s -> new SkippedImage(s.image(),
                s.reason().replace(prefix, "").replace(folder.toString(), name))).toList();
        return new EvaluationResult(name, fileNameIfPath(model), labels, images, correct, accuracy, topK, topKAccuracy,
                logLoss, macro, weighted, perLabel, confusionMatrix, misclassified, skippedCount, relative);
    }

    private static String fileNameIfPath(String text) {
        try {
            Path p = Path.of(text);
            return p.isAbsolute() && p.getFileName() != null ? p.getFileName().toString() : text;
        } catch (java.nio.file.InvalidPathException e) {
            return text;
        }
    }

    /** @return whether the top-k accuracy says more than the accuracy: {@code k} above 1 and below the label count */
    public boolean topKIsInformative() {
        return topK > 1 && topK < labels.size();
    }

    /** @return the whole result as one indented JSON document (the record's components as fields) */
    public String toJson() {
        try {
            return JSON.writeValueAsString(this);
        } catch (JsonProcessingException e) {
            throw new ModelBuilderException("cannot write the evaluation result as JSON: " + e.getMessage(), e);
        }
    }
}
