package dev.modelbuilder.core.operation;

import dev.modelbuilder.core.model.ExpandableValue;

/** The status of a long-running operation. Expandable, like the service statuses it mirrors. */
public final class OperationStatus extends ExpandableValue {
    private static final long serialVersionUID = 1L;

    /** Accepted, not started. */
    public static final OperationStatus NOT_STARTED = new OperationStatus("NotStarted", false);
    /** In progress. */
    public static final OperationStatus IN_PROGRESS = new OperationStatus("InProgress", false);
    /** Finished successfully. */
    public static final OperationStatus SUCCEEDED = new OperationStatus("Succeeded", true);
    /** Finished with an error. */
    public static final OperationStatus FAILED = new OperationStatus("Failed", true);
    /** Cancelled. */
    public static final OperationStatus CANCELED = new OperationStatus("Canceled", true);

    private static final OperationStatus[] KNOWN = {NOT_STARTED, IN_PROGRESS, SUCCEEDED, FAILED, CANCELED};

    private OperationStatus(String value, boolean terminal) {
        super(value, terminal);
    }

    /**
     * @param value a status as written by a service ({@code Succeeded}, {@code Running}, ...)
     * @return the matching status; unknown non-terminal words map to a new in-progress-like value
     */
    public static OperationStatus fromString(String value) {
        if (value == null) {
            return IN_PROGRESS;
        }
        for (OperationStatus s : KNOWN) {
            if (s.value().equalsIgnoreCase(value)) {
                return s;
            }
        }
        if (value.equalsIgnoreCase("Cancelled")) {
            return CANCELED;
        }
        return new OperationStatus(value, false);
    }

    /**
     * The status of a run seen as a long-running operation: not started while it waits its turn, succeeded,
     * failed or cancelled when it ended that way, in progress otherwise.
     *
     * @param run a run's status
     * @return the operation status
     */
    public static OperationStatus ofRun(dev.modelbuilder.core.model.RunStatus run) {
        if (run.equals(dev.modelbuilder.core.model.RunStatus.COMPLETED)) {
            return SUCCEEDED;
        }
        if (run.equals(dev.modelbuilder.core.model.RunStatus.FAILED)) {
            return FAILED;
        }
        if (run.equals(dev.modelbuilder.core.model.RunStatus.CANCELED)) {
            return CANCELED;
        }
        return run.equals(dev.modelbuilder.core.model.RunStatus.NOT_STARTED)
                || run.equals(dev.modelbuilder.core.model.RunStatus.QUEUED) ? NOT_STARTED : IN_PROGRESS;
    }

    /** @return whether the operation finished successfully */
    public boolean isSuccess() {
        return equals(SUCCEEDED);
    }
}
