package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ModelBuilderException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.implementation.Json;

import java.util.Map;
import java.util.Objects;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The versioned description of a prediction pipeline: {@code pipeline.json} inside MLModel.zip (see
 * {@code docs/mlmodel-zip.md}).
 *
 * <pre>{@code
 * PipelineSpec p = PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224))
 *         .withInputName("input1").withOutputName("output1").withOutputKind(OutputKind.LOGITS);
 * String json = p.toJson();
 * PipelineSpec same = PipelineSpec.parse(json);
 * }</pre>
 *
 * <p>Format versions are {@code MAJOR.MINOR}. A reader accepts every minor version of the majors it knows (newer
 * minors only add optional fields, which it ignores) and refuses other majors. This SDK reads 1.x and 2.x and writes
 * the lowest version that describes a pipeline, so that older SDKs keep reading what they can read right: 1.1, or
 * 2.0 for what a 1.x reader would get wrong (raw pixel values, a multi-label sigmoid output).
 *
 * @param formatVersion {@code MAJOR.MINOR}: what was read, or {@link #requiredFormatVersion()} for a new spec
 * @param preprocessing how images become the input tensor
 * @param inputName the model's image input (float32 {@code [N,3,H,W]})
 * @param outputName the model's class-score output (float32 {@code [N,C]})
 * @param outputKind whether that output holds logits or probabilities
 * @param producer what wrote the package
 * @param activation how the output becomes per-label probabilities: softmax over the labels (one label per image)
 *     or a sigmoid per label (multi-label)
 * @param threshold for a multi-label model, the probability at or above which a label is predicted
 * @param labelThresholds per-label thresholds that replace {@code threshold} for those labels (copied; empty for none)
 */
public record PipelineSpec(String formatVersion, PreprocessingSpec preprocessing, String inputName,
                                 String outputName, OutputKind outputKind, Producer producer, Activation activation,
                                 double threshold, Map<String, Double> labelThresholds) {

    /** The format version of a single-label pipeline fed pixels scaled to [0, 1]. */
    public static final String CURRENT_FORMAT_VERSION = "1.1";
    /** The format version of pipelines a 1.x reader would get wrong: raw pixels, a sigmoid output. */
    public static final String FORMAT_VERSION_2 = "2.0";
    /** The highest major format version this SDK reads (it reads 1.x too). */
    public static final int SUPPORTED_MAJOR_VERSION = 2;
    /** The multi-label decision threshold when none is given. */
    public static final double DEFAULT_THRESHOLD = 0.5;

    /** How the model's output becomes per-label probabilities. */
    public enum Activation {
        /** A softmax over the labels: one label per image, probabilities that sum to 1. */
        SOFTMAX("softmax"),
        /** A sigmoid per label: any number of labels per image (multi-label), each probability on its own. */
        SIGMOID("sigmoid");

        private final String id;

        Activation(String id) {
            this.id = id;
        }

        /** @return the name used in pipeline.json: {@code softmax} or {@code sigmoid} */
        public String id() {
            return id;
        }

        /**
         * @param id {@code softmax} or {@code sigmoid}
         * @return the activation
         * @throws ValidationException for any other value
         */
        public static Activation fromId(String id) {
            for (Activation a : values()) {
                if (a.id.equals(id == null ? null : id.strip().toLowerCase(java.util.Locale.ROOT))) {
                    return a;
                }
            }
            throw new ValidationException("pipeline activation", id, "use 'softmax' or 'sigmoid'");
        }
    }
    /** The input name bestModel.onnx uses and {@link #of} assumes. */
    public static final String DEFAULT_INPUT_NAME = "input1";
    /** The output name bestModel.onnx uses and {@link #of} assumes. */
    public static final String DEFAULT_OUTPUT_NAME = "output1";

    private static final Pattern VERSION = Pattern.compile("(\\d{1,6})\\.(\\d{1,6})");
    private static final String RESAMPLING = "pillow-bilinear";

    /**
     * What wrote a package.
     *
     * @param name the tool, e.g. {@code modelbuilder-java}
     * @param version its version
     */
    public record Producer(String name, String version) {
        /**
         * @throws ValidationException if a value is blank
         */
        public Producer {
            if (name == null || name.isBlank()) {
                throw new ValidationException("producer name", name, "must not be blank");
            }
            if (version == null || version.isBlank()) {
                throw new ValidationException("producer version", version, "must not be blank");
            }
        }

        /** @return this SDK: {@code modelbuilder-java} and the scoring jar's version ({@code dev} when unknown) */
        public static Producer current() {
            String v = PipelineSpec.class.getPackage().getImplementationVersion();
            return new Producer("modelbuilder-java", v == null ? "dev" : v);
        }
    }

    /**
     * @throws ValidationException if the version is not {@code MAJOR.MINOR}, a name is blank or a value is missing
     */
    public PipelineSpec {
        if (formatVersion == null || !VERSION.matcher(formatVersion).matches()) {
            throw new ValidationException("pipeline formatVersion", formatVersion, "use MAJOR.MINOR, e.g. 1.0");
        }
        if (preprocessing == null) {
            throw new ValidationException("pipeline preprocessing", null, "give a preprocessing spec");
        }
        if (inputName == null || inputName.isBlank()) {
            throw new ValidationException("pipeline inputName", inputName, "name the model's image input");
        }
        if (outputName == null || outputName.isBlank()) {
            throw new ValidationException("pipeline outputName", outputName, "name the model's class-score output");
        }
        if (outputKind == null) {
            throw new ValidationException("pipeline outputKind", null, "use 'logits' or 'probabilities'");
        }
        if (producer == null) {
            throw new ValidationException("pipeline producer", null, "name what wrote the pipeline");
        }
        if (activation == null) {
            throw new ValidationException("pipeline activation", null, "use 'softmax' or 'sigmoid'");
        }
        labelThresholds = Map.copyOf(Objects.requireNonNullElse(labelThresholds, Map.of()));
        if (!(threshold > 0 && threshold < 1)) {
            throw new ValidationException("decision threshold", threshold, "use a probability above 0 and below 1");
        }
        for (Map.Entry<String, Double> e : labelThresholds.entrySet()) {
            if (!(e.getValue() > 0 && e.getValue() < 1)) {
                throw new ValidationException("decision threshold of label '" + e.getKey() + "'", e.getValue(),
                        "use a probability above 0 and below 1");
            }
        }
        if (activation == Activation.SOFTMAX && (threshold != DEFAULT_THRESHOLD || !labelThresholds.isEmpty())) {
            throw new ValidationException("decision threshold", threshold, "thresholds apply to multi-label "
                    + "(sigmoid) models only; a softmax model predicts its most probable label");
        }
    }

    /**
     * A single-label spec (softmax), as every spec before format 2.0 was.
     *
     * @param formatVersion {@code MAJOR.MINOR}
     * @param preprocessing how images become the input tensor
     * @param inputName the model's image input
     * @param outputName the model's class-score output
     * @param outputKind logits or probabilities
     * @param producer what wrote the package
     * @throws ValidationException if a value is invalid
     */
    public PipelineSpec(String formatVersion, PreprocessingSpec preprocessing, String inputName, String outputName,
            OutputKind outputKind, Producer producer) {
        this(formatVersion, preprocessing, inputName, outputName, outputKind, producer, Activation.SOFTMAX,
                DEFAULT_THRESHOLD, Map.of());
    }

    /** @return the lowest format version that describes this pipeline: 2.0 for raw pixels or a sigmoid, else 1.1 */
    public String requiredFormatVersion() {
        return requiredFormatVersion(preprocessing, activation);
    }

    private static String requiredFormatVersion(PreprocessingSpec preprocessing, Activation activation) {
        return preprocessing.scale() == PreprocessingSpec.PixelScale.RAW || activation == Activation.SIGMOID
                ? FORMAT_VERSION_2 : CURRENT_FORMAT_VERSION;
    }

    /** @return whether the model predicts any number of labels per image (a sigmoid per label) */
    public boolean isMultiLabel() {
        return activation == Activation.SIGMOID;
    }

    /**
     * @param label a label
     * @return the probability at or above which a multi-label model predicts it
     */
    public double thresholdOf(String label) {
        return labelThresholds.getOrDefault(label, threshold);
    }

    /**
     * @param preprocessing how images become the input tensor
     * @return a current-version definition with {@code input1}, {@code output1}, logits and this SDK as producer
     */
    public static PipelineSpec of(PreprocessingSpec preprocessing) {
        return new PipelineSpec(requiredFormatVersion(preprocessing, Activation.SOFTMAX), preprocessing,
                DEFAULT_INPUT_NAME, DEFAULT_OUTPUT_NAME, OutputKind.LOGITS, Producer.current());
    }

    /**
     * @param threshold the probability at or above which a label is predicted, e.g. 0.5
     * @param perLabel thresholds of particular labels (may be empty)
     * @return a multi-label copy: a sigmoid per label, format 2.0
     * @throws ValidationException if a threshold is not a probability strictly between 0 and 1
     */
    public PipelineSpec withMultiLabel(double threshold, Map<String, Double> perLabel) {
        return new PipelineSpec(FORMAT_VERSION_2, preprocessing, inputName, outputName, outputKind, producer,
                Activation.SIGMOID, threshold, perLabel);
    }

    /**
     * @param name the model's image input
     * @return a copy with that input name
     */
    public PipelineSpec withInputName(String name) {
        return new PipelineSpec(formatVersion, preprocessing, name, outputName, outputKind, producer, activation,
                threshold, labelThresholds);
    }

    /**
     * @param name the model's class-score output
     * @return a copy with that output name
     */
    public PipelineSpec withOutputName(String name) {
        return new PipelineSpec(formatVersion, preprocessing, inputName, name, outputKind, producer, activation,
                threshold, labelThresholds);
    }

    /**
     * @param kind logits or probabilities
     * @return a copy with that output kind
     */
    public PipelineSpec withOutputKind(OutputKind kind) {
        return new PipelineSpec(formatVersion, preprocessing, inputName, outputName, kind, producer, activation,
                threshold, labelThresholds);
    }

    /**
     * @param spec the preprocessing
     * @return a copy with that preprocessing
     */
    public PipelineSpec withPreprocessing(PreprocessingSpec spec) {
        return new PipelineSpec(requiredFormatVersion(spec, activation), spec, inputName, outputName, outputKind,
                producer, activation, threshold, labelThresholds);
    }

    /** @return the major part of {@link #formatVersion()} */
    public int majorVersion() {
        return versionPart(formatVersion, 1);
    }

    /** @return the minor part of {@link #formatVersion()} */
    public int minorVersion() {
        return versionPart(formatVersion, 2);
    }

    private static int versionPart(String version, int group) {
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new AssertionError("the constructor accepted the version " + version);
        }
        return Integer.parseInt(m.group(group));
    }

    /** @return the {@code pipeline.json} text */
    public String toJson() {
        ObjectNode root = Json.createObjectNode();
        String written = requiredFormatVersion();
        root.put("formatVersion", written);
        ObjectNode p = root.putObject("producer");
        p.put("name", producer.name());
        p.put("version", producer.version());
        root.put("inputName", inputName);
        root.put("outputName", outputName);
        root.put("outputKind", outputKind.id());
        if (written.equals(FORMAT_VERSION_2)) {
            root.put("activation", activation.id());
            if (activation == Activation.SIGMOID) {
                root.put("threshold", threshold);
                if (!labelThresholds.isEmpty()) {
                    ObjectNode perLabel = root.putObject("labelThresholds");
                    new java.util.TreeMap<>(labelThresholds).forEach(perLabel::put);
                }
            }
        }
        ObjectNode pre = root.putObject("preprocessing");
        pre.put("decode", "rgb-as-stored");
        pre.put("geometry", preprocessing.geometry().id());
        pre.put("width", preprocessing.width());
        pre.put("height", preprocessing.height());
        if (preprocessing.geometry() == PreprocessingSpec.Geometry.RESIZE_CROP) {
            pre.put("resizeShorterSide", preprocessing.resizeShorterSide());
        }
        pre.put("resampling", RESAMPLING);
        pre.put("layout", "NCHW");
        pre.put("channels", "RGB");
        pre.put("scale", preprocessing.scale().id());
        pre.put("normalize", preprocessing.normalize());
        ArrayNode mean = pre.putArray("mean");
        ArrayNode std = pre.putArray("std");
        for (int c = 0; c < 3; c++) {
            mean.add(preprocessing.meanOf(c));
            std.add(preprocessing.stdOf(c));
        }
        try {
            return Json.write(root);
        } catch (JsonProcessingException e) {
            throw new ModelBuilderException("cannot serialize the pipeline spec: " + e.getMessage(), e);
        }
    }

    /**
     * @param json {@code pipeline.json} text
     * @return the definition
     * @throws ModelLoadException if the JSON is malformed, of an unsupported major version, or lacks or has invalid
     *     fields (the message names the field)
     */
    public static PipelineSpec parse(String json) {
        return parse(json, "pipeline.json");
    }

    static PipelineSpec parse(String json, String source) {
        Objects.requireNonNull(json, "json");
        JsonNode root;
        try {
            root = Json.readTree(json.startsWith("\uFEFF") ? json.substring(1) : json);
        } catch (JsonProcessingException e) {
            throw new ModelLoadException(source + " is not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new ModelLoadException(source + " must hold a JSON object");
        }
        String version = requiredText(root, "formatVersion", source);
        Matcher m = VERSION.matcher(version);
        if (!m.matches()) {
            throw new ModelLoadException(source + ": formatVersion '" + version + "' is not MAJOR.MINOR");
        }
        int major = Integer.parseInt(m.group(1));
        if (major < 1 || major > SUPPORTED_MAJOR_VERSION) {
            throw new ModelLoadException(source + ": format version " + version + " is not supported; this SDK reads "
                    + "1.x and " + SUPPORTED_MAJOR_VERSION + ".x (" + (major > SUPPORTED_MAJOR_VERSION
                    ? "the package was written by a newer SDK; upgrade modelbuilder-scoring" : "re-package the model")
                    + ")");
        }
        try {
            JsonNode producerNode = root.path("producer");
            Producer producer = producerNode.isObject()
                    ? new Producer(requiredText(producerNode, "name", source + " producer"),
                    requiredText(producerNode, "version", source + " producer"))
                    : new Producer("unknown", "unknown");
            String input = requiredText(root, "inputName", source);
            String output = requiredText(root, "outputName", source);
            OutputKind kind = OutputKind.fromId(requiredText(root, "outputKind", source));
            JsonNode pre = root.path("preprocessing");
            if (!pre.isObject()) {
                throw new ModelLoadException(source + ": 'preprocessing' is missing or not an object");
            }
            PreprocessingSpec preprocessing = preprocessing(pre, source + " preprocessing", major);
            Activation activation = major >= 2 && root.has("activation")
                    ? Activation.fromId(requiredText(root, "activation", source)) : Activation.SOFTMAX;
            double threshold = DEFAULT_THRESHOLD;
            Map<String, Double> perLabel = new java.util.LinkedHashMap<>();
            if (activation == Activation.SIGMOID) {
                threshold = root.has("threshold") ? requiredNumber(root, "threshold", source) : DEFAULT_THRESHOLD;
                JsonNode labels = root.path("labelThresholds");
                if (!labels.isMissingNode()) {
                    if (!labels.isObject()) {
                        throw new ModelLoadException(source + ": 'labelThresholds' must be an object of label: number");
                    }
                    for (Map.Entry<String, JsonNode> e : labels.properties()) {
                        perLabel.put(e.getKey(), requiredNumber(labels, e.getKey(), source + " labelThresholds"));
                    }
                }
            }
            return new PipelineSpec(version, preprocessing, input, output, kind, producer, activation, threshold,
                    perLabel);
        } catch (ValidationException e) {
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static PreprocessingSpec preprocessing(JsonNode pre, String source, int major) {
        expectIfPresent(pre, "decode", "rgb-as-stored", source);
        expectIfPresent(pre, "resampling", RESAMPLING, source);
        expectIfPresent(pre, "layout", "NCHW", source);
        expectIfPresent(pre, "channels", "RGB", source);
        PreprocessingSpec.PixelScale scale = PreprocessingSpec.PixelScale.UNIT;
        if (major < 2) {
            expectIfPresent(pre, "scale", "x/255", source);
        } else if (pre.has("scale")) {
            scale = PreprocessingSpec.PixelScale.fromId(requiredText(pre, "scale", source));
        }
        PreprocessingSpec.Geometry geometry = PreprocessingSpec.Geometry.fromId(requiredText(pre, "geometry", source));
        int width = requiredInt(pre, "width", source);
        int height = requiredInt(pre, "height", source);
        int shorter = geometry == PreprocessingSpec.Geometry.RESIZE_CROP ? requiredInt(pre, "resizeShorterSide", source) : 0;
        JsonNode normalize = pre.path("normalize");
        if (!normalize.isBoolean()) {
            throw new ModelLoadException(source + ": 'normalize' must be true or false");
        }
        return new PreprocessingSpec(geometry, width, height, shorter, normalize.booleanValue(),
                triple(pre, "mean", source), triple(pre, "std", source), scale);
    }

    private static void expectIfPresent(JsonNode node, String field, String expected, String source) {
        JsonNode v = node.get(field);
        if (v != null && !(v.isTextual() && v.asText().equalsIgnoreCase(expected))) {
            throw new ModelLoadException(source + ": " + field + " " + v + " is not supported (only '" + expected + "')");
        }
    }

    private static String requiredText(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isTextual() || v.asText().isBlank()) {
            throw new ModelLoadException(source + ": '" + field + "' is missing or not a non-empty string");
        }
        return v.asText();
    }

    private static double requiredNumber(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isNumber()) {
            throw new ModelLoadException(source + ": '" + field + "' is missing or not a number");
        }
        return v.doubleValue();
    }

    private static int requiredInt(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.canConvertToInt() || !v.isIntegralNumber()) {
            throw new ModelLoadException(source + ": '" + field + "' is missing or not an integer");
        }
        return v.intValue();
    }

    private static float[] triple(JsonNode node, String field, String source) {
        JsonNode v = node.get(field);
        if (v == null || !v.isArray() || v.size() != 3) {
            throw new ModelLoadException(source + ": '" + field + "' must be an array of 3 numbers (R, G, B)");
        }
        float[] out = new float[3];
        for (int i = 0; i < 3; i++) {
            if (!v.get(i).isNumber()) {
                throw new ModelLoadException(source + ": '" + field + "' must be an array of 3 numbers (R, G, B)");
            }
            out[i] = v.get(i).floatValue();
        }
        return out;
    }
}
