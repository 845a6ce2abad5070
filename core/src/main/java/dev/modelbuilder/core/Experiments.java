package dev.modelbuilder.core;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.spi.ModelBuilderProvider;

/**
 * A workspace's experiments: {@code define(name).create()} (create-or-get), {@code get}, {@code list},
 * {@code delete}/{@code beginDelete}. Runs join an experiment by name ({@code runs().define(spec).inExperiment(name)}),
 * which creates it when it is new, so defining one first is optional.
 */
public final class Experiments {
    private final ModelBuilderProvider provider;
    private final String workspace;

    Experiments(ModelBuilderProvider provider, String workspace) {
        this.provider = provider;
        this.workspace = workspace;
    }

    /**
     * @param name 1-256 letters, digits, underscores or hyphens
     * @return a definition; {@code create()} returns the experiment of that name, creating it when it is new
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid name
     */
    public ExperimentDefinition define(String name) {
        return new ExperimentDefinition(provider, workspace, Rules.requireExperimentName(name));
    }

    /**
     * @param name the experiment name
     * @return the experiment
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    public Experiment get(String name) {
        return provider.experiments().get(workspace, Rules.requireExperimentName(name));
    }

    /** @return the experiments, lazily */
    public PagedIterable<Experiment> list() {
        return provider.experiments().list(workspace);
    }

    /**
     * Deletes an experiment with its runs (a running one is cancelled first) and waits up to 30 minutes; succeeds
     * when it does not exist.
     *
     * @param name the experiment name
     * @return whether there was one to delete
     */
    public Deletion delete(String name) {
        return beginDelete(name).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param name the experiment name
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String name) {
        return provider.experiments().beginDelete(workspace, Rules.requireExperimentName(name));
    }
}
