package dev.modelbuilder.core;

import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ModelBuilderProvider;

/**
 * The resources inside one workspace: its computes, experiments, runs and endpoints. Made by
 * {@link ModelBuilder#workspace(String)} without asking the provider; {@link #get()} looks the workspace up.
 */
public final class WorkspaceScope {
    private final ModelBuilderProvider provider;
    private final String name;
    private final ProgressListener listener;

    WorkspaceScope(ModelBuilderProvider provider, String name, ProgressListener listener) {
        this.provider = provider;
        this.name = name;
        this.listener = listener;
    }

    /** @return the workspace name */
    public String name() {
        return name;
    }

    /**
     * @return the workspace, asked of the provider
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when it does not exist
     */
    public Workspace get() {
        return provider.workspaces().get(name);
    }

    /** @return the workspace's computes */
    public Computes computes() {
        return new Computes(provider, name, listener);
    }

    /** @return the workspace's experiments */
    public Experiments experiments() {
        return new Experiments(provider, name);
    }

    /** @return the workspace's training runs */
    public Runs runs() {
        return new Runs(provider, name, listener);
    }

    /** @return the workspace's endpoints (models served over HTTP(S)) */
    public Endpoints endpoints() {
        return new Endpoints(provider, name, listener);
    }
}
