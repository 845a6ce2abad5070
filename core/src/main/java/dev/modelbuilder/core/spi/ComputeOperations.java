package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import java.util.List;

/** Compute operations of a provider. Every call names the workspace the compute belongs to. */
public interface ComputeOperations {

    /**
     * Creates the compute, or returns the existing one of that name (create-or-get). Providers check, before
     * creating anything, that the size can be had: first {@link #validate(ComputeSpec)} before any remote call, then
     * whatever needs the service (e.g. offered in the region, within quota).
     *
     * @param workspace the workspace
     * @param spec the validated spec
     * @param listener progress
     * @return the operation; its result is the compute
     * @throws dev.modelbuilder.core.exception.ValidationException for a retired or unavailable size
     * @throws dev.modelbuilder.core.exception.QuotaExceededException when the quota does not cover the size
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when the workspace does not exist
     */
    LongRunningOperation<Compute> beginCreateOrGet(String workspace, ComputeSpec spec, ProgressListener listener);

    /**
     * @param resumeToken a token from {@link LongRunningOperation#resumeToken()}
     * @return the operation again
     */
    LongRunningOperation<Compute> resumeCreateOrGet(String resumeToken);

    /**
     * @param workspace the workspace
     * @param name the compute name
     * @return the compute
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    Compute get(String workspace, String name);

    /**
     * @param workspace the workspace
     * @return its computes, lazily
     */
    PagedIterable<Compute> list(String workspace);

    /**
     * Changes the node range of a compute.
     *
     * @param workspace the workspace
     * @param name the compute name
     * @param minNodes the new minimum
     * @param maxNodes the new maximum
     * @return the operation; its result is the compute
     */
    LongRunningOperation<Compute> beginResize(String workspace, String name, int minNodes, int maxNodes);

    /**
     * Deletes the compute and its underlying resources; succeeds when it does not exist.
     *
     * @param workspace the workspace
     * @param name the compute name
     * @return the operation
     */
    LongRunningOperation<Deletion> beginDelete(String workspace, String name);

    /**
     * @param workspace the workspace (its region decides the sizes on Azure)
     * @return the sizes a compute of this workspace can use now
     */
    List<ComputeSize> availableSizes(String workspace);

    /**
     * The sizes this provider knows without asking a service, retired ones included, so that a size can be named
     * ({@code ComputeDefinition.withSize(String)}) and checked offline. Sizes outside it may still be usable: names
     * it does not hold are looked up in {@link #availableSizes(String)}.
     *
     * @return the provider's offline size catalog; empty (the default) when it has none
     */
    default List<ComputeSize> sizeCatalog() {
        return List.of();
    }

    /**
     * Checks a spec against the provider's own offline rules, before any remote call: e.g. the Azure provider
     * refuses a retired size, naming its replacements. {@code ComputeDefinition.toSpec()} calls it, and providers
     * call it again at the start of {@link #beginCreateOrGet}. The default checks nothing.
     *
     * @param spec a spec that passed core's own validation
     * @throws dev.modelbuilder.core.exception.ValidationException naming what the provider cannot use and what to
     *     use instead
     */
    default void validate(ComputeSpec spec) {
        // nothing beyond core's own rules
    }
}
