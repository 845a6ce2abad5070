package dev.modelbuilder.azure.testing;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobServiceClient;
import com.azure.storage.blob.BlobServiceClientBuilder;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpsConfigurator;
import com.sun.net.httpserver.HttpsServer;
import dev.modelbuilder.azure.testing.FaultPlan.Fault;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/** Template deployments and workspaces of the {@link ArmEmulator}, soft delete and purge included. */
public abstract class WorkspaceResources extends EmulatorTransport {

    WorkspaceResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ workspaces

    Reply putDeployment(String rg, String name, String body, Map<String, String> query) {
        List<String> problems = new ArrayList<>();
        if (!"2021-04-01".equals(query.get("api-version"))) {
            problems.add("deployments need api-version 2021-04-01, got " + query.get("api-version"));
        }
        JsonNode d = read(body);
        JsonNode props = d.path("properties");
        if (!"Incremental".equals(props.path("mode").asText())) {
            problems.add("deployment mode must be Incremental");
        }
        JsonNode template = props.path("template");
        if (!template.path("$schema").asText().contains("deploymentTemplate.json")
                || !template.path("contentVersion").isTextual()) {
            problems.add("template lacks $schema or contentVersion");
        }
        Map<String, JsonNode> byType = new LinkedHashMap<>();
        Map<String, String> idsByType = new LinkedHashMap<>();
        for (JsonNode r : template.path("resources")) {
            String type = r.path("type").asText();
            byType.put(type, r);
            idsByType.put(type, "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + rg + "/providers/" + type + "/"
                    + r.path("name").asText());
            for (String f : List.of("type", "apiVersion", "name", "location")) {
                if (!r.path(f).isTextual()) {
                    problems.add("template resource lacks " + f + ": " + r);
                }
            }
        }
        for (String required : List.of("Microsoft.Storage/storageAccounts", "Microsoft.KeyVault/vaults",
                "Microsoft.Insights/components", "Microsoft.MachineLearningServices/workspaces")) {
            if (!byType.containsKey(required)) {
                problems.add("template lacks a " + required);
            }
        }
        JsonNode ws = byType.get("Microsoft.MachineLearningServices/workspaces");
        if (ws != null) {
            if (!API.equals(ws.path("apiVersion").asText())) {
                problems.add("workspace apiVersion must be " + API);
            }
            ObjectNode wsBody = JSON.createObjectNode();
            for (String f : List.of("location", "identity", "sku", "tags", "properties")) {
                if (ws.has(f)) {
                    wsBody.set(f, ws.get(f));
                }
            }
            String wsPath = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + rg
                    + "/providers/Microsoft.MachineLearningServices/workspaces/" + ws.path("name").asText();
            problems.addAll(spec.validateRequest("PUT", wsPath, Map.of("api-version", API), wsBody.toString()));
            JsonNode wp = ws.path("properties");
            Map<String, String> refs = Map.of("storageAccount", "Microsoft.Storage/storageAccounts",
                    "keyVault", "Microsoft.KeyVault/vaults", "applicationInsights", "Microsoft.Insights/components");
            refs.forEach((field, type) -> {
                if (!wp.path(field).asText().equalsIgnoreCase(idsByType.get(type))) {
                    problems.add("workspace " + field + " does not name the template's " + type);
                }
                if (!ws.path("dependsOn").toString().contains(String.valueOf(idsByType.get(type)))) {
                    problems.add("workspace does not depend on " + type);
                }
            });
            Workspace existing = workspace(ws.path("name").asText());
            if (existing != null && !existing.location.equalsIgnoreCase(ws.path("location").asText())) {
                problems.add("workspace exists in " + existing.location);
            }
        }
        byType.forEach((type, r) -> problems.addAll(NameRules.check(type, r.path("name").asText())));
        if (!problems.isEmpty()) {
            violations.addAll(problems.stream().map(p -> "deployment " + name + ": " + p).toList());
            return error(400, "InvalidTemplate", String.join("; ", problems));
        }
        JsonNode vault = byType.get("Microsoft.KeyVault/vaults");
        String vaultName = vault.path("name").asText().toLowerCase(Locale.ROOT);
        if (Boolean.FALSE.equals(vaults.get(vaultName))) {
            return error(409, "ConflictError", "A vault with the same name already exists in deleted state. You need "
                    + "to either recover or purge existing key vault. Follow this link "
                    + "https://go.microsoft.com/fwlink/?linkid=2149745 for more information on soft delete.");
        }
        Workspace deleted = softDeleted.get(key(rg, ws.path("name").asText()));
        boolean blockedBySoftDelete = false;
        if (deleted != null) {
            if (!deleted.properties.path("keyVault").asText().equalsIgnoreCase(ws.at("/properties/keyVault").asText())
                    || !deleted.properties.path("storageAccount").asText()
                            .equalsIgnoreCase(ws.at("/properties/storageAccount").asText())) {
                blockedBySoftDelete = true;
            } else {
                softDeleted.remove(key(rg, deleted.name));
                workspaces.put(key(rg, deleted.name), deleted);
            }
        }
        vaults.put(vaultName, Boolean.TRUE);
        byType.forEach((type, r) -> createdResources.computeIfAbsent(type, k -> new TreeSet<>())
                .add(r.path("name").asText().toLowerCase(Locale.ROOT)));
        boolean existed = deployments.containsKey(name);
        ObjectNode dep = JSON.createObjectNode();
        dep.put("id", "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + rg
                + "/providers/Microsoft.Resources/deployments/" + name);
        dep.put("name", name);
        dep.put("type", "Microsoft.Resources/deployments");
        ObjectNode dp = dep.putObject("properties");
        dp.put("provisioningState", "Accepted");
        dp.put("mode", "Incremental");
        dp.put("timestamp", Instant.now().toString());
        dp.put("correlationId", UUID.randomUUID().toString());
        if (d.has("tags")) {
            dep.set("tags", d.get("tags"));
        }
        deployments.put(name, dep);
        AsyncOp op = newOperation(null);
        if (blockedBySoftDelete) {
            // as Azure answers it (Azure/ResourceModules#3596, Azure/CanadaPubSecALZ#380): the deployment is
            // accepted, the workspace's write fails with BadRequest, and the deployment fails with that reason two
            // levels down: DeploymentFailed > ResourceDeploymentFailure > BadRequest
            ObjectNode err = softDeletedDeploymentError();
            op.onDone = () -> {
                dp.put("provisioningState", "Failed");
                dp.set("error", err);
                op.status = "Failed";
                op.error = err;
            };
        } else {
            op.onDone = () -> {
                createWorkspace(rg, ws);
                dp.put("provisioningState", "Succeeded");
            };
        }
        pendingByResource.put("deployment/" + name, op.id);
        return Reply.json(existed ? 200 : 201, dep).header("Azure-AsyncOperation", endpoint + "/subscriptions/"
                + SUBSCRIPTION + "/resourcegroups/" + rg + "/providers/Microsoft.Resources/deployments/" + name
                + "/operationStatuses/" + op.id + "?api-version=2021-04-01");
    }

