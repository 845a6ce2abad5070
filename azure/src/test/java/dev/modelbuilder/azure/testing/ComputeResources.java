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

/** VM sizes, usages (quota) and AmlCompute clusters of the {@link ArmEmulator}. */
public abstract class ComputeResources extends WorkspaceResources {

    ComputeResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ computes

    static final List<String[]> SIZES = List.of(
            new String[] {"Standard_DS3_v2", "standardDSv2Family", "4", "0", "14"},
            new String[] {"Standard_NC4as_T4_v3", "standardNCASv3_T4Family", "4", "1", "28"},
            new String[] {"Standard_NC8as_T4_v3", "standardNCASv3_T4Family", "8", "1", "56"},
            new String[] {"Standard_NC16as_T4_v3", "standardNCASv3_T4Family", "16", "1", "110"},
            new String[] {"Standard_NC64as_T4_v3", "standardNCASv3_T4Family", "64", "4", "440"},
            new String[] {"Standard_NC24ads_A100_v4", "StandardNCADSA100v4Family", "24", "1", "220"},
            new String[] {"Standard_NC40ads_H100_v5", "standardNCadsH100v5Family", "40", "1", "320"});

    static boolean gpuRegion(String location) {
        return !location.equalsIgnoreCase("westeurope");
    }

