package dev.modelbuilder.azure;

import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.EndpointOperations;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import java.util.List;
import java.util.concurrent.ExecutorService;

/**
 * The Azure Machine Learning provider: workspaces, AmlCompute clusters, experiments, AutoML image-classification
 * runs and managed online endpoints in one subscription and resource group, over the Azure Resource Manager REST API (api-version
 * 2024-04-01). Build it with {@link #builder()}; use it through
 * {@link dev.modelbuilder.core.ModelBuilder#using(ModelBuilderProvider)}; give its runs
 * {@link AzureTrainingOptions} for the model, trials and AutoML settings.
 *
 * <pre>{@code
 * AzureMlProvider azure = AzureMlProvider.builder()
 *         .withCredential(new DefaultAzureCredentialBuilder().build())
 *         .withSubscriptionId("00000000-0000-0000-0000-000000000000")
 *         .withResourceGroup("ml-rg")
 *         .build();
 * try (ModelBuilder mb = ModelBuilder.using(azure)) {
 *     mb.workspaces().define("vision-ws").withRegion("eastus").create();
 * }
 * }</pre>
 *
 * <p>Thread-safe. {@link #close()} stops the provider's upload and token threads; jobs running in Azure go on.
 */
public final class AzureMlProvider implements ModelBuilderProvider {
    /** What {@link #name()} returns, and {@link AzureTrainingOptions#provider()}. */
    static final String NAME = "azure";

    private final ArmClient arm;
    private final AzureWorkspaces workspaces;
    private final AzureComputes computes;
    private final AzureExperiments experiments;
    private final AzureRuns runs;
    private final AzureEndpoints endpoints;
    private final HttpStats stats;
    private final List<ExecutorService> executors;

    AzureMlProvider(ArmClient arm, AzureWorkspaces workspaces, AzureComputes computes, AzureExperiments experiments,
            AzureRuns runs, AzureEndpoints endpoints, HttpStats stats, List<ExecutorService> executors) {
        this.arm = arm;
        this.workspaces = workspaces;
        this.computes = computes;
        this.experiments = experiments;
        this.runs = runs;
        this.endpoints = endpoints;
        this.stats = stats;
        this.executors = executors;
    }

    /**
     * @return a builder; {@code withCredential}, {@code withSubscriptionId} and {@code withResourceGroup} are
     *     required (the last two may come from settings, see {@link AzureMlProviderBuilder})
     */
    public static AzureMlProviderBuilder builder() {
        return new AzureMlProviderBuilder();
    }

    /** @return {@code azure} */
    @Override
    public String name() {
        return NAME;
    }

    /** @return the subscription this provider works in */
    public String subscriptionId() {
        return arm.subscriptionId();
    }

    /** @return the resource group this provider works in */
    public String resourceGroup() {
        return arm.resourceGroup();
    }

    /** @return the Resource Manager endpoint, e.g. {@code https://management.azure.com} */
    public String endpoint() {
        return arm.endpoint();
    }

    @Override
    public WorkspaceOperations workspaces() {
        return workspaces;
    }

    @Override
    public ComputeOperations computes() {
        return computes;
    }

    @Override
    public ExperimentOperations experiments() {
        return experiments;
    }

    @Override
    public RunOperations runs() {
        return runs;
    }

    /**
     * Managed online endpoints: the model behind an HTTPS endpoint, served by the SDK's own server in a container that
     * Azure Machine Learning builds; give them {@link AzureEndpointOptions} for the deployment's name, an image of
     * one's own or the server's jars. Instance types come from {@link AzureOnlineSkus}.
     *
     * @return endpoint operations
     */
    @Override
    public EndpointOperations endpoints() {
        return endpoints;
    }

    /**
     * The VM sizes AmlCompute offers in a region ({@code locations/{region}/vmSizes}), without a workspace:
     * {@link AzureVmSizes} entries where the catalog knows the size, else the figures Azure reports.
     *
     * @param region an Azure region, e.g. {@code eastus}
     * @return the sizes
     * @throws dev.modelbuilder.core.exception.ModelBuilderException when Azure cannot be asked
     */
    public List<ComputeSize> availableSizes(String region) {
        return computes.sizesIn(region);
    }

    /** @return request counters, for tests and diagnostics */
    HttpStats stats() {
        return stats;
    }

    @Override
    public void close() {
        executors.forEach(ExecutorService::shutdownNow);
    }

    @Override
    public String toString() {
        return "AzureMlProvider[subscription " + arm.subscriptionId() + ", resource group " + arm.resourceGroup()
                + ", " + arm.endpoint() + "]";
    }
}
