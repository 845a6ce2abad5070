package dev.modelbuilder.core;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ModelBuilderProvider;

/**
 * The workspaces of a provider: {@code define(name)...create()} (create-or-get), {@code get}, {@code list},
 * {@code delete}/{@code beginDelete}, {@code resume}. Blocking calls wait up to 30 minutes; the {@code begin...} forms
 * return the operation to wait on yourself.
 */
public final class Workspaces {
    private final ModelBuilderProvider provider;
    private final ProgressListener listener;

    Workspaces(ModelBuilderProvider provider, ProgressListener listener) {
        this.provider = provider;
        this.listener = listener;
    }

    /**
     * @param name 3-33 letters, digits or hyphens, starting with a letter or digit; the name of an existing workspace
     *     may also hold underscores, as Azure allows (create-or-get then returns it, and refuses to create a new one)
     * @return a definition to complete with region and resource group where the provider needs them
     * @throws dev.modelbuilder.core.exception.ValidationException for a name no workspace can have
     */
    public WorkspaceDefinition define(String name) {
        if (!Rules.existingWorkspaceName(name).isEmpty()) {
            Rules.throwIfAny(Rules.workspaceName(name));
        }
        return new WorkspaceDefinition(provider, name, listener);
    }

    /**
     * @param name the workspace name (Azure's rule: letters, digits, underscores or hyphens)
     * @return the workspace
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    public Workspace get(String name) {
        return provider.workspaces().get(Rules.requireWorkspaceName(name));
    }

    /** @return the workspaces, lazily */
    public PagedIterable<Workspace> list() {
        return provider.workspaces().list();
    }

    /**
     * Deletes a workspace with everything in it and waits up to 30 minutes; succeeds when it does not exist.
     *
     * @param name the workspace name
     * @return whether there was one to delete
     */
    public Deletion delete(String name) {
        return beginDelete(name).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param name the workspace name
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String name) {
        return provider.workspaces().beginDelete(Rules.requireWorkspaceName(name));
    }

    /**
     * Deletes a workspace and, with {@code purge}, removes it for good where the provider would keep it (Azure keeps a
     * deleted workspace soft-deleted for 14 days, its name taken; a purge cannot be undone); waits up to 30 minutes.
     * Workspaces are the only resource with this choice, since only they are kept after deletion.
     *
     * @param name the workspace name
     * @param purge whether to purge it, a soft-deleted one included
     * @return whether there was one to delete
     */
    public Deletion delete(String name, boolean purge) {
        return beginDelete(name, purge).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param name the workspace name
     * @param purge whether to purge it, a soft-deleted one included
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String name, boolean purge) {
        return provider.workspaces().beginDelete(Rules.requireWorkspaceName(name), purge);
    }

    /**
     * @param resumeToken the token of an earlier create operation ({@link LongRunningOperation#resumeToken()})
     * @return the operation again
     * @throws dev.modelbuilder.core.exception.ValidationException for a token this provider did not issue
     */
    public LongRunningOperation<Workspace> resume(String resumeToken) {
        return provider.workspaces().resumeCreateOrGet(resumeToken);
    }
}
