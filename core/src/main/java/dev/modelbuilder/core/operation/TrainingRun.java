package dev.modelbuilder.core.operation;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.OperationTimeoutException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.TrainedModel;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A handle on a submitted training run. Its final result is the run in a terminal status (completed, failed or
 * cancelled); {@link #waitForModel(Duration, Path)} waits and fetches the model in one call. The resume token is
 * the run id: follow it again after a restart with {@code runs().resume(runId)}.
 *
 * <pre>{@code
 * TrainingRun run = workspace.runs().define(spec).inExperiment("flowers").beginCreate();
 * System.out.println(run.snapshot().portalLink().orElse(run.id()));
 * TrainedModel model = run.waitForModel(Duration.ofHours(1), Path.of("model"));
 * }</pre>
 */
public interface TrainingRun extends LongRunningOperation<Run> {

    /** @return the run id */
    String id();

    /** @return the run as of the last poll, without asking the provider */
    Run snapshot();

    /**
     * @return the run now, asked of the provider
     * @throws dev.modelbuilder.core.exception.ModelBuilderException when the provider cannot be asked
     */
    Run refresh();

    /**
     * Waits for the run to end. Unlike other operations, a run that ends as failed or cancelled is returned, not
     * thrown: look at {@link Run#status()} and {@link Run#failure()}.
     *
     * @param timeout the longest to wait
     * @return the run in a terminal status
     * @throws dev.modelbuilder.core.exception.OperationTimeoutException when it does not end in time
     */
    @Override
    Run waitForCompletion(Duration timeout);

    /**
     * Writes the trained model's artifacts (bestModel.onnx, bestModelMap.json, MLModel.zip) into a folder,
     * downloading them where the run trained remotely.
     *
     * @param directory the folder to write to (created when missing)
     * @return the model
     * @throws dev.modelbuilder.core.exception.InvalidStateException when the run has not completed successfully
     * @throws dev.modelbuilder.core.exception.ModelBuilderException when the artifacts cannot be fetched
     */
    TrainedModel downloadModel(Path directory);

    /**
     * Waits for the run to complete, then writes its model into a folder.
     *
     * @param timeout the longest to wait
     * @param directory the folder to write to
     * @return the model
     * @throws dev.modelbuilder.core.exception.RunFailedException when the run failed or was cancelled
     * @throws dev.modelbuilder.core.exception.OperationTimeoutException when it does not end in time
     */
    default TrainedModel waitForModel(Duration timeout, Path directory) {
        Run run = waitForCompletion(timeout);
        if (!run.status().equals(dev.modelbuilder.core.model.RunStatus.COMPLETED)) {
            throw run.toFailure();
        }
        return downloadModel(directory);
    }
}
