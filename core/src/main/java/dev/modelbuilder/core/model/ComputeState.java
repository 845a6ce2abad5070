package dev.modelbuilder.core.model;

/**
 * A compute's provisioning state. Expandable: a state the service adds later is kept as-is rather than
 * breaking the caller.
 */
public final class ComputeState extends ExpandableValue {
    private static final long serialVersionUID = 1L;

    /** Being created. */
    public static final ComputeState CREATING = new ComputeState("Creating", false);
    /** Ready for use. */
    public static final ComputeState SUCCEEDED = new ComputeState("Succeeded", true);
    /** Being changed (e.g. resized). */
    public static final ComputeState UPDATING = new ComputeState("Updating", false);
    /** Being deleted. */
    public static final ComputeState DELETING = new ComputeState("Deleting", false);
    /** Creation failed. */
    public static final ComputeState FAILED = new ComputeState("Failed", true);
    /** Creation was cancelled. */
    public static final ComputeState CANCELED = new ComputeState("Canceled", true);
    /** The service does not know. */
    public static final ComputeState UNKNOWN = new ComputeState("Unknown", false);

    private static final ComputeState[] KNOWN = {CREATING, SUCCEEDED, UPDATING, DELETING, FAILED, CANCELED, UNKNOWN};

    private ComputeState(String value, boolean terminal) {
        super(value, terminal);
    }

    /**
     * @param value a state as the service wrote it
     * @return the known state of that name (case-insensitive), or a new one that is not terminal
     */
    public static ComputeState fromString(String value) {
        for (ComputeState s : KNOWN) {
            if (s.value().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return new ComputeState(value == null ? "Unknown" : value, false);
    }
}
