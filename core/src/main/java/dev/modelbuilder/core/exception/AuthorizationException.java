package dev.modelbuilder.core.exception;

/** The caller is signed in but lacks the permission (role assignment) for the operation. */
public class AuthorizationException extends RemoteOperationException {
    private static final long serialVersionUID = 1L;

    /**
     * @param message what was refused and which role is needed
     * @param details the service's answer
     */
    public AuthorizationException(String message, ServiceErrorDetails details) {
        super(message, details);
    }
}
