package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;

/** Workspace operations of a provider. */
public interface WorkspaceOperations {

    /**
     * Creates the workspace, or returns the existing one of that name (create-or-get).
     *
     * @param spec the validated spec
     * @param listener progress
     * @return the operation; its result is the workspace
     * @throws dev.modelbuilder.core.exception.ValidationException when the provider needs a value the spec lacks
     * @throws dev.modelbuilder.core.exception.ResourceExistsException when a workspace of that name exists in
     *     another region or resource group
     */
    LongRunningOperation<Workspace> beginCreateOrGet(WorkspaceSpec spec, ProgressListener listener);

    /**
     * @param resumeToken a token from {@link LongRunningOperation#resumeToken()}
     * @return the operation again
     * @throws dev.modelbuilder.core.exception.ValidationException for a token this provider did not issue
     */
    LongRunningOperation<Workspace> resumeCreateOrGet(String resumeToken);

    /**
     * @param name the workspace name
     * @return the workspace
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    Workspace get(String name);

    /** @return the workspaces, lazily */
    PagedIterable<Workspace> list();

    /**
     * Deletes the workspace with what it holds; succeeds when it does not exist.
     *
     * @param name the workspace name
     * @return the operation
     */
    LongRunningOperation<Deletion> beginDelete(String name);

    /**
     * Deletes the workspace, purging it when asked: a provider that keeps deleted workspaces for a while (Azure
     * keeps them soft-deleted for 14 days, their names taken) removes it for good, which cannot be undone. Providers
     * without such a retention delete as {@link #beginDelete(String)} does.
     *
     * @param name the workspace name
     * @param purge whether to remove it for good, a soft-deleted one included
     * @return the operation
     */
    default LongRunningOperation<Deletion> beginDelete(String name, boolean purge) {
        return beginDelete(name);
    }
}
