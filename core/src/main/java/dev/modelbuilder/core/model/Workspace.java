package dev.modelbuilder.core.model;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * A snapshot of a workspace as the provider last reported it. Get a fresh one from the provider.
 *
 * @param name the workspace name
 * @param region its region ({@code local} for the local provider)
 * @param resourceGroup its resource group, or {@code null} where the provider has none
 * @param id the provider's identifier (an ARM id on Azure, a folder on the local provider)
 * @param provisioningState e.g. {@code Succeeded}, {@code Creating}
 * @param portalUrl where to open it in a browser, or {@code null}
 * @param tags its tags
 */
public record Workspace(String name, String region, String resourceGroup, String id, String provisioningState,
        String portalUrl, Map<String, String> tags) {

    /** Copies the tags and checks the required fields. */
    public Workspace {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(id, "id");
        tags = Map.copyOf(Objects.requireNonNullElse(tags, Map.of()));
    }

    /** @return the portal link, when the provider has a portal */
    public Optional<String> portalLink() {
        return Optional.ofNullable(portalUrl);
    }
}
