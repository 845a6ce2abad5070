package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.time.Duration;

/** Workspace management: define (create-or-get), get, list, delete. */
public final class Workspaces {
    /** How long blocking calls wait for a workspace operation. */
    static final Duration DEFAULT_TIMEOUT = Duration.ofMinutes(30);

    private final ModelBuilderProvider provider;
    private final ProgressListener listener;

    Workspaces(ModelBuilderProvider provider, ProgressListener listener) {
        this.provider = provider;
        this.listener = listener;
    }

    /**
     * @param name 3-33 letters, digits or hyphens, starting with a letter or digit
     * @return a definition to complete with region and resource group where the provider needs them
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid name
     */
    public WorkspaceDefinition define(String name) {
        return new WorkspaceDefinition(provider, Rules.requireWorkspaceName(name), listener);
    }

    /**
     * @param name the workspace name
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
     * Deletes a workspace with everything in it, and waits up to 30 minutes; succeeds when it does not exist.
     *
     * @param name the workspace name
     * @return whether there was one to delete
     */
    public Deletion delete(String name) {
        return beginDelete(name).waitForCompletion(DEFAULT_TIMEOUT);
    }

    /**
     * @param name the workspace name
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String name) {
        return provider.workspaces().beginDelete(Rules.requireWorkspaceName(name));
    }

    /**
     * Deletes a workspace, and with {@code purge} removes it for good where the provider would keep it (Azure keeps
     * a deleted workspace soft-deleted for 14 days, its name taken; a purge cannot be undone), and waits up to 30
     * minutes.
     *
     * @param name the workspace name
     * @param purge whether to purge it, a soft-deleted one included
     * @return whether there was one to delete
     */
    public Deletion delete(String name, boolean purge) {
        return provider.workspaces().beginDelete(Rules.requireWorkspaceName(name), purge)
                .waitForCompletion(DEFAULT_TIMEOUT);
    }

    /**
     * @param resumeToken a token from an earlier create operation
     * @return the operation again
     */
    public LongRunningOperation<Workspace> resumeCreate(String resumeToken) {
        return provider.workspaces().resumeCreateOrGet(resumeToken);
    }
}
