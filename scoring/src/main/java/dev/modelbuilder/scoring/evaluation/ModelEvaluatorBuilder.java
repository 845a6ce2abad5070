package dev.modelbuilder.scoring.evaluation;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.operation.ProgressListener;
import java.util.Objects;

/** Configures a {@link ModelEvaluator}; start with {@link ModelEvaluator#builder()}. Not thread-safe. */
public final class ModelEvaluatorBuilder {
    private int topK = 5;
    private int batchSize = 64;
    private ProgressListener listener = ProgressListener.none();

    ModelEvaluatorBuilder() {
    }

    /**
     * @param k the {@code k} of the top-k accuracy (default 5; more than the model's labels counts every image)
     * @return this builder
     * @throws ValidationException if less than 1
     */
    public ModelEvaluatorBuilder withTopK(int k) {
        if (k < 1) {
            throw new ValidationException("top-k", k, "use 1 or more");
        }
        this.topK = k;
        return this;
    }

    /**
     * @param images how many images are decoded and scored together (default 64); bounds the memory used
     * @return this builder
     * @throws ValidationException if less than 1
     */
    public ModelEvaluatorBuilder withBatchSize(int images) {
        if (images < 1) {
            throw new ValidationException("evaluation batch size", images, "use 1 or more");
        }
        this.batchSize = images;
        return this;
    }

    /**
     * @param progress told about the scan and the images scored so far
     * @return this builder
     */
    public ModelEvaluatorBuilder withListener(ProgressListener progress) {
        this.listener = Objects.requireNonNull(progress, "progress");
        return this;
    }

    /** @return the evaluator */
    public ModelEvaluator build() {
        return new ModelEvaluator(topK, batchSize, listener);
    }
}
