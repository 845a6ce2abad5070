package dev.modelbuilder.core.model;

import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.dataset.DatasetRules;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/** Builds a {@link TrainingSpec}; {@link #build()} validates. Start with {@link TrainingSpec#fromData(Path)}. Not thread-safe. */
public final class TrainingSpecBuilder {
    private final Path data;
    private Duration timeBudget;
    private double validationSplit = TrainingSpec.DEFAULT_VALIDATION_SPLIT;
    private String computeName;
    private long seed = TrainingSpec.DEFAULT_SEED;
    private DatasetRules datasetRules = DatasetRules.defaults();
    private TrainingOptions options;
    private ClassificationTask task = ClassificationTask.SINGLE_LABEL;

    TrainingSpecBuilder(Path data) {
        this.data = data;
    }

    TrainingSpecBuilder(TrainingSpec spec) {
        this.data = spec.data();
        this.timeBudget = spec.timeBudget();
        this.validationSplit = spec.validationSplit();
        this.computeName = spec.computeName();
        this.seed = spec.seed();
        this.datasetRules = spec.datasetRules();
        this.options = spec.options();
        this.task = spec.task();
    }

    /**
     * Trains a multi-label model: any number of labels per image (none included), one logistic output per label.
     * A labels file with several labels in a row needs it.
     *
     * @return this builder
     */
    public TrainingSpecBuilder withMultiLabel() {
        return withTask(ClassificationTask.MULTI_LABEL);
    }

    /**
     * @param classificationTask single-label (the default) or multi-label
     * @return this builder
     */
    public TrainingSpecBuilder withTask(ClassificationTask classificationTask) {
        this.task = Objects.requireNonNull(classificationTask, "classificationTask");
        return this;
    }

    /**
     * @param budget the most time training may take
     * @return this builder
     */
    public TrainingSpecBuilder withTimeBudget(Duration budget) {
        this.timeBudget = budget;
        return this;
    }

    /**
     * @param share of images held out for validation, e.g. 0.2
     * @return this builder
     */
    public TrainingSpecBuilder withValidationSplit(double share) {
        this.validationSplit = share;
        return this;
    }

    /**
     * @param name the compute to train on
     * @return this builder
     */
    public TrainingSpecBuilder withCompute(String name) {
        this.computeName = name;
        return this;
    }

    /**
     * @param randomSeed seed of the validation split and augmentation
     * @return this builder
     */
    public TrainingSpecBuilder withSeed(long randomSeed) {
        this.seed = randomSeed;
        return this;
    }

    /**
     * @param rules the checks the dataset must pass
     * @return this builder
     */
    public TrainingSpecBuilder withDatasetRules(DatasetRules rules) {
        this.datasetRules = Objects.requireNonNull(rules, "rules");
        return this;
    }

    /**
     * @param providerOptions the provider's own settings, e.g. {@code LocalTrainingOptions} or
     *     {@code AzureTrainingOptions}; replaces any given before
     * @return this builder
     */
    public TrainingSpecBuilder withOptions(TrainingOptions providerOptions) {
        this.options = Objects.requireNonNull(providerOptions, "providerOptions");
        return this;
    }

    /**
     * @return the validated spec
     * @throws dev.modelbuilder.core.exception.ValidationException listing every broken rule
     */
    public TrainingSpec build() {
        return new TrainingSpec(data, timeBudget, validationSplit, computeName, seed, datasetRules, options, task);
    }
}
