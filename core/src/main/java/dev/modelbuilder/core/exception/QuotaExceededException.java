package dev.modelbuilder.core.exception;

/** Not enough quota (e.g. GPU cores of a VM family in a region) for what was asked. */
public class QuotaExceededException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final long required;
    private final long available;
    private final String quotaName;

    /**
     * @param quotaName the quota, e.g. {@code Standard NCASv3_T4 Family vCPUs}
     * @param required how many units the request needs
     * @param available how many units are left
     * @param hint how to get more quota or what to ask for instead
     */
    public QuotaExceededException(String quotaName, long required, long available, String hint) {
        super("not enough quota for " + quotaName + ": " + required + " needed, " + available + " available ("
                + (required - available) + " missing)" + (hint == null ? "" : "; " + hint));
        this.quotaName = quotaName;
        this.required = required;
        this.available = available;
    }

    /** @return the quota's name */
    public String quotaName() {
        return quotaName;
    }

    /** @return units needed */
    public long required() {
        return required;
    }

    /** @return units left */
    public long available() {
        return available;
    }
}
