package dev.modelbuilder.core.model;

import java.util.Objects;

/**
 * Why a run failed.
 *
 * @param code the service's or trainer's error code, e.g. {@code UserError}
 * @param message what went wrong
 * @param step the training step it happened in, or {@code null} when unknown
 */
public record RunError(String code, String message, WorkStep step) {
    /** Checks the required fields. */
    public RunError {
        Objects.requireNonNull(code, "code");
        Objects.requireNonNull(message, "message");
    }

    /** @return the error in one line, naming the step */
    public String describe() {
        return (step == null ? "" : step.displayName() + " failed: ") + code + ": " + message;
    }
}
