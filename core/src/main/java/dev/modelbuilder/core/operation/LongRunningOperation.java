package dev.modelbuilder.core.operation;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.OperationTimeoutException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import java.time.Duration;

/**
 * A handle on work that takes a while (creating a workspace or compute, a training run). Blocking, like
 * azure-core's {@code SyncPoller}: poll once, wait with a timeout, cancel, read the final result, and keep a
 * resume token to pick the operation up again after a restart.
 *
 * <pre>{@code
 * LongRunningOperation<Compute> op = computes.define("gpu").withSize("Standard_NC4as_T4_v3").beginCreate();
 * Compute compute = op.waitForCompletion(Duration.ofMinutes(10));
 * }</pre>
 *
 * @param <T> the final result
 */
public interface LongRunningOperation<T> {

    /**
     * Asks the provider once for the current status.
     *
     * @return the status now
     * @throws dev.modelbuilder.core.exception.ModelBuilderException when the provider cannot be asked
     */
    OperationStatus poll();

    /** @return the status as of the last poll, without asking the provider */
    OperationStatus status();

    /**
     * Polls until the operation ends, honouring the provider's requested poll interval.
     *
     * @param timeout the longest to wait
     * @return the final result
     * @throws dev.modelbuilder.core.exception.OperationTimeoutException when it does not end in time (it goes on)
     * @throws dev.modelbuilder.core.exception.RemoteOperationException when it ended as failed
     * @throws dev.modelbuilder.core.exception.ModelBuilderException when the wait is interrupted
     */
    T waitForCompletion(Duration timeout);

    /**
     * @return the final result
     * @throws dev.modelbuilder.core.exception.InvalidStateException when the operation has not ended yet
     * @throws dev.modelbuilder.core.exception.RemoteOperationException when it ended as failed
     */
    T finalResult();

    /**
     * Asks the provider to cancel the operation, where the provider can; stops nothing locally that is already
     * done.
     *
     * @throws dev.modelbuilder.core.exception.OperationNotSupportedException when the operation cannot be cancelled
     */
    void cancel();

    /** @return a token that the provider's {@code resume...} methods turn back into this operation */
    String resumeToken();
}
