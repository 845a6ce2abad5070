package dev.modelbuilder.core;

import dev.modelbuilder.core.dataset.DatasetValidationException;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Objects;

/**
 * A training run being defined. {@link #beginCreate()} checks the dataset (a folder or a labels file; every problem in
 * one error, before anything is uploaded or trained) and submits the run; its handle is the operation, as for every
 * other resource.
 */
public final class RunDefinition {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final TrainingSpec spec;
    private ProgressListener listener;
    private String experiment;

    RunDefinition(ModelBuilderProvider provider, String workspace, TrainingSpec spec, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.spec = spec;
        this.listener = listener;
    }

    /**
     * @param name the experiment the run joins (1-256 letters, digits, underscores or hyphens); a new name creates it
     * @return this definition
     * @throws ValidationException for an invalid name
     */
    public RunDefinition inExperiment(String name) {
        this.experiment = Rules.requireExperimentName(name);
        return this;
    }

    /**
     * @param progressListener told about steps, status changes, metrics and log lines of this run
     * @return this definition
     */
    public RunDefinition withListener(ProgressListener progressListener) {
        this.listener = Objects.requireNonNull(progressListener, "progressListener");
        return this;
    }

    /**
     * Checks the dataset, then submits the run without waiting for it.
     *
     * @return a handle on the run
     * @throws ValidationException when no experiment was named
     * @throws DatasetValidationException listing every problem of the dataset
     */
    public TrainingRun beginCreate() {
        if (experiment == null) {
            throw new ValidationException("experiment", null,
                    "name the experiment the run joins: runs().define(spec).inExperiment(\"flowers\")");
        }
        long start = System.nanoTime();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.VALIDATE_DATA));
        ImageDataset dataset;
        try {
            dataset = ImageDataset.scan(spec.data(), spec.task(), spec.datasetRules());
        } catch (DatasetValidationException e) {
            ProgressListener.emit(listener, new ProgressEvent.StepFailed(WorkStep.VALIDATE_DATA, e.getMessage()));
            throw e;
        }
        ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.VALIDATE_DATA,
                dataset.size(), dataset.size(), "images"));
        for (Path link : dataset.skipped()) {
            ProgressListener.emit(listener, new ProgressEvent.LogLine("dataset",
                    "skipped " + dataset.root().relativize(link) + ": a symbolic link (links are not followed)"));
        }
        ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.VALIDATE_DATA,
                Duration.ofNanos(System.nanoTime() - start)));
        return provider.runs().submit(workspace, experiment, spec, dataset, listener);
    }

    /**
     * Submits the run and waits up to 24 hours for it to end. A run that fails or is cancelled is returned, not
     * thrown (look at {@link Run#status()}); use {@link TrainingRun#waitForModel} on {@link #beginCreate()} for the
     * model.
     *
     * @return the run in a terminal status
     * @throws DatasetValidationException listing every problem of the dataset
     * @throws dev.modelbuilder.core.exception.OperationTimeoutException when it does not end in time (it goes on)
     */
    public Run create() {
        return beginCreate().waitForCompletion(Waits.RUN);
    }
}
