package dev.modelbuilder.core.exception;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunError;
import java.util.Optional;

/** A training run ended without a model: it failed (the error names the step) or was cancelled. */
public class RunFailedException extends ModelBuilderException {
    private static final long serialVersionUID = 1L;
    private final transient Run run;

    /** @param run the run in its terminal status */
    public RunFailedException(Run run) {
        super("run " + run.id() + " in experiment " + run.experiment() + " ended as " + run.status()
                + run.failure().map(e -> ": " + e.describe()).orElse(""));
        this.run = run;
    }

    /** @return the run in its terminal status */
    public Run run() {
        return run;
    }

    /** @return why it failed, when the provider said */
    public Optional<RunError> error() {
        return run.failure();
    }
}