    /** The error of a workspace deployment that meets a soft-deleted workspace of the same name. */
    static ObjectNode softDeletedDeploymentError() {
        ObjectNode top = JSON.createObjectNode();
        top.put("code", "DeploymentFailed");
        top.put("message", "At least one resource deployment operation failed. Please list deployment operations for "
                + "details. Please see https://aka.ms/arm-deployment-operations for usage details.");
        ObjectNode resource = top.putArray("details").addObject();
        resource.put("code", "ResourceDeploymentFailure");
        resource.put("message", "The resource write operation failed to complete successfully, because it reached "
                + "terminal provisioning state 'Failed'.");
        ObjectNode cause = resource.putArray("details").addObject();
        cause.put("code", "BadRequest");
        cause.put("message", "Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete");
        return top;
    }

    /** Resource Manager's {@code Subscriptions_Get} (api-version 2022-12-01): id, state and the tenant. */
    Reply subscription(String id, Map<String, String> query) {
        if (!SUBSCRIPTION.equalsIgnoreCase(id)) {
            return error(404, "SubscriptionNotFound", "The subscription '" + id + "' could not be found.");
        }
        if (!"2022-12-01".equals(query.get("api-version"))) {
            return error(400, "InvalidApiVersionParameter", "The api-version '" + query.get("api-version")
                    + "' is invalid for subscriptions; use 2022-12-01.");
        }
        ObjectNode s = JSON.createObjectNode();
        s.put("id", "/subscriptions/" + SUBSCRIPTION);
        s.put("subscriptionId", SUBSCRIPTION);
        s.put("tenantId", TENANT);
        s.put("displayName", "Emulated subscription");
        s.put("state", "Enabled");
        return Reply.json(200, s);
    }

    Reply getDeployment(String rg, String name) {
        tickResource("deployment/" + name);
        ObjectNode dep = deployments.get(name);
        if (dep == null) {
            return error(404, "DeploymentNotFound", "Deployment '" + name + "' could not be found.");
        }
        return Reply.json(200, dep);
    }

