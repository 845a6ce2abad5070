package dev.modelbuilder.core.exception;

/**
 * The provider cannot do what was asked, e.g. cancel an operation the service offers no way to stop. The message
 * names the provider and, where there is one, the way to get the same result.
 */
public class OperationNotSupportedException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /** @param message what cannot be done, by which provider, and what to do instead */
    public OperationNotSupportedException(String message) {
        super(message);
    }
}
