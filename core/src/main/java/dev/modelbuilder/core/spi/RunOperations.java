package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;

/** Run operations of a provider. */
public interface RunOperations {

    /**
     * Submits a training run in an experiment (which joins an existing experiment of that name or creates it).
     * The dataset has already been scanned and validated by the core.
     *
     * @param workspace the workspace
     * @param experiment the experiment name
     * @param training the validated training spec; the provider refuses options made for another provider
     *     ({@link TrainingSpec#optionsFor})
     * @param dataset the validated dataset ({@code training.data()} scanned: a folder or a labels file, whose images
     *     have one label each unless {@code training.task()} is multi-label)
     * @param listener progress: steps, status changes, metrics, log lines
     * @return a handle on the run
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when the workspace or compute is missing
     */
    TrainingRun submit(String workspace, String experiment, TrainingSpec training,
            ImageDataset dataset, ProgressListener listener);

    /**
     * Re-attaches to a run by id, e.g. after the process restarted.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @param listener progress from now on
     * @return a handle on the run
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    TrainingRun attach(String workspace, String runId, ProgressListener listener);

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the run now
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    Run get(String workspace, String runId);

    /**
     * @param workspace the workspace
     * @param experiment the experiment name
     * @return its runs, newest first, lazily
     */
    PagedIterable<Run> list(String workspace, String experiment);

    /**
     * @param workspace the workspace
     * @return every run of the workspace, newest first, lazily
     */
    PagedIterable<Run> list(String workspace);

    /**
     * Asks for a run to be cancelled; does nothing to a run that already ended.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    void cancel(String workspace, String runId);

    /**
     * Deletes a run with its files, cancelling it first when it is still going; succeeds when it does not exist.
     *
     * @param workspace the workspace
     * @param runId the run id
     * @return the operation
     */
    LongRunningOperation<Deletion> beginDelete(String workspace, String runId);
}
