package dev.modelbuilder.core.exception;

/** No valid credential: none configured, an expired or rejected token, or token acquisition timed out. */
public class AuthenticationException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /** @param message what failed and how to sign in */
    public AuthenticationException(String message) {
        super(message);
    }

    /**
     * @param message what failed and how to sign in
     * @param cause the credential's own error
     */
    public AuthenticationException(String message, Throwable cause) {
        super(message, cause);
    }
}
