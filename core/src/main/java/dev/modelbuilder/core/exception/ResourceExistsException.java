package dev.modelbuilder.core.exception;

/** A resource with this name already exists and cannot be reused as asked (e.g. with another size or region). */
public class ResourceExistsException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final String resourceType;
    private final String resourceName;

    /**
     * @param resourceType e.g. {@code compute}
     * @param resourceName the name in conflict
     * @param detail why the existing one cannot be used
     */
    public ResourceExistsException(String resourceType, String resourceName, String detail) {
        super(resourceType + " '" + resourceName + "' already exists" + (detail == null ? "" : ": " + detail));
        this.resourceType = resourceType;
        this.resourceName = resourceName;
    }

    /** @return the kind of resource */
    public String resourceType() {
        return resourceType;
    }

    /** @return the name in conflict */
    public String resourceName() {
        return resourceName;
    }
}
