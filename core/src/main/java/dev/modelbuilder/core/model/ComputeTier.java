package dev.modelbuilder.core.model;

/** How a compute's nodes are billed: dedicated, or cheaper low-priority nodes that may be pre-empted. */
public enum ComputeTier {
    /** Nodes reserved for you. */
    DEDICATED("Dedicated"),
    /** Spare capacity at a discount; nodes may be taken back mid-run. */
    LOW_PRIORITY("LowPriority");

    private final String serviceName;

    ComputeTier(String serviceName) {
        this.serviceName = serviceName;
    }

    /** @return the name Azure uses ({@code Dedicated}, {@code LowPriority}) */
    public String serviceName() {
        return serviceName;
    }

    /**
     * @param text a tier as Azure or a user writes it ({@code Dedicated}, {@code low-priority}, ...)
     * @return the tier
     * @throws dev.modelbuilder.core.exception.ValidationException for an unknown tier
     */
    public static ComputeTier parse(String text) {
        String key = text == null ? "" : text.replace("-", "").replace("_", "").toLowerCase(java.util.Locale.ROOT);
        for (ComputeTier t : values()) {
            if (t.serviceName.toLowerCase(java.util.Locale.ROOT).equals(key)) {
                return t;
            }
        }
        throw new dev.modelbuilder.core.exception.ValidationException("compute tier", text,
                "use dedicated or low-priority");
    }
}
