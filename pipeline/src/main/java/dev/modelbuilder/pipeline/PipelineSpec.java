package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ModelBuilderException;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.implementation.Json;

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
 * minors only add optional fields, which it ignores) and refuses other majors.
 *
 * @param formatVersion {@code MAJOR.MINOR}, {@link #CURRENT_FORMAT_VERSION} when written by this SDK
 * @param preprocessing how images become the input tensor
 * @param inputName the model's image input (float32 {@code [N,3,H,W]})
 * @param outputName the model's class-score output (float32 {@code [N,C]})
 * @param outputKind whether that output holds logits or probabilities
 * @param producer what wrote the package
 */
public record PipelineSpec(String formatVersion, PreprocessingSpec preprocessing, String inputName,
                                 String outputName, OutputKind outputKind, Producer producer) {

    /** The format version this SDK writes. */
    public static final String CURRENT_FORMAT_VERSION = "1.1";
    /** The major format version this SDK reads. */
    public static final int SUPPORTED_MAJOR_VERSION = 1;
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
    }

    /**
     * @param preprocessing how images become the input tensor
     * @return a current-version definition with {@code input1}, {@code output1}, logits and this SDK as producer
     */
    public static PipelineSpec of(PreprocessingSpec preprocessing) {
        return new PipelineSpec(CURRENT_FORMAT_VERSION, preprocessing, DEFAULT_INPUT_NAME, DEFAULT_OUTPUT_NAME,
                OutputKind.LOGITS, Producer.current());
    }

    /**
     * @param name the model's image input
     * @return a copy with that input name
     */
    public PipelineSpec withInputName(String name) {
        return new PipelineSpec(formatVersion, preprocessing, name, outputName, outputKind, producer);
    }

    /**
     * @param name the model's class-score output
     * @return a copy with that output name
     */
    public PipelineSpec withOutputName(String name) {
        return new PipelineSpec(formatVersion, preprocessing, inputName, name, outputKind, producer);
    }

    /**
     * @param kind logits or probabilities
     * @return a copy with that output kind
     */
    public PipelineSpec withOutputKind(OutputKind kind) {
        return new PipelineSpec(formatVersion, preprocessing, inputName, outputName, kind, producer);
    }

    /**
     * @param spec the preprocessing
     * @return a copy with that preprocessing
     */
    public PipelineSpec withPreprocessing(PreprocessingSpec spec) {
        return new PipelineSpec(formatVersion, spec, inputName, outputName, outputKind, producer);
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
        root.put("formatVersion", formatVersion);
        ObjectNode p = root.putObject("producer");
        p.put("name", producer.name());
        p.put("version", producer.version());
        root.put("inputName", inputName);
        root.put("outputName", outputName);
        root.put("outputKind", outputKind.id());
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
        pre.put("scale", "x/255");
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
        if (major != SUPPORTED_MAJOR_VERSION) {
            throw new ModelLoadException(source + ": format version " + version + " is not supported; this SDK reads "
                    + SUPPORTED_MAJOR_VERSION + ".x (" + (major > SUPPORTED_MAJOR_VERSION
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
            return new PipelineSpec(version, preprocessing(pre, source + " preprocessing"), input, output, kind,
                    producer);
        } catch (ValidationException e) {
            throw new ModelLoadException(source + ": " + e.getMessage(), e);
        }
    }

    private static PreprocessingSpec preprocessing(JsonNode pre, String source) {
        expectIfPresent(pre, "decode", "rgb-as-stored", source);
        expectIfPresent(pre, "resampling", RESAMPLING, source);
        expectIfPresent(pre, "layout", "NCHW", source);
        expectIfPresent(pre, "channels", "RGB", source);
        expectIfPresent(pre, "scale", "x/255", source);
        PreprocessingSpec.Geometry geometry = PreprocessingSpec.Geometry.fromId(requiredText(pre, "geometry", source));
        int width = requiredInt(pre, "width", source);
        int height = requiredInt(pre, "height", source);
        int shorter = geometry == PreprocessingSpec.Geometry.RESIZE_CROP ? requiredInt(pre, "resizeShorterSide", source) : 0;
        JsonNode normalize = pre.path("normalize");
        if (!normalize.isBoolean()) {
            throw new ModelLoadException(source + ": 'normalize' must be true or false");
        }
        return new PreprocessingSpec(geometry, width, height, shorter, normalize.booleanValue(),
                triple(pre, "mean", source), triple(pre, "std", source));
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
