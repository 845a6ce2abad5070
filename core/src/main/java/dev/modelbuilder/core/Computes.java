package dev.modelbuilder.core;

import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.util.List;

/**
 * A workspace's computes: {@code define(name)...create()} (create-or-get), {@code get}, {@code list},
 * {@code resize}/{@code beginResize}, {@code delete}/{@code beginDelete}, {@code resume}, and the sizes they can use.
 * Blocking calls wait up to 30 minutes.
 */
public final class Computes {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final ProgressListener listener;

    Computes(ModelBuilderProvider provider, String workspace, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.listener = listener;
    }

    /**
     * @param name 2-16 letters, digits or hyphens, starting with a letter
     * @return a definition to complete with a size and node range
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid name
     */
    public ComputeDefinition define(String name) {
        return new ComputeDefinition(provider, workspace, Rules.requireComputeName(name), listener);
    }

    /**
     * @param name the compute name
     * @return the compute
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    public Compute get(String name) {
        return provider.computes().get(workspace, Rules.requireComputeName(name));
    }

    /** @return the computes, lazily */
    public PagedIterable<Compute> list() {
        return provider.computes().list(workspace);
    }

    /**
     * Changes a compute's node range and waits up to 30 minutes.
     *
     * @param name the compute name
     * @param minNodes the new minimum (0 or more)
     * @param maxNodes the new maximum (1 or more, at least the minimum)
     * @return the compute
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid range
     */
    public Compute resize(String name, int minNodes, int maxNodes) {
        return beginResize(name, minNodes, maxNodes).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param name the compute name
     * @param minNodes the new minimum (0 or more)
     * @param maxNodes the new maximum (1 or more, at least the minimum)
     * @return the resize operation
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid range
     */
    public LongRunningOperation<Compute> beginResize(String name, int minNodes, int maxNodes) {
        Rules.requireComputeName(name);
        Rules.requireNodeRange(minNodes, maxNodes);
        return provider.computes().beginResize(workspace, name, minNodes, maxNodes);
    }

    /**
     * Deletes a compute and its nodes and waits up to 30 minutes; succeeds when it does not exist.
     *
     * @param name the compute name
     * @return whether there was one to delete
     */
    public Deletion delete(String name) {
        return beginDelete(name).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param name the compute name
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String name) {
        return provider.computes().beginDelete(workspace, Rules.requireComputeName(name));
    }

    /**
     * @param resumeToken the token of an earlier create operation
     * @return the operation again
     */
    public LongRunningOperation<Compute> resume(String resumeToken) {
        return provider.computes().resumeCreateOrGet(resumeToken);
    }

    /** @return the sizes this workspace's computes can use now, asked of the provider */
    public List<ComputeSize> availableSizes() {
        return provider.computes().availableSizes(workspace);
    }
}
