package dev.modelbuilder.core.model;

import java.time.Duration;
import java.util.Objects;

/**
 * What to create: a compute cluster's name, size, scale and tier. Validated on construction against the rules every
 * provider shares; whether the provider can use the size (e.g. not retired, offered, within quota) is the provider's
 * check ({@code ComputeOperations.validate} offline, then its own checks before creating).
 *
 * @param name 2-16 letters, digits or hyphens, starting with a letter
 * @param size the machine size, one the provider knows ({@code Computes.availableSizes()})
 * @param minNodes nodes kept running when idle (0 stops billing when idle)
 * @param maxNodes the most nodes the cluster may scale to (at least 1, at least {@code minNodes})
 * @param idleTimeBeforeScaleDown how long an idle node lives before it is released (at least 1 second)
 * @param tier dedicated or low-priority nodes
 */
public record ComputeSpec(String name, ComputeSize size, int minNodes, int maxNodes, Duration idleTimeBeforeScaleDown,
        ComputeTier tier) {

    /** The idle time used when none is given: 120 seconds, Azure's own default. */
    public static final Duration DEFAULT_IDLE_TIME = Duration.ofSeconds(120);

    /** @throws dev.modelbuilder.core.exception.ValidationException listing every broken rule */
    public ComputeSpec {
        idleTimeBeforeScaleDown = Objects.requireNonNullElse(idleTimeBeforeScaleDown, DEFAULT_IDLE_TIME);
        tier = Objects.requireNonNullElse(tier, ComputeTier.DEDICATED);
        new Rules.Collector()
                .add(Rules.computeName(name))
                .require(size != null, "compute size", null,
                        "choose one of the provider's sizes (Computes.availableSizes() lists them)")
                .nodeRange(minNodes, maxNodes)
                .require(!idleTimeBeforeScaleDown.isNegative() && idleTimeBeforeScaleDown.getSeconds() >= 1
                        && idleTimeBeforeScaleDown.getNano() == 0,
                        "idle time before scale-down", idleTimeBeforeScaleDown, "use whole seconds, at least 1 second")
                .throwIfAny();
    }
}
