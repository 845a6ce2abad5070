package dev.modelbuilder.core.exception;

/**
 * The resource or operation is not in a state that allows the call: a result asked of an operation that has not
 * finished, the model of a run that did not complete. The message names the state and what to do (wait, or look at
 * why it failed).
 */
public class InvalidStateException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /** @param message the state found and what to do instead */
    public InvalidStateException(String message) {
        super(message);
    }
}
