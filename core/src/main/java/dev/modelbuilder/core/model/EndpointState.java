package dev.modelbuilder.core.model;

/**
 * An endpoint's provisioning state. Expandable: a state the service adds later is kept as-is rather than breaking the
 * caller. Terminal states are those an operation on the endpoint ends in.
 */
public final class EndpointState extends ExpandableValue {
    private static final long serialVersionUID = 1L;

    /** Being created. */
    public static final EndpointState CREATING = new EndpointState("Creating", false);
    /** Being changed (a new deployment, traffic). */
    public static final EndpointState UPDATING = new EndpointState("Updating", false);
    /** Ready: it answers requests. */
    public static final EndpointState SUCCEEDED = new EndpointState("Succeeded", true);
    /** Being deleted. */
    public static final EndpointState DELETING = new EndpointState("Deleting", false);
    /** The last operation on it failed. */
    public static final EndpointState FAILED = new EndpointState("Failed", true);
    /** The last operation on it was cancelled. */
    public static final EndpointState CANCELED = new EndpointState("Canceled", true);
    /** The service does not say. */
    public static final EndpointState UNKNOWN = new EndpointState("Unknown", false);

    private static final EndpointState[] KNOWN = {CREATING, UPDATING, SUCCEEDED, DELETING, FAILED, CANCELED, UNKNOWN};

    private EndpointState(String value, boolean terminal) {
        super(value, terminal);
    }

    /**
     * @param value a state as the service wrote it
     * @return the known state of that name (case-insensitive), or a new one that is not terminal
     */
    public static EndpointState fromString(String value) {
        for (EndpointState s : KNOWN) {
            if (s.value().equalsIgnoreCase(value)) {
                return s;
            }
        }
        return new EndpointState(value == null ? "Unknown" : value, false);
    }
}
