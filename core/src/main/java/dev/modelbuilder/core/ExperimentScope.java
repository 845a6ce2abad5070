package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.dataset.DatasetValidationException;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.time.Duration;
import java.util.Objects;

/** One experiment: submit runs into it and list its runs. */
public final class ExperimentScope {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final Experiment experiment;
    private final ProgressListener listener;

    ExperimentScope(ModelBuilderProvider provider, String workspace, Experiment experiment,
            ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.experiment = experiment;
        this.listener = listener;
    }

    /** @return the experiment */
    public Experiment experiment() {
        return experiment;
    }

    /** @return the experiment name */
    public String name() {
        return experiment.name();
    }

    /**
     * Validates the dataset (every problem in one error, before anything is uploaded or trained), then submits
     * the run.
     *
     * @param training what to train
     * @return a handle on the run
     * @throws DatasetValidationException listing every problem of the dataset
     */
    public TrainingRun submit(ImageClassificationTraining training) {
        return submit(training, listener);
    }

    /**
     * Like {@link #submit(ImageClassificationTraining)}, reporting to a listener of its own.
     *
     * @param training what to train
     * @param progressListener told about steps, status changes, metrics and log lines
     * @return a handle on the run
     * @throws DatasetValidationException listing every problem of the dataset
     */
    public TrainingRun submit(ImageClassificationTraining training, ProgressListener progressListener) {
        Objects.requireNonNull(training, "training");
        Objects.requireNonNull(progressListener, "progressListener");
        long start = System.nanoTime();
        ProgressListener.emit(progressListener, new ProgressEvent.StepStarted(WorkStep.VALIDATE_DATA));
        ImageFolderDataset dataset;
        try {
            dataset = ImageFolderDataset.scan(training.dataFolder(), training.datasetRules());
        } catch (DatasetValidationException e) {
            ProgressListener.emit(progressListener, new ProgressEvent.StepFailed(WorkStep.VALIDATE_DATA,
                    e.getMessage()));
            throw e;
        }
        ProgressListener.emit(progressListener, new ProgressEvent.StepProgress(WorkStep.VALIDATE_DATA,
                dataset.size(), dataset.size(), "images"));
        for (java.nio.file.Path link : dataset.skipped()) {
            ProgressListener.emit(progressListener, new ProgressEvent.LogLine("dataset",
                    "skipped " + dataset.root().relativize(link) + ": a symbolic link (links are not followed)"));
        }
        ProgressListener.emit(progressListener, new ProgressEvent.StepCompleted(WorkStep.VALIDATE_DATA,
                Duration.ofNanos(System.nanoTime() - start)));
        return provider.runs().submit(workspace, experiment.name(), training, dataset, progressListener);
    }

    /** @return this experiment's runs, newest first, lazily */
    public PagedIterable<Run> runs() {
        return provider.runs().list(workspace, experiment.name());
    }
}
