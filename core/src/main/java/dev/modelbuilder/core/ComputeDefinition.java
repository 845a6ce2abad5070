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
import java.util.List;
import java.util.Objects;
import java.util.Optional;
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
    private String sizeName;
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
     * @param computeSize a size of the provider, e.g. {@code AzureVmSizes.STANDARD_NC4AS_T4_V3} on Azure, or one
     *     from {@link Computes#availableSizes()}
     * @return this definition
     */
    public ComputeDefinition withSize(ComputeSize computeSize) {
        this.size = Objects.requireNonNull(computeSize, "computeSize");
        this.sizeName = null;
        return this;
    }

    /**
     * Names the size; {@link #toSpec()} resolves the name (any letter case) in the provider's offline catalog
     * ({@code ComputeOperations.sizeCatalog()}), else in its live list ({@link Computes#availableSizes()}).
     *
     * @param name a size name, e.g. {@code Standard_NC4as_T4_v3} on Azure or {@code local-cpu} locally
     * @return this definition
     */
    public ComputeDefinition withSize(String name) {
        this.size = null;
        this.sizeName = name;
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
     * Resolves a size given by name, checks the rules every provider shares, then the provider's own offline rules
     * ({@code ComputeOperations.validate}, e.g. Azure refuses a retired size). Only a size name the provider's
     * offline catalog lacks makes a remote call (the live size list).
     *
     * @return the validated spec
     * @throws ValidationException for invalid input, or a size the provider does not know or cannot use
     */
    public ComputeSpec toSpec() {
        if (sizeName != null) {
            size = resolve(sizeName);
            sizeName = null;
        }
        ComputeSpec spec = new ComputeSpec(name, size, minNodes, maxNodes, idleTime, tier);
        provider.computes().validate(spec);
        return spec;
    }

    private ComputeSize resolve(String wanted) {
        List<ComputeSize> catalog = provider.computes().sizeCatalog();
        Optional<ComputeSize> known = catalog.stream().filter(s -> s.isNamed(wanted)).findFirst();
        if (known.isPresent()) {
            return known.get();
        }
        List<ComputeSize> live = provider.computes().availableSizes(workspace);
        return live.stream().filter(s -> s.isNamed(wanted)).findFirst()
                .orElseThrow(() -> new ValidationException("compute size", wanted, unknownSizeAdvice(catalog, live)));
    }

    private String unknownSizeAdvice(List<ComputeSize> catalog, List<ComputeSize> live) {
        List<ComputeSize> offered = catalog.stream().anyMatch(s -> !s.isRetired()) ? catalog : live;
        String examples = offered.stream().filter(s -> !s.isRetired()).limit(3).map(ComputeSize::name)
                .collect(Collectors.joining(", "));
        String where = "provider '" + provider.name() + "' does not offer it";
        return examples.isEmpty() ? where + " and lists no sizes for workspace '" + workspace + "'"
                : where + "; use one of its sizes, e.g. " + examples + " (Computes.availableSizes() lists them)";
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
        return beginCreate().waitForCompletion(Waits.RESOURCE);
    }
}
