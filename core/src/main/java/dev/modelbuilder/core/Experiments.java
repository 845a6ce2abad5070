package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.spi.ModelBuilderProvider;

/** A workspace's experiments. */
public final class Experiments {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final ProgressListener listener;

    Experiments(ModelBuilderProvider provider, String workspace, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.listener = listener;
    }

    /**
     * Returns the experiment of that name, creating it when it is new. Runs submitted through it join it.
     *
     * @param name 1-256 letters, digits, underscores or hyphens
     * @return the experiment
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid name
     */
    public ExperimentScope getOrCreate(String name) {
        Experiment experiment = provider.experiments().getOrCreate(workspace, Rules.requireExperimentName(name));
        return new ExperimentScope(provider, workspace, experiment, listener);
    }

    /**
     * @param name the experiment name
     * @return the experiment
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    public ExperimentScope get(String name) {
        Experiment experiment = provider.experiments().get(workspace, Rules.requireExperimentName(name));
        return new ExperimentScope(provider, workspace, experiment, listener);
    }

    /** @return the experiments, lazily */
    public PagedIterable<Experiment> list() {
        return provider.experiments().list(workspace);
    }
}
