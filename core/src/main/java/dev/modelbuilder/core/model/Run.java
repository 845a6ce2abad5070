package dev.modelbuilder.core.model;

import dev.modelbuilder.core.exception.RunFailedException;
import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a training run as the provider last reported it.
 *
 * @param id the run id (use it to re-attach after a restart)
 * @param experiment the experiment it belongs to
 * @param workspace the workspace it belongs to
 * @param status its status
 * @param createdAt when it was submitted
 * @param startedAt when it started training, or {@code null}
 * @param endedAt when it reached a terminal status, or {@code null}
 * @param portalUrl where to follow it in a browser (Azure Machine Learning studio), or {@code null}
 * @param metrics the latest value of each metric (e.g. {@code accuracy}, {@code accuracy/daisy})
 * @param error why it failed, or {@code null}
 */
public record Run(String id, String experiment, String workspace, RunStatus status, Instant createdAt,
        Instant startedAt, Instant endedAt, String portalUrl, Map<String, Double> metrics, RunError error) {

    /** Copies the metrics and checks the required fields. */
    public Run {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(experiment, "experiment");
        Objects.requireNonNull(status, "status");
        metrics = Map.copyOf(Objects.requireNonNullElse(metrics, Map.of()));
    }

    /** @return the portal link, when the provider has a portal */
    public Optional<String> portalLink() {
        return Optional.ofNullable(portalUrl);
    }

    /** @return the failure, when the run failed */
    public Optional<RunError> failure() {
        return Optional.ofNullable(error);
    }

    /**
     * @return the error that says this run ended without a model (failed or cancelled), to throw
     */
    public RunFailedException toFailure() {
        return new RunFailedException(id, experiment, status.value(), error == null ? null : error.code(),
                error == null ? null : error.describe());
    }

    /** @return whether the run has finished, successfully or not */
    public boolean isTerminal() {
        return status.isTerminal();
    }
}
