package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ComputeTier;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.time.Duration;
import java.util.Objects;
import java.util.stream.Collectors;

/**
 * A compute being defined. Defaults: 0 minimum nodes (no cost when idle), 1 maximum node, 120 s idle time,
 * dedicated tier. {@link #create()} validates everything, then creates it or returns the existing one.
 */
public final class ComputeDefinition {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final String name;
    private ProgressListener listener;
    private ComputeSize size;
    private String unknownSizeName;
    private int minNodes;
    private int maxNodes = 1;
    private Duration idleTime = ComputeSpec.DEFAULT_IDLE_TIME;
    private ComputeTier tier = ComputeTier.DEDICATED;

    ComputeDefinition(ModelBuilderProvider provider, String workspace, String name, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.name = name;
        this.listener = listener;
    }

    /**
     * @param computeSize a size, e.g. {@link ComputeSize#STANDARD_NC4AS_T4_V3}
     * @return this definition
     */
    public ComputeDefinition withSize(ComputeSize computeSize) {
        this.size = Objects.requireNonNull(computeSize, "computeSize");
        this.unknownSizeName = null;
        return this;
    }

    /**
     * @param sizeName a size name from the catalog, e.g. {@code Standard_NC4as_T4_v3} (any letter case), or a
     *     size the provider lists in {@link Computes#availableSizes()}
     * @return this definition
     */
    public ComputeDefinition withSize(String sizeName) {
        this.size = ComputeSize.find(sizeName).orElse(null);
        this.unknownSizeName = size == null ? sizeName : null;
        return this;
    }

    /**
     * @param count nodes kept when idle (0 or more)
     * @return this definition
     */
    public ComputeDefinition withMinNodes(int count) {
        this.minNodes = count;
        return this;
    }

    /**
     * @param count the most nodes (1 or more)
     * @return this definition
     */
    public ComputeDefinition withMaxNodes(int count) {
        this.maxNodes = count;
        return this;
    }

    /**
     * @param idle how long an idle node lives before it is released (whole seconds)
     * @return this definition
     */
    public ComputeDefinition withIdleTimeBeforeScaleDown(Duration idle) {
        this.idleTime = idle;
        return this;
    }

    /**
     * @param computeTier dedicated or low-priority
     * @return this definition
     */
    public ComputeDefinition withTier(ComputeTier computeTier) {
        this.tier = Objects.requireNonNull(computeTier, "computeTier");
        return this;
    }

    /**
     * @param progressListener told about the creation's progress
     * @return this definition
     */
    public ComputeDefinition withListener(ProgressListener progressListener) {
        this.listener = Objects.requireNonNull(progressListener, "progressListener");
        return this;
    }

    /**
     * @return the validated spec
     * @throws ValidationException for invalid input
     */
    public ComputeSpec toSpec() {
        if (unknownSizeName != null) {
            ComputeSize live = provider.computes().availableSizes(workspace).stream()
                    .filter(s -> s.isNamed(unknownSizeName)).findFirst()
                    .orElseThrow(() -> new ValidationException("compute size", unknownSizeName,
                            "use a size from the catalog or the provider's list, e.g. "
                                    + ComputeSize.currentSizes().stream().limit(3).map(ComputeSize::name)
                                            .collect(Collectors.joining(", "))));
            size = live;
            unknownSizeName = null;
        }
        return new ComputeSpec(name, size, minNodes, maxNodes, idleTime, tier);
    }

    /**
     * Starts creating the compute (or finds the existing one) without waiting.
     *
     * @return the operation
     * @throws ValidationException before any remote call, for invalid input
     */
    public LongRunningOperation<Compute> beginCreate() {
        return provider.computes().beginCreateOrGet(workspace, toSpec(), listener);
    }

    /**
     * Creates the compute, or returns the existing one, waiting up to 30 minutes.
     *
     * @return the compute
     * @throws ValidationException before any remote call, for invalid input
     */
    public Compute create() {
        return beginCreate().waitForCompletion(Computes.DEFAULT_TIMEOUT);
    }
}
