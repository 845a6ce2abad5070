package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.model.Experiment;

/** Experiment operations of a provider. */
public interface ExperimentOperations {

    /**
     * Returns the experiment of that name, creating it when it does not exist yet.
     *
     * @param workspace the workspace
     * @param name the validated experiment name
     * @return the experiment
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when the workspace does not exist
     */
    Experiment getOrCreate(String workspace, String name);

    /**
     * @param workspace the workspace
     * @param name the experiment name
     * @return the experiment
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    Experiment get(String workspace, String name);

    /**
     * @param workspace the workspace
     * @return its experiments, lazily
     */
    PagedIterable<Experiment> list(String workspace);

    /**
     * Deletes the experiment with its runs, cancelling a running one first; succeeds when it does not exist.
     *
     * @param workspace the workspace
     * @param name the experiment name
     * @return the operation
     */
    LongRunningOperation<Deletion> beginDelete(String workspace, String name);
}
