package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/** A workspace being defined. {@link #create()} validates everything, then creates it or returns the existing one. */
public final class WorkspaceDefinition {
    private final ModelBuilderProvider provider;
    private final String name;
    private ProgressListener listener;
    private String region;
    private String resourceGroup;
    private String description;
    private final Map<String, String> tags = new LinkedHashMap<>();

    WorkspaceDefinition(ModelBuilderProvider provider, String name, ProgressListener listener) {
        this.provider = provider;
        this.name = name;
        this.listener = listener;
    }

    /**
     * @param regionName an Azure region, e.g. {@code eastus}
     * @return this definition
     */
    public WorkspaceDefinition withRegion(String regionName) {
        this.region = regionName;
        return this;
    }

    /**
     * @param resourceGroupName the resource group to create it in (it must exist)
     * @return this definition
     */
    public WorkspaceDefinition withResourceGroup(String resourceGroupName) {
        this.resourceGroup = resourceGroupName;
        return this;
    }

    /**
     * @param text a description
     * @return this definition
     */
    public WorkspaceDefinition withDescription(String text) {
        this.description = text;
        return this;
    }

    /**
     * @param key a tag name
     * @param value its value
     * @return this definition
     */
    public WorkspaceDefinition withTag(String key, String value) {
        tags.put(Objects.requireNonNull(key, "key"), Objects.requireNonNull(value, "value"));
        return this;
    }

    /**
     * @param progressListener told about the creation's progress
     * @return this definition
     */
    public WorkspaceDefinition withListener(ProgressListener progressListener) {
        this.listener = Objects.requireNonNull(progressListener, "progressListener");
        return this;
    }

    /** @return the validated spec this definition describes */
    public WorkspaceSpec toSpec() {
        return new WorkspaceSpec(name, region, resourceGroup, description, tags);
    }

    /**
     * Starts creating the workspace (or finds the existing one) without waiting.
     *
     * @return the operation
     * @throws dev.modelbuilder.core.exception.ValidationException before any remote call, for invalid input
     */
    public LongRunningOperation<Workspace> beginCreate() {
        return provider.workspaces().beginCreateOrGet(toSpec(), listener);
    }

    /**
     * Creates the workspace, or returns the existing one, waiting up to 30 minutes.
     *
     * @return the workspace
     * @throws dev.modelbuilder.core.exception.ValidationException before any remote call, for invalid input
     */
    public Workspace create() {
        return beginCreate().waitForCompletion(Waits.RESOURCE);
    }
}
