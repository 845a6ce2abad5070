package dev.modelbuilder.core.exception;

/** A named resource (workspace, compute, experiment, run, model file) does not exist. */
public class ResourceNotFoundException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final String resourceType;
    private final String resourceName;

    /**
     * @param resourceType e.g. {@code workspace}
     * @param resourceName the name that was looked up
     * @param hint how to find or create it, or {@code null}
     */
    public ResourceNotFoundException(String resourceType, String resourceName, String hint) {
        super(resourceType + " '" + resourceName + "' was not found" + (hint == null ? "" : ": " + hint));
        this.resourceType = resourceType;
        this.resourceName = resourceName;
    }

    /** @return the kind of resource, e.g. {@code compute} */
    public String resourceType() {
        return resourceType;
    }

    /** @return the name that was looked up */
    public String resourceName() {
        return resourceName;
    }
}
