package dev.modelbuilder.pipeline;

import dev.modelbuilder.core.exception.ValidationException;

import java.util.Locale;

/**
 * What a classification model's output holds. With {@link #LOGITS} the SDK applies a numerically stable softmax; with
 * {@link #PROBABILITIES} the outputs are used as they are.
 *
 * <pre>{@code
 * PipelineSpec p = PipelineSpec.of(spec).withOutputKind(OutputKind.PROBABILITIES);
 * }</pre>
 */
public enum OutputKind {
    /** Raw scores; softmax turns them into probabilities (the bestModel.onnx default). */
    LOGITS("logits"),
    /** Probabilities already (the model ends with a softmax). */
    PROBABILITIES("probabilities");

    private final String id;

    OutputKind(String id) {
        this.id = id;
    }

    /** @return the name used in pipeline.json: {@code logits} or {@code probabilities} */
    public String id() {
        return id;
    }

    /**
     * @param id {@code logits} or {@code probabilities}, case-insensitive
     * @return the output kind
     * @throws ValidationException for any other value
     */
    public static OutputKind fromId(String id) {
        if (id != null) {
            String s = id.trim().toLowerCase(Locale.ROOT);
            for (OutputKind k : values()) {
                if (k.id.equals(s)) {
                    return k;
                }
            }
        }
        throw new ValidationException("output kind", id, "use 'logits' or 'probabilities'");
    }
}
