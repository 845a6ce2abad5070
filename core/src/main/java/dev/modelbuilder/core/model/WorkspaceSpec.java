package dev.modelbuilder.core.model;

import java.util.Map;
import java.util.Objects;

/**
 * What to create: a workspace's name and, where the provider needs them, its region and resource group.
 * Validated on construction; the local provider ignores region and resource group.
 *
 * @param name 3-33 letters, digits or hyphens, starting with a letter or digit
 * @param region an Azure region such as {@code eastus}, or {@code null} to leave it to the provider
 * @param resourceGroup 1-90 characters (letters, digits, {@code _ - . ( )}, not ending in {@code .}), or {@code null}
 * @param description free text, or {@code null}
 * @param tags name/value tags (copied)
 */
public record WorkspaceSpec(String name, String region, String resourceGroup, String description,
        Map<String, String> tags) {

    /** @throws dev.modelbuilder.core.exception.ValidationException listing every broken rule */
    public WorkspaceSpec {
        Rules.Collector c = new Rules.Collector().add(Rules.workspaceName(name));
        if (region != null) {
            c.add(Rules.region(region));
        }
        if (resourceGroup != null) {
            c.add(Rules.resourceGroup(resourceGroup));
        }
        c.throwIfAny();
        tags = Map.copyOf(Objects.requireNonNullElse(tags, Map.of()));
    }

    /**
     * @param name the workspace name
     * @return a spec with only a name
     */
    public static WorkspaceSpec named(String name) {
        return new WorkspaceSpec(name, null, null, null, Map.of());
    }
}
