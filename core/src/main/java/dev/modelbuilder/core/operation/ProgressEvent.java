package dev.modelbuilder.core.operation;

import dev.modelbuilder.core.model.WorkStep;

import dev.modelbuilder.core.model.RunStatus;
import java.time.Duration;
import java.util.Objects;

/**
 * Something that happened during long work, as reported to a {@link ProgressListener}. A closed set of event
 * types so that listeners can handle each one.
 */
public sealed interface ProgressEvent {

    /**
     * A training step started.
     *
     * @param step the step
     */
    record StepStarted(WorkStep step) implements ProgressEvent {
        /** Checks the step. */
        public StepStarted {
            Objects.requireNonNull(step, "step");
        }
    }

    /**
     * Measurable progress within a step, e.g. files uploaded or epochs trained.
     *
     * @param step the step
     * @param done units done so far
     * @param total units in all, or -1 when unknown
     * @param unit what is counted, e.g. {@code files}, {@code bytes}, {@code epochs}
     */
    record StepProgress(WorkStep step, long done, long total, String unit) implements ProgressEvent {
        /** Checks the step. */
        public StepProgress {
            Objects.requireNonNull(step, "step");
        }

        /** @return the share done in [0, 1], or -1 when the total is unknown */
        public double fraction() {
            return total <= 0 ? -1 : Math.min(1.0, (double) done / total);
        }
    }

    /**
     * A training step finished.
     *
     * @param step the step
     * @param took how long it took
     */
    record StepCompleted(WorkStep step, Duration took) implements ProgressEvent {
        /** Checks the step. */
        public StepCompleted {
            Objects.requireNonNull(step, "step");
        }
    }

    /**
     * A training step failed.
     *
     * @param step the step
     * @param message why
     */
    record StepFailed(WorkStep step, String message) implements ProgressEvent {
        /** Checks the step. */
        public StepFailed {
            Objects.requireNonNull(step, "step");
        }
    }

    /**
     * A run's status changed.
     *
     * @param runId the run
     * @param previous the status before, or {@code null} for the first report
     * @param current the status now
     */
    record RunStatusChanged(String runId, RunStatus previous, RunStatus current) implements ProgressEvent {
        /** Checks the fields. */
        public RunStatusChanged {
            Objects.requireNonNull(runId, "runId");
            Objects.requireNonNull(current, "current");
        }
    }

    /**
     * A long-running operation's status changed.
     *
     * @param operation what the operation does, e.g. {@code create compute gpu}
     * @param status its status now
     */
    record OperationStatusChanged(String operation, OperationStatus status) implements ProgressEvent {
    }

    /**
     * A run logged a metric value.
     *
     * @param runId the run
     * @param name the metric, e.g. {@code accuracy} or {@code accuracy/daisy}
     * @param step the epoch or iteration it belongs to
     * @param value the value
     */
    record MetricLogged(String runId, String name, int step, double value) implements ProgressEvent {
    }

    /**
     * A line of log output from the run or the provider.
     *
     * @param source where it came from, e.g. a run id
     * @param line the text
     */
    record LogLine(String source, String line) implements ProgressEvent {
    }
}
