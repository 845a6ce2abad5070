package dev.modelbuilder.core.model;

import java.time.Instant;
import java.util.Objects;

/**
 * An experiment: a named group of runs in a workspace. Submitting a run with an existing experiment name adds
 * it to that experiment; a new name creates one.
 *
 * @param name 1-256 letters, digits, underscores or hyphens
 * @param workspace the workspace it belongs to
 * @param createdAt when it was created, or {@code null} when the provider does not say
 */
public record Experiment(String name, String workspace, Instant createdAt) {
    /** @throws dev.modelbuilder.core.exception.ValidationException for an invalid name */
    public Experiment {
        Rules.requireExperimentName(name);
        Objects.requireNonNull(workspace, "workspace");
    }
}
