package dev.modelbuilder.core.exception;

import java.time.Duration;

/** A wait on a long-running operation ran out of time. The operation itself goes on; wait again or cancel it. */
public class OperationTimeoutException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;

    /**
     * @param operation what was being waited on
     * @param timeout how long was waited
     */
    public OperationTimeoutException(String operation, Duration timeout) {
        super(operation + " did not finish within " + timeout + "; it is still running: wait again or cancel it");
    }
}
