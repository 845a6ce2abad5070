package dev.modelbuilder.core.model;

import dev.modelbuilder.core.dataset.ClassificationTask;
import dev.modelbuilder.core.dataset.DatasetRules;
import dev.modelbuilder.core.exception.ValidationException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Supplier;

/**
 * What to train: an image classifier on a dataset (a folder with one sub-folder per label, or a labels file: JSONL in
 * Azure ML's form or CSV, see {@link dev.modelbuilder.core.dataset.ImageDataset}), single-label or multi-label, with
 * the settings every provider understands. Settings of one provider (the local backend's backbone, Azure's
 * architecture and trials) travel as that provider's {@link TrainingOptions}. Immutable; build it with
 * {@link #fromData(Path)}.
 *
 * <pre>{@code
 * TrainingSpec spec = TrainingSpec.fromData(Path.of("flowers"))
 *         .withTimeBudget(Duration.ofMinutes(30))
 *         .withValidationSplit(0.2)
 *         .withCompute("gpu-cluster")
 *         .withOptions(AzureTrainingOptions.builder().withArchitecture("resnet50").build())
 *         .build();
 * }</pre>
 *
 * @param data the dataset: a folder with one sub-folder per label, or a labels file ({@code .jsonl} or {@code .csv})
 *     whose image paths are relative to its own folder
 * @param timeBudget the most time training may take, or {@code null} for the provider's default
 * @param validationSplit the share of images held out for validation, in (0, 0.5]
 * @param computeName the compute to train on, or {@code null} for the provider's default
 * @param seed the random seed for the validation split and augmentation
 * @param datasetRules the checks the dataset must pass before anything is uploaded or trained
 * @param options the provider's own settings, or {@code null} for its defaults
 * @param task one label per image (the default) or any number of them
 */
public record TrainingSpec(Path data, Duration timeBudget, double validationSplit, String computeName, long seed,
        DatasetRules datasetRules, TrainingOptions options, ClassificationTask task) {

    /** The validation share used when none is given. */
    public static final double DEFAULT_VALIDATION_SPLIT = 0.2;
    /** The seed used when none is given. */
    public static final long DEFAULT_SEED = 42;

    /** @throws ValidationException listing every broken rule */
    public TrainingSpec {
        datasetRules = Objects.requireNonNullElse(datasetRules, DatasetRules.defaults());
        task = Objects.requireNonNullElse(task, ClassificationTask.SINGLE_LABEL);
        new Rules.Collector()
                .require(data != null, "data", null,
                        "give the folder that holds one sub-folder of images per label, or a labels file (.jsonl, .csv)")
                .require(timeBudget == null || (!timeBudget.isNegative() && !timeBudget.isZero()), "time budget",
                        timeBudget, "use a positive duration, e.g. PT10M")
                .require(validationSplit > 0 && validationSplit <= 0.5, "validation split", validationSplit,
                        "use a share above 0 and at most 0.5, e.g. 0.2")
                .add(computeName == null ? List.of() : Rules.computeName(computeName))
                .throwIfAny();
    }

    /**
     * @param data the dataset: a folder with one sub-folder per label, or a labels file ({@code .jsonl}: Azure ML's
     *     {@code image_url} and {@code label}; {@code .csv}: a header {@code image,labels}, labels separated by
     *     {@code ;})
     * @return a builder with the defaults (single-label)
     */
    public static TrainingSpecBuilder fromData(Path data) {
        return new TrainingSpecBuilder(data);
    }

    /** @return whether this spec trains a multi-label model */
    public boolean isMultiLabel() {
        return task.isMultiLabel();
    }

    /** @return a builder holding this spec's values */
    public TrainingSpecBuilder toBuilder() {
        return new TrainingSpecBuilder(this);
    }

    /** @return the time budget, when one was set */
    public Optional<Duration> timeBudgetIfSet() {
        return Optional.ofNullable(timeBudget);
    }

    /** @return the compute, when one was named */
    public Optional<String> computeIfSet() {
        return Optional.ofNullable(computeName);
    }

    /**
     * The options for one provider: what the spec carries, or the provider's defaults when it carries none. Providers
     * call this first, so that options made for another provider are refused before any work.
     *
     * @param provider the provider's name
     * @param type the provider's options type
     * @param defaults makes the provider's default options
     * @param <T> the options type
     * @return the options
     * @throws ValidationException when the spec carries options for another provider
     */
    public <T extends TrainingOptions> T optionsFor(String provider, Class<T> type, Supplier<T> defaults) {
        if (options == null) {
            return defaults.get();
        }
        if (!type.isInstance(options) || !provider.equals(options.provider())) {
            throw new ValidationException("training options", options.provider() + " options",
                    "the run is submitted to provider '" + provider + "'; give it " + type.getSimpleName()
                            + ", or submit to provider '" + options.provider() + "'");
        }
        return type.cast(options);
    }
}
