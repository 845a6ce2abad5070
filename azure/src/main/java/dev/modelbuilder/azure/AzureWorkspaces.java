package dev.modelbuilder.azure;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Workspaces in the provider's resource group: create-or-get by template deployment, get, list, delete. */
final class AzureWorkspaces implements WorkspaceOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AzureWorkspaces.class);
    private static final String TOKEN_PREFIX = "azure:workspace:";

    private final ArmClient arm;
    private final ProviderParameters settings;
    private final String defaultRegion;

    AzureWorkspaces(ArmClient arm, ProviderParameters settings, String defaultRegion) {
        this.arm = arm;
        this.settings = settings;
        this.defaultRegion = defaultRegion;
    }

    @Override
    public LongRunningOperation<Workspace> beginCreateOrGet(WorkspaceSpec spec, ProgressListener listener) {
        String name = spec.name();
        if (spec.resourceGroup() != null && !spec.resourceGroup().equalsIgnoreCase(arm.resourceGroup())) {
            throw new ValidationException("resource group", spec.resourceGroup(), "this Azure provider works in "
                    + "resource group '" + arm.resourceGroup() + "'; build another provider for another group");
        }
        String region = spec.region() != null ? spec.region() : defaultRegion;
        String description = "create workspace '" + name + "'";
        ArmResponse existing = arm.send(HttpMethod.GET, arm.url(arm.workspacePath(name)), null);
        if (existing.isSuccess()) {
            JsonNode ws = existing.json();
            String location = Json.text(ws, "/location");
            if (region != null && location != null && !normalRegion(location).equals(normalRegion(region))) {
                throw new ResourceExistsException("workspace", name, "it is in region " + location + ", not "
                        + region);
            }
            String state = Json.text(ws, "/properties/provisioningState");
            if (state == null || state.equalsIgnoreCase("Succeeded")) {
                return PollingOperation.completed(description, toWorkspace(ws), TOKEN_PREFIX + name + ":");
            }
            if (!state.equalsIgnoreCase("Failed") && !state.equalsIgnoreCase("Canceled")) {
                LOG.info("workspace '{}' exists and is {}; waiting for it", name, state);
                return ArmOperation.byState(arm, settings, description, arm.url(arm.workspacePath(name)),
                        () -> get(name), TOKEN_PREFIX + name + ":", listener);
            }
            LOG.info("workspace '{}' exists but is {}; deploying it again", name, state);
            if (region == null) {
                region = location;
            }
        } else if (existing.status() != 404) {
            ArmClient.check(existing, "get workspace '" + name + "'", "workspace", name);
        }
        if (region == null) {
            throw new ValidationException("region", null, "name the Azure region for the new workspace, e.g. eastus");
        }
        Map<String, String> tags = new LinkedHashMap<>(spec.tags());
        String deployment = Names.workspaceDeployment(name);
        String deploymentUrl = arm.urlWithVersion(arm.resourceGroupPath()
                + "/providers/Microsoft.Resources/deployments/" + ArmClient.enc(deployment),
                ArmClient.RESOURCES_API_VERSION);
        String generation = generation(deploymentUrl);
        LOG.info("creating workspace '{}' in {} with storage, key vault and application insights (deployment {})",
                name, region, deployment);
        ArmResponse r = arm.send(HttpMethod.PUT, deploymentUrl,
                WorkspaceTemplate.deployment(arm, name, region, spec.description(), tags, generation));
        if (r.status() == 404) {
            throw new ResourceNotFoundException("resource group", arm.resourceGroup(), "create it first, e.g. "
                    + "az group create --name " + arm.resourceGroup() + " --location " + region + " ("
                    + ArmErrors.details(r).describe() + ")");
        }
        if (!r.isSuccess()) {
            ResourceExistsException softDeleted = softDeleted(name, ArmErrors.details(r));
            if (softDeleted != null) {
                throw softDeleted;
            }
        }
        ArmClient.check(r, description, "workspace", name);
        return ArmOperation.start(arm, settings, description, r, deploymentUrl, () -> get(name),
                TOKEN_PREFIX + name + ":" + deployment, listener).withFailure(d -> softDeleted(name, d));
    }

    /**
     * Names both ways out of a soft-deleted workspace that blocks its name. Azure accepts the template deployment and
     * fails it later, the reason nested two levels down (DeploymentFailed, ResourceDeploymentFailure, BadRequest
     * "Soft-deleted workspace exists. Please purge or recover it": Azure/ResourceModules#3596,
     * Azure/CanadaPubSecALZ#380), which {@link ArmErrors#details} reads. Resource Manager does not find a workspace
     * once it is soft-deleted (a GET answers 404, and so does azure-ai-ml's delete, which gets it first:
     * Azure/azure-cli#33756); Learn's "Workspace soft deletion" names the portal's "Recently deleted" view to recover
     * or permanently delete it.
     *
     * @param name the workspace
     * @param said what the service said
     * @return the error, or {@code null} when the failure is another one
     */
    static ResourceExistsException softDeleted(String name, ServiceErrorDetails said) {
        String message = said.message();
        if (message == null || !message.toLowerCase(Locale.ROOT).matches("(?s).*soft[- ]deleted workspace.*")) {
            return null;
        }
        return new ResourceExistsException("workspace", name, "a workspace of that name was deleted and is kept "
                + "soft-deleted (for up to 14 days), which keeps its name taken. Recover it or permanently delete it "
                + "in the Azure portal: Azure Machine Learning, Recently deleted, select '" + name + "', then Recover "
                + "or Permanently delete (permanent deletion cannot be undone). Resource Manager no longer finds a "
                + "soft-deleted workspace, so a purge through the API (workspaces().delete(name, true), modelbuilder "
                + "workspace delete --purge) cannot reach it; otherwise wait until its retention period ends, or "
                + "choose another name (" + said.describe() + ")");
    }

    /**
     * The generation suffix of the resource names: the one kept in the workspace's deployment while that
     * deployment has not succeeded (a retry, or a failed attempt deployed again: same resources), else a new one (a
     * first create, or a create after the workspace was deleted: its key vault may be soft-deleted, its name taken).
     */
    private String generation(String deploymentUrl) {
        ArmResponse d = arm.send(HttpMethod.GET, deploymentUrl, null);
        if (d.isSuccess()) {
            String state = Json.text(d.json(), "/properties/provisioningState");
            if (state == null || !state.equalsIgnoreCase("Succeeded")) {
                String kept = Json.text(d.json(), "/tags/" + WorkspaceTemplate.GENERATION_TAG);
                return kept == null ? "" : kept;
            }
        } else if (d.status() != 404) {
            ArmClient.check(d, "get the workspace deployment", "deployment", deploymentUrl);
        }
        return Names.newGeneration();
    }

    @Override
    public LongRunningOperation<Workspace> resumeCreateOrGet(String resumeToken) {
        if (resumeToken == null || !resumeToken.startsWith(TOKEN_PREFIX)) {
            throw new ValidationException("resume token", resumeToken, "use a token from a workspace create operation "
                    + "of the Azure provider");
        }
        String[] parts = resumeToken.substring(TOKEN_PREFIX.length()).split(":", 2);
        String name = parts[0];
        String deployment = parts.length > 1 ? parts[1] : "";
        String description = "create workspace '" + name + "'";
        if (deployment.isEmpty()) {
            return ArmOperation.byState(arm, settings, description, arm.url(arm.workspacePath(name)), () -> get(name),
                    resumeToken, ProgressListener.none());
        }
        String url = arm.urlWithVersion(arm.resourceGroupPath() + "/providers/Microsoft.Resources/deployments/"
                + ArmClient.enc(deployment), ArmClient.RESOURCES_API_VERSION);
        return ArmOperation.byState(arm, settings, description, url, () -> get(name), resumeToken,
                ProgressListener.none()).withFailure(d -> softDeleted(name, d));
    }

    @Override
    public Workspace get(String name) {
        ArmResponse r = arm.send(HttpMethod.GET, arm.url(arm.workspacePath(name)), null);
        ArmClient.check(r, "get workspace '" + name + "'", "workspace", name);
        return toWorkspace(r.json());
    }

    /**
     * @param name a workspace name
     * @return the workspace's full ARM representation
     */
    JsonNode getJson(String name) {
        ArmResponse r = arm.send(HttpMethod.GET, arm.url(arm.workspacePath(name)), null);
        return ArmClient.check(r, "get workspace '" + name + "'", "workspace", name).json();
    }

    @Override
    public PagedIterable<Workspace> list() {
        String url = arm.url(arm.resourceGroupPath() + "/providers/" + ArmClient.PROVIDER + "/workspaces");
        return Paging.list(arm, url, "list workspaces", "resource group", arm.resourceGroup(), this::toWorkspace);
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String name) {
        return beginDelete(name, false);
    }

    /**
     * Deletes the workspace. Azure keeps a deleted workspace soft-deleted for 14 days, its name taken, unless
     * {@code forceToPurge=true} deletes it for good. A workspace that is soft-deleted already is not found by Resource
     * Manager: the DELETE is still sent with {@code forceToPurge} when {@code purge} is asked (whether it reaches a
     * soft-deleted workspace is not documented), and the result says no workspace existed; Learn names the portal's
     * "Recently deleted" view for those. Dependent resources (storage, key vault, Application Insights) stay, as with
     * {@code az ml workspace delete}.
     */
    @Override
    public LongRunningOperation<Deletion> beginDelete(String name, boolean purge) {
        String description = (purge ? "purge" : "delete") + " workspace '" + name + "'";
        ArmResponse existing = arm.send(HttpMethod.GET, arm.url(arm.workspacePath(name)), null);
        if (existing.status() == 404 && !purge) {
            return PollingOperation.completed(description, new Deletion("workspace", name, false), "");
        }
        if (existing.status() != 404) {
            ArmClient.check(existing, "get workspace '" + name + "'", "workspace", name);
        }
        ArmResponse r = arm.send(HttpMethod.DELETE, arm.url(arm.workspacePath(name), "forceToPurge",
                String.valueOf(purge)), null);
        if (existing.status() == 404) {
            ArmClient.check(r, description, "workspace", name);
            LOG.info("Resource Manager knows no workspace '{}' to purge; if a soft-deleted workspace of that name "
                    + "blocks it, recover or permanently delete it in the Azure portal (Azure Machine Learning, "
                    + "Recently deleted)", name);
            return PollingOperation.completed(description, new Deletion("workspace", name, false), "");
        }
        if (r.status() == 404 || r.status() == 204) {
            return PollingOperation.completed(description, new Deletion("workspace", name, true), "");
        }
        ArmClient.check(r, description, "workspace", name);
        Deletion done = new Deletion("workspace", name, true);
        return ArmOperation.start(arm, settings, description, r, null, () -> done, "", ProgressListener.none());
    }

    Workspace toWorkspace(JsonNode w) {
        String id = Json.text(w, "/id");
        Map<String, String> tags = new LinkedHashMap<>();
        w.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        return new Workspace(Json.text(w, "/name"), Json.text(w, "/location"), arm.resourceGroup(), id,
                Json.text(w, "/properties/provisioningState"), studioLink(id), tags);
    }

    private String studioLink(String id) {
        if (id == null || !arm.endpoint().toLowerCase(Locale.ROOT).equals("https://management.azure.com")) {
            return null;
        }
        return arm.withTenant("https://ml.azure.com/?wsid=" + id);
    }

    static String normalRegion(String region) {
        return region.toLowerCase(Locale.ROOT).replace(" ", "");
    }
}
