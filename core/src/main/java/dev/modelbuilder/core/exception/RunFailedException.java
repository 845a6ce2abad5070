package dev.modelbuilder.core.exception;

import java.util.Objects;
import java.util.Optional;

/**
 * A training run ended without a model: it failed (the message names the step) or was cancelled. Made by
 * {@code Run.toFailure()}; look the run up by {@link #runId()} for its metrics and times.
 */
public class RunFailedException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final String runId;
    private final String experiment;
    private final String status;
    private final String errorCode;

    /**
     * @param runId the run
     * @param experiment its experiment
     * @param status its terminal status, e.g. {@code Failed}
     * @param errorCode the service's or trainer's error code, or {@code null} when it gave none (a cancelled run)
     * @param reason why it failed in one line, naming the step, or {@code null}
     */
    public RunFailedException(String runId, String experiment, String status, String errorCode, String reason) {
        super("run " + runId + " in experiment " + experiment + " ended as " + status
                + (reason == null ? "" : ": " + reason));
        this.runId = Objects.requireNonNull(runId, "runId");
        this.experiment = Objects.requireNonNull(experiment, "experiment");
        this.status = Objects.requireNonNull(status, "status");
        this.errorCode = errorCode;
    }

    /** @return the run id */
    public String runId() {
        return runId;
    }

    /** @return the run's experiment */
    public String experiment() {
        return experiment;
    }

    /** @return the run's terminal status as the provider spells it, e.g. {@code Failed} or {@code Canceled} */
    public String status() {
        return status;
    }

    /** @return the error code, when the provider gave one */
    public Optional<String> errorCode() {
        return Optional.ofNullable(errorCode);
    }
}