    Reply vmSizes(String location) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        for (String[] s : SIZES) {
            if (!gpuRegion(location) && !s[3].equals("0")) {
                continue;
            }
            ObjectNode v = value.addObject();
            v.put("name", s[0]);
            v.put("family", s[1]);
            v.put("vCPUs", Integer.parseInt(s[2]));
            v.put("gpus", Integer.parseInt(s[3]));
            v.put("osVhdSizeMB", 1047552);
            v.put("maxResourceVolumeMB", 180 * 1024);
            v.put("memoryGB", Double.parseDouble(s[4]));
            v.put("lowPriorityCapable", true);
            v.put("premiumIO", true);
            v.putArray("supportedComputeTypes").add("AmlCompute").add("ComputeInstance");
        }
        return Reply.json(200, body);
    }

    static String usageName(String key) {
        return switch (key) {
            case "ncasv3t4" -> "Standard NCASv3_T4 Family Cluster Dedicated vCPUs";
            case "ncadsa100v4" -> "Standard NCADSA100v4 Family Cluster Dedicated vCPUs";
            case "ncadsh100v5" -> "Standard NCadsH100v5 Family Cluster Dedicated vCPUs";
            case "dsv2" -> "Standard DSv2 Family Cluster Dedicated vCPUs";
            default -> key;
        };
    }

    /**
     * Usages as the REST description's {@code Usage/list.json} example shows them: ids under
     * {@code /subscriptions/{id}/usages}, a {@code totalCores} "Clusters" row, the regional dedicated total, one row
     * per VM family, and rows per workspace (type {@code workspaces/usages}) that repeat a family's name with the
     * workspace's own consumption, which a reader of the region's quota must skip.
     */
    Reply usages(String location) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        usage(value, "/subscriptions/" + SUBSCRIPTION + "/usages", "totalCores", "Clusters",
                workspaces.values().stream().mapToLong(w -> w.computes.size()).sum(), 100);
        quotas.forEach((k, q) -> {
            boolean total = k.equals("total");
            String name = total ? "Total Cluster Dedicated Regional vCPUs" : usageName(k);
            usage(value, "/subscriptions/" + SUBSCRIPTION + "/usages" + (total ? "" : "/" + name.replace(' ', '_')),
                    total ? "dedicatedCores" : "vmFamily", name, q[1], q[0]);
        });
        usage(value, "/subscriptions/" + SUBSCRIPTION + "/usages", "lowPriorityCores",
                "Total Cluster LowPriority Regional vCPUs", 0, 100);
        for (Workspace w : workspaces.values()) {
            quotas.forEach((k, q) -> {
                if (!k.equals("total")) {
                    usage(value, wsId(w) + "/usages/" + usageName(k).replace(' ', '_'), "workspaces", usageName(k),
                            0, q[0] + 1000);
                }
            });
        }
        return Reply.json(200, body);
    }

    private static void usage(ArrayNode value, String id, String kind, String name, long current, long limit) {
        ObjectNode u = value.addObject();
        u.put("id", id);
        u.put("type", "Microsoft.MachineLearningServices/" + kind + "/usages");
        u.put("currentValue", current);
        u.put("limit", limit);
        u.putObject("name").put("localizedValue", name).put("value", name);
        u.put("unit", "Count");
    }

    Reply putCompute(Workspace w, String name, String body) {
        JsonNode req = read(body);
        String location = req.path("location").asText();
        if (!location.equalsIgnoreCase(w.location)) {
            return error(400, "BadArgument", "Compute location " + location + " differs from the workspace's "
                    + w.location);
        }
        JsonNode aml = req.path("properties").path("properties");
        String vmSize = aml.path("vmSize").asText();
        String[] size = SIZES.stream().filter(s -> s[0].equalsIgnoreCase(vmSize)).findFirst().orElse(null);
        if (size == null || (!gpuRegion(location) && !size[3].equals("0"))) {
            return error(400, "BadArgument", "The specified VM size " + vmSize + " is not supported in region "
                    + location + ".");
        }
        String key = name.toLowerCase(Locale.ROOT);
        ObjectNode existing = w.computes.get(key);
        if (existing != null) {
            ((ObjectNode) existing.path("properties").path("properties")).set("scaleSettings",
                    aml.path("scaleSettings"));
            return Reply.json(200, existing);
        }
        ObjectNode c = JSON.createObjectNode();
        c.put("id", wsId(w) + "/computes/" + name);
        c.put("name", name);
        c.put("type", "Microsoft.MachineLearningServices/workspaces/computes");
        c.put("location", w.location);
        if ("SystemAssigned".equalsIgnoreCase(req.path("identity").path("type").asText())) {
            // ManagedServiceIdentity (common-types v3): the service fills in the principal and tenant
            ObjectNode identity = c.putObject("identity");
            identity.put("type", "SystemAssigned");
            identity.put("principalId", UUID.randomUUID().toString());
            identity.put("tenantId", TENANT);
        }
        c.set("systemData", systemData(Instant.now(), Instant.now()));
        ObjectNode p = c.putObject("properties");
        p.put("computeType", "AmlCompute");
        p.put("computeLocation", w.location);
        p.put("provisioningState", "Creating");
        p.put("description", req.path("properties").path("description").asText(""));
        p.put("createdOn", Instant.now().toString());
        p.put("modifiedOn", Instant.now().toString());
        p.put("isAttachedCompute", false);
        p.put("disableLocalAuth", false);
        p.putNull("provisioningErrors");
        ObjectNode ap = p.putObject("properties");
        ap.put("vmSize", vmSize.toUpperCase(Locale.ROOT));
        ap.put("vmPriority", aml.path("vmPriority").asText("Dedicated"));
        ap.put("osType", "Linux");
        ap.set("scaleSettings", aml.path("scaleSettings"));
        ap.put("remoteLoginPortPublicAccess", "NotSpecified");
        ap.put("enableNodePublicIp", true);
        ap.put("allocationState", "Steady");
        ap.put("allocationStateTransitionTime", Instant.now().toString());
        ap.put("currentNodeCount", 0);
        ap.put("targetNodeCount", 0);
        ObjectNode counts = ap.putObject("nodeStateCounts");
        for (String n : List.of("idleNodeCount", "runningNodeCount", "preparingNodeCount", "unusableNodeCount",
                "leavingNodeCount", "preemptedNodeCount")) {
            counts.put(n, 0);
        }
        w.computes.put(key, c);
        AsyncOp op = newOperation(null);
        long[] quota = quotas.get(familyKey(size[1]));
        if (quota != null && quota[0] - quota[1] < Long.parseLong(size[2])) {
            String message = "The specified subscription has a " + usageName(familyKey(size[1])).replace(
                    " Cluster Dedicated vCPUs", "") + " vCPU quota of " + (quota[0] - quota[1]) + " and cannot "
                    + "accomodate for at least 1 requested managed compute nodes which maps to " + size[2] + " vCPUs";
            ObjectNode err = JSON.createObjectNode();
            err.put("code", "BadRequest");
            err.put("message", message);
            op.onDone = () -> {
                p.put("provisioningState", "Failed");
                p.putArray("provisioningErrors").addObject().set("error", err);
                op.status = "Failed";
                op.error = err;
            };
        } else {
            op.onDone = () -> p.put("provisioningState", "Succeeded");
        }
        pendingByResource.put("compute/" + w.workspaceId + "/" + key, op.id);
        String opPath = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/computeOperationsStatus/" + op.id;
        return Reply.json(201, c).header("Azure-AsyncOperation", signedUrl(opPath, op.id, "&service=new"));
    }

    static String familyKey(String family) {
        String s = family.toLowerCase(Locale.ROOT).replace("_", "");
        s = s.endsWith("family") ? s.substring(0, s.length() - 6) : s;
        return s.startsWith("standard") ? s.substring(8) : s;
    }

    Reply getCompute(Workspace w, String name) {
        tickResource("compute/" + w.workspaceId + "/" + name.toLowerCase(Locale.ROOT));
        ObjectNode c = w.computes.get(name.toLowerCase(Locale.ROOT));
        return c == null ? error(404, "ResourceNotFound", "Compute '" + name + "' was not found in workspace '"
                + w.name + "'.") : Reply.json(200, c);
    }

    Reply patchCompute(Workspace w, String name, String body) {
        ObjectNode c = w.computes.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            return error(404, "ResourceNotFound", "Compute '" + name + "' was not found.");
        }
        JsonNode scale = read(body).path("properties").path("properties").path("scaleSettings");
        ObjectNode current = (ObjectNode) c.path("properties").path("properties").path("scaleSettings");
        scale.properties().forEach(e -> current.set(e.getKey(), e.getValue()));
        // as Compute/patch.json: 200 with provisioningState Updating and an Azure-AsyncOperation to follow
        ObjectNode p = (ObjectNode) c.path("properties");
        p.put("provisioningState", "Updating");
        AsyncOp op = newOperation(() -> p.put("provisioningState", "Succeeded"));
        pendingByResource.put("compute/" + w.workspaceId + "/" + name.toLowerCase(Locale.ROOT), op.id);
        String opPath = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/computeOperationsStatus/" + op.id;
        return Reply.json(200, c).header("Azure-AsyncOperation", signedUrl(opPath, op.id, "&service=new"));
    }

    Reply deleteCompute(Workspace w, String name, Map<String, String> query) {
        ObjectNode c = w.computes.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            return Reply.json(204, null);
        }
        if (!"Delete".equals(query.get("underlyingResourceAction"))) {
            return error(400, "BadArgument", "underlyingResourceAction must be Delete for a managed compute");
        }
        ((ObjectNode) c.path("properties")).put("provisioningState", "Deleting");
        AsyncOp op = newOperation(() -> w.computes.remove(name.toLowerCase(Locale.ROOT)));
        String opPath = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/computeOperationsStatus/" + op.id;
        return Reply.json(202, null).header("Azure-AsyncOperation", signedUrl(opPath, op.id, "&service=new"))
                .header("Location", signedUrl(opPath, op.id, "&service=new&type=location"))
                .header("x-ms-async-operation-timeout", "PT30M");
    }
}
