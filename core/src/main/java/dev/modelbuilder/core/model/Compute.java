package dev.modelbuilder.core.model;

import java.time.Duration;
import java.util.Objects;

/**
 * A snapshot of a compute as the provider last reported it.
 *
 * @param name the compute name
 * @param workspace the workspace it belongs to
 * @param sizeName the VM size name as the provider reports it
 * @param size the catalog entry for that size, or {@code null} when the catalog does not know it
 * @param minNodes minimum nodes
 * @param maxNodes maximum nodes
 * @param idleTimeBeforeScaleDown idle time before a node is released
 * @param tier dedicated or low-priority
 * @param state provisioning state
 * @param currentNodes nodes allocated now
 * @param id the provider's identifier
 */
public record Compute(String name, String workspace, String sizeName, ComputeSize size, int minNodes, int maxNodes,
        Duration idleTimeBeforeScaleDown, ComputeTier tier, ComputeState state, int currentNodes, String id) {

    /** Checks the required fields. */
    public Compute {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(sizeName, "sizeName");
        Objects.requireNonNull(state, "state");
    }
}
