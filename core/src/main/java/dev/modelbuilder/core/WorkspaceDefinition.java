package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.spi.PollingOperation;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
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
     * Starts creating the workspace (or finds the existing one) without waiting. A name that only an existing
     * workspace may have (one with an underscore, which Azure allows and the SDK does not create) is looked up: the
     * workspace is returned when it exists, else the stricter rule for new names is reported.
     *
     * @return the operation
     * @throws dev.modelbuilder.core.exception.ValidationException for invalid input, before any remote call except
     *     that lookup
     */
    public LongRunningOperation<Workspace> beginCreate() {
        List<ValidationException.Violation> forNew = Rules.workspaceName(name);
        if (!forNew.isEmpty()) {
            toSpecOfExisting();
            Workspace existing;
            try {
                existing = provider.workspaces().get(name);
            } catch (ResourceNotFoundException e) {
                List<ValidationException.Violation> problems = new ArrayList<>();
                for (ValidationException.Violation v : forNew) {
                    problems.add(new ValidationException.Violation(v.field(), v.value(), v.rule() + " (there is no "
                            + "workspace '" + name + "' to use, and the SDK creates workspaces only with such names)"));
                }
                throw new ValidationException(problems);
            }
            return PollingOperation.completed("create workspace '" + name + "'", existing, "");
        }
        return provider.workspaces().beginCreateOrGet(toSpec(), listener);
    }

    /** Checks region and resource group as {@link #toSpec()} would, for a name only an existing workspace has. */
    private void toSpecOfExisting() {
        List<ValidationException.Violation> problems = new ArrayList<>();
        if (region != null) {
            problems.addAll(Rules.region(region));
        }
        if (resourceGroup != null) {
            problems.addAll(Rules.resourceGroup(resourceGroup));
        }
        Rules.throwIfAny(problems);
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
