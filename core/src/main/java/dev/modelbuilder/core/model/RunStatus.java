package dev.modelbuilder.core.model;

/**
 * A run's status. Expandable: a status the service adds later is kept, not rejected, and counts as not
 * terminal. The known values follow Azure Machine Learning's job statuses.
 */
public final class RunStatus extends ExpandableValue {
    private static final long serialVersionUID = 1L;

    /** Accepted, nothing started yet. */
    public static final RunStatus NOT_STARTED = new RunStatus("NotStarted", false);
    /** Starting up. */
    public static final RunStatus STARTING = new RunStatus("Starting", false);
    /** Waiting for compute nodes. */
    public static final RunStatus PROVISIONING = new RunStatus("Provisioning", false);
    /** Preparing the environment. */
    public static final RunStatus PREPARING = new RunStatus("Preparing", false);
    /** Waiting in a queue. */
    public static final RunStatus QUEUED = new RunStatus("Queued", false);
    /** Training. */
    public static final RunStatus RUNNING = new RunStatus("Running", false);
    /** Training done, outputs being written. */
    public static final RunStatus FINALIZING = new RunStatus("Finalizing", false);
    /** Cancellation asked for, not yet done. */
    public static final RunStatus CANCEL_REQUESTED = new RunStatus("CancelRequested", false);
    /** Finished successfully. */
    public static final RunStatus COMPLETED = new RunStatus("Completed", true);
    /** Finished with an error. */
    public static final RunStatus FAILED = new RunStatus("Failed", true);
    /** Cancelled. */
    public static final RunStatus CANCELED = new RunStatus("Canceled", true);
    /** The run stopped reporting. */
    public static final RunStatus NOT_RESPONDING = new RunStatus("NotResponding", false);
    /** Paused. */
    public static final RunStatus PAUSED = new RunStatus("Paused", false);
    /** Unknown to the service. */
    public static final RunStatus UNKNOWN = new RunStatus("Unknown", false);

    private static final RunStatus[] KNOWN = {NOT_STARTED, STARTING, PROVISIONING, PREPARING, QUEUED, RUNNING,
        FINALIZING, CANCEL_REQUESTED, COMPLETED, FAILED, CANCELED, NOT_RESPONDING, PAUSED, UNKNOWN};

    private RunStatus(String value, boolean terminal) {
        super(value, terminal);
    }

    /**
     * @param value a status as the service wrote it (any letter case)
     * @return the known status of that name, or a new non-terminal one
     */
    public static RunStatus fromString(String value) {
        if (value == null || value.isBlank()) {
            return UNKNOWN;
        }
        for (RunStatus s : KNOWN) {
            if (s.value().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return new RunStatus(value, false);
    }

    /** @return the statuses this SDK knows, in lifecycle order */
    public static java.util.List<RunStatus> values() {
        return java.util.List.of(KNOWN);
    }
}