    void createWorkspace(String rg, JsonNode resource) {
        String name = resource.path("name").asText();
        Workspace w = workspace(name);
        if (w == null) {
            w = new Workspace();
            w.name = name;
            w.resourceGroup = rg;
            w.workspaceId = UUID.randomUUID().toString();
            workspaces.put(key(rg, name), w);
            if (blobs != null) {
                blobs.getBlobContainerClient(w.blobContainer()).createIfNotExists();
                blobs.getBlobContainerClient(w.artifactContainer()).createIfNotExists();
            }
        }
        w.location = resource.path("location").asText();
        w.properties = resource.path("properties");
        w.description = resource.path("properties").path("description").asText(null);
        w.tags.clear();
        for (Map.Entry<String, JsonNode> e : resource.path("tags").properties()) {
            w.tags.put(e.getKey(), e.getValue().asText());
        }
        w.state = "Succeeded";
    }

    String wsId(Workspace w) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + w.resourceGroup
                + "/providers/Microsoft.MachineLearningServices/workspaces/" + w.name;
    }

    ObjectNode workspaceBody(Workspace w) {
        ObjectNode b = JSON.createObjectNode();
        b.put("id", wsId(w));
        b.put("name", w.name);
        b.put("type", "Microsoft.MachineLearningServices/workspaces");
        b.put("location", w.location);
        ObjectNode tags = b.putObject("tags");
        w.tags.forEach(tags::put);
        ObjectNode identity = b.putObject("identity");
        identity.put("type", "SystemAssigned");
        identity.put("principalId", "00000000-aaaa-bbbb-cccc-000000000001");
        identity.put("tenantId", TENANT);
        b.putObject("sku").put("name", "Basic").put("tier", "Basic");
        b.set("systemData", systemData(w.created, w.created));
        ObjectNode p = b.putObject("properties");
        p.put("friendlyName", w.properties.path("friendlyName").asText(w.name));
        if (w.description != null) {
            p.put("description", w.description);
        }
        p.put("storageAccount", w.properties.path("storageAccount").asText());
        p.put("keyVault", w.properties.path("keyVault").asText());
        p.put("applicationInsights", w.properties.path("applicationInsights").asText());
        p.put("hbiWorkspace", false);
        p.put("provisioningState", w.state);
        p.put("workspaceId", w.workspaceId);
        p.put("tenantId", TENANT);
        p.put("discoveryUrl", endpoint + "/discovery");
        p.put("mlFlowTrackingUri", "azureml://" + endpoint.substring("https://".length()) + "/mlflow/v1.0"
                + wsId(w));
        p.put("storageHnsEnabled", false);
        p.put("publicNetworkAccess", "Enabled");
        p.put("v1LegacyMode", false);
        p.put("privateLinkCount", 0);
        return b;
    }

    static ObjectNode systemData(Instant created, Instant modified) {
        ObjectNode s = JSON.createObjectNode();
        s.put("createdAt", created.toString());
        s.put("createdBy", "tester@example.com");
        s.put("createdByType", "User");
        s.put("lastModifiedAt", modified.toString());
        s.put("lastModifiedBy", "tester@example.com");
        s.put("lastModifiedByType", "User");
        return s;
    }

    Reply getWorkspace(String name) {
        Workspace w = workspace(name);
        if (w == null) {
            return error(404, "ResourceNotFound", "The Resource 'Microsoft.MachineLearningServices/workspaces/" + name
                    + "' under resource group was not found. For more details please go to "
                    + "https://aka.ms/ARMResourceNotFoundFix");
        }
        return Reply.json(200, workspaceBody(w));
    }

    Reply listWorkspaces(String rg, String path, Map<String, String> query) {
        List<JsonNode> all = workspaces.values().stream().filter(w -> w.resourceGroup.equalsIgnoreCase(rg))
                .map(w -> (JsonNode) workspaceBody(w)).toList();
        return page(all, path, query, 2);
    }

    /**
     * Workspace soft delete (Learn, "Workspace soft deletion"): a deleted workspace is kept 14 days and its name stays
     * taken, unless {@code forceToPurge=true} deletes it for good. A workspace already soft-deleted is not found by
     * Resource Manager (a GET answers 404, as in Azure/azure-cli#33756); the docs name only the portal's "Recently
     * deleted" view to recover or permanently delete it, so a DELETE here answers 204 (nothing there) and leaves it
     * soft-deleted: see {@code EmulatorControls.purgeSoftDeletedInPortal}.
     */
    Reply deleteWorkspace(String name, Map<String, String> query) {
        Workspace w = workspace(name);
        boolean purge = "true".equalsIgnoreCase(query.get("forceToPurge"));
        if (w == null) {
            return Reply.json(204, null);
        }
        w.state = "Deleting";
        AsyncOp op = newOperation(() -> {
            workspaces.remove(key(null, name));
            if (!purge) {
                softDeleted.put(key(null, name), w);
            }
        });
        String base = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/workspaceOperationsStatus/" + op.id;
        return Reply.json(202, null).header("Location", signedUrl(base, op.id, "&type=location"))
                .header("Azure-AsyncOperation", signedUrl(base, op.id, "&type=async")).header("Retry-After", "15");
    }
}
