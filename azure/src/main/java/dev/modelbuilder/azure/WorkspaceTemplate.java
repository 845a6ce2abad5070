package dev.modelbuilder.azure;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * The ARM template that creates a workspace with the resources it requires, in one deployment
 * ({@code Microsoft.Resources/deployments}), the way azure-ai-ml and the Azure CLI do: a storage account, a key
 * vault, a Log Analytics workspace with an Application Insights component on it, then the workspace
 * ({@code Microsoft.MachineLearningServices/workspaces}, api-version 2024-04-01). No container registry: Azure
 * Machine Learning creates one on first need, and AutoML image jobs run on curated environments.
 *
 * <p>All names are derived from subscription, resource group, workspace name and a generation suffix kept in the
 * deployment ({@link Names}), so deploying again (a retry, or create-or-get after a failed attempt) updates the same
 * resources in incremental mode instead of creating others, and a workspace created again after a delete gets a new
 * key vault name (the old vault may be soft-deleted, its name taken).
 */
final class WorkspaceTemplate {
    /** The deployment tag that keeps the generation suffix of the resource names. */
    static final String GENERATION_TAG = "modelbuilder.generation";

    private WorkspaceTemplate() {
    }

    /**
     * @param arm the client (subscription and resource group)
     * @param name the workspace name
     * @param region the region
     * @param description the description, or {@code null}
     * @param tags the tags
     * @param generation the names' generation suffix, kept as the deployment's tag {@value #GENERATION_TAG}
     * @return the deployment's PUT body
     */
    static ObjectNode deployment(ArmClient arm, String name, String region, String description,
            Map<String, String> tags, String generation) {
        String sub = arm.subscriptionId();
        String rg = arm.resourceGroup();
        String storage = Names.storageAccount(sub, rg, name, generation);
        String vault = Names.keyVault(sub, rg, name, generation);
        String logs = Names.logAnalytics(name, generation);
        String insights = Names.applicationInsights(name, generation);
        String base = "/subscriptions/" + sub + "/resourceGroups/" + rg + "/providers/";
        String storageId = base + "Microsoft.Storage/storageAccounts/" + storage;
        String vaultId = base + "Microsoft.KeyVault/vaults/" + vault;
        String logsId = base + "Microsoft.OperationalInsights/workspaces/" + logs;
        String insightsId = base + "Microsoft.Insights/components/" + insights;

        ObjectNode template = Json.object();
        template.put("$schema", "https://schema.management.azure.com/schemas/2019-04-01/deploymentTemplate.json#");
        template.put("contentVersion", "1.0.0.0");
        ArrayNode resources = template.putArray("resources");

        ObjectNode st = resource(resources, "Microsoft.Storage/storageAccounts", "2023-01-01", storage, region, tags);
        st.putObject("sku").put("name", "Standard_LRS");
        st.put("kind", "StorageV2");
        ObjectNode stp = st.putObject("properties");
        stp.put("supportsHttpsTrafficOnly", true);
        stp.put("minimumTlsVersion", "TLS1_2");
        stp.put("allowBlobPublicAccess", false);
        stp.put("isHnsEnabled", false);
        ObjectNode enc = stp.putObject("encryption");
        enc.put("keySource", "Microsoft.Storage");
        ObjectNode services = enc.putObject("services");
        services.putObject("blob").put("enabled", true);
        services.putObject("file").put("enabled", true);

        ObjectNode kv = resource(resources, "Microsoft.KeyVault/vaults", "2023-07-01", vault, region, tags);
        ObjectNode kvp = kv.putObject("properties");
        kvp.put("tenantId", "[subscription().tenantId]");
        kvp.putObject("sku").put("family", "A").put("name", "standard");
        kvp.putArray("accessPolicies");
        kvp.put("enableRbacAuthorization", false);
        kvp.put("enableSoftDelete", true);

        ObjectNode la = resource(resources, "Microsoft.OperationalInsights/workspaces", "2022-10-01", logs, region,
                tags);
        ObjectNode lap = la.putObject("properties");
        lap.putObject("sku").put("name", "PerGB2018");
        lap.put("retentionInDays", 30);

        ObjectNode ai = resource(resources, "Microsoft.Insights/components", "2020-02-02", insights, region, tags);
        ai.put("kind", "web");
        ai.putArray("dependsOn").add(logsId);
        ObjectNode aip = ai.putObject("properties");
        aip.put("Application_Type", "web");
        aip.put("WorkspaceResourceId", logsId);

        ObjectNode ws = resource(resources, "Microsoft.MachineLearningServices/workspaces", ArmClient.API_VERSION, name,
                region, tags);
        ws.putObject("identity").put("type", "SystemAssigned");
        ws.putObject("sku").put("name", "Basic").put("tier", "Basic");
        ws.putArray("dependsOn").add(storageId).add(vaultId).add(insightsId);
        ObjectNode wsp = ws.putObject("properties");
        wsp.put("friendlyName", name);
        if (description != null) {
            wsp.put("description", description);
        }
        wsp.put("storageAccount", storageId);
        wsp.put("keyVault", vaultId);
        wsp.put("applicationInsights", insightsId);
        wsp.put("hbiWorkspace", false);
        wsp.put("publicNetworkAccess", "Enabled");
        wsp.put("v1LegacyMode", false);

        ObjectNode body = Json.object();
        body.putObject("tags").put(GENERATION_TAG, generation);
        ObjectNode props = body.putObject("properties");
        props.put("mode", "Incremental");
        props.set("template", template);
        props.putObject("parameters");
        return body;
    }

    private static ObjectNode resource(ArrayNode resources, String type, String apiVersion, String name,
            String region, Map<String, String> tags) {
        ObjectNode r = resources.addObject();
        r.put("type", type);
        r.put("apiVersion", apiVersion);
        r.put("name", name);
        r.put("location", region);
        ObjectNode t = r.putObject("tags");
        tags.forEach(t::put);
        t.put("createdBy", "modelbuilder-java");
        return r;
    }
}
