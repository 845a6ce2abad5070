package dev.modelbuilder.core;

import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.PollingOperation;

/**
 * An experiment being defined. An experiment has nothing to set but its name, so this definition only creates it:
 * {@link #create()} returns the experiment of that name, creating it when it is new.
 */
public final class ExperimentDefinition {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final String name;

    ExperimentDefinition(ModelBuilderProvider provider, String workspace, String name) {
        this.provider = provider;
        this.workspace = workspace;
        this.name = name;
    }

    /**
     * Creates the experiment or finds the existing one. Experiments are created at once, so the operation has
     * already ended when it is returned.
     *
     * @return the operation, ended
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when the workspace does not exist
     */
    public LongRunningOperation<Experiment> beginCreate() {
        Experiment experiment = provider.experiments().getOrCreate(workspace, name);
        return PollingOperation.completed("create experiment '" + name + "'", experiment, name);
    }

    /**
     * Creates the experiment, or returns the existing one.
     *
     * @return the experiment
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when the workspace does not exist
     */
    public Experiment create() {
        return beginCreate().finalResult();
    }
}
