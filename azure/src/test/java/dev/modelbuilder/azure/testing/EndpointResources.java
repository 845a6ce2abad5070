package dev.modelbuilder.azure.testing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Managed online endpoints of the {@link ArmEmulator}, following the REST description (api-version 2024-04-01) and
 * Learn's pages on custom containers and troubleshooting:
 *
 * <ul>
 *   <li>endpoints ({@code PUT} 201 + {@code Azure-AsyncOperation}, {@code Creating}/{@code Updating} then
 *       {@code Succeeded}; {@code DELETE} 202 + {@code Location} + {@code Retry-After}, {@code Deleting} then gone with
 *       its deployments), whose traffic must name existing deployments and sum to 100 (or be empty);
 *   <li>deployments ({@code PUT} 201 + {@code Azure-AsyncOperation}), which "build" the environment's image and
 *       "download" the model (checked by {@link ModelAssetResources}), then start: their instance is the real
 *       {@code serve} server a test names with {@link #setScoringTarget}; a failure scripted with
 *       {@link #failNextDeployment} ends the operation as {@code Failed} with that error code, and the containers'
 *       logs say why;
 *   <li>{@code listKeys} (a primary and a secondary key per endpoint), {@code getLogs} (the last lines of the storage
 *       initializer's or the inference server's log);
 *   <li>the endpoints' {@code scoringUri}, answered by a {@link ScoringFrontEnd}.
 * </ul>
 *
 * Every body is also checked for fields its REST definition does not have ({@link SpecFields}).
 */
public abstract class EndpointResources extends ModelAssetResources {
    static final Pattern ENDPOINT_OP = p(LOC + "/mfeOperationsStatus/([^/]+)");
    static final Pattern ENDPOINTS = p(WS + "/onlineEndpoints");
    static final Pattern ENDPOINT = p(WS + "/onlineEndpoints/([^/]+)");
    static final Pattern KEYS = p(WS + "/onlineEndpoints/([^/]+)/listKeys");
    static final Pattern DEPLOYMENTS = p(WS + "/onlineEndpoints/([^/]+)/deployments");
    static final Pattern DEPLOYMENT_OF = p(WS + "/onlineEndpoints/([^/]+)/deployments/([^/]+)");
    static final Pattern LOGS = p(WS + "/onlineEndpoints/([^/]+)/deployments/([^/]+)/getLogs");

    /** One online endpoint. */
    static final class OnlineEndpoint {
        String workspace;
        String name;
        ObjectNode resource;
        String state = "Creating";
        String primaryKey = UUID.randomUUID().toString().replace("-", "") + "A1";
        String secondaryKey = UUID.randomUUID().toString().replace("-", "") + "B2";
        final Map<String, Deployment> deployments = new LinkedHashMap<>();
    }

    /** One deployment of an endpoint. */
    static final class Deployment {
        String id;
        String name;
        ObjectNode resource;
        String state = "Creating";
        List<String> storageLog = new ArrayList<>();
        List<String> serverLog = new ArrayList<>();
        String scoringPath;
    }

    /** A request the endpoints' side of the emulator received, with its body. */
    public record Received(String method, String path, JsonNode body) {
    }

    private Map<String, OnlineEndpoint> endpoints;
    private List<Received> received;
    private List<String> keysHandedOut;
    private volatile String[] nextDeploymentFailure;
    private ScoringFrontEnd frontEnd;

    EndpointResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    @Override
    public synchronized void reset() {
        super.reset();
        if (endpoints == null) {
            endpoints = new LinkedHashMap<>();
            received = new CopyOnWriteArrayList<>();
            keysHandedOut = new CopyOnWriteArrayList<>();
            frontEnd = new ScoringFrontEnd(this);
        }
        endpoints.clear();
        received.clear();
        keysHandedOut.clear();
        nextDeploymentFailure = null;
        frontEnd.reset();
    }

    @Override
    public void close() {
        if (frontEnd != null) {
            frontEnd.close();
        }
        super.close();
    }

    // ------------------------------------------------------------------------------------------------ test knobs

    /**
     * Makes every deployment's instance the given server: the front end forwards scoring requests to it.
     *
     * @param serverUrl a running {@code serve} server's base URL
     */
    public void setScoringTarget(URI serverUrl) {
        frontEnd.setScoringTarget(serverUrl);
    }

    /**
     * The next deployment fails with this code once its operation ends, and its logs say so.
     *
     * @param code e.g. {@code ImageBuildFailure}, {@code OutOfQuota}, {@code ResourceNotReady}
     * @param message the service's message
     * @param serverLog the inference server's log lines
     */
    public void failNextDeployment(String code, String message, String... serverLog) {
        String[] f = new String[serverLog.length + 2];
        f[0] = code;
        f[1] = message;
        System.arraycopy(serverLog, 0, f, 2, serverLog.length);
        nextDeploymentFailure = f;
    }

    /** @return the requests to endpoints, deployments, model and environment versions, with their bodies */
    public List<Received> endpointRequests() {
        return List.copyOf(received);
    }

    /** @return every key {@code listKeys} handed out */
    public List<String> keysHandedOut() {
        return List.copyOf(keysHandedOut);
    }

    /** @return one line per request the scoring front end forwarded: endpoint, deployment, instance path */
    public List<String> scoringRequests() {
        return frontEnd.scoringRequests();
    }

    /** @return the SHA-256 (hex) of each body the scoring front end forwarded, in order */
    public List<String> scoredImages() {
        return frontEnd.scoredImages();
    }

    /**
     * @param workspace the workspace
     * @return the endpoints' names
     */
    public synchronized List<String> endpointNames(String workspace) {
        return endpoints.values().stream().filter(e -> e.workspace.equalsIgnoreCase(workspace)).map(e -> e.name)
                .toList();
    }

    // ------------------------------------------------------------------------------------------------ routing

    /**
     * Answers the requests of this layer.
     *
     * @return the answer, or {@code null} when the request is not for this layer
     */
    Reply endpointDispatch(String method, String path, Map<String, String> query, String body) {
        Matcher m;
        if ((m = ENDPOINT_OP.matcher(path)).matches()) {
            Reply bad = checkSignature(m.group(3), query);
            return bad != null ? bad : asyncStatus(m.group(3), query, false);
        }
        boolean ours = Pattern.compile("(?i)^" + WS + "/(onlineEndpoints|models|environments)(/|$)").matcher(path)
                .find();
        if (!ours) {
            return null;
        }
        Matcher ws = Pattern.compile("(?i)^" + WS).matcher(path);
        ws.find();
        if (!resourceGroupExists(ws)) {
            return rgNotFound(ws.group(2));
        }
        Workspace w = workspace(ws.group(3));
        if (w == null) {
            return error(404, "ParentResourceNotFound", "Failed to perform '" + method + "' on resources under "
                    + "'Microsoft.MachineLearningServices/workspaces/" + ws.group(3) + "' because the parent resource "
                    + "was not found.");
        }
        JsonNode json = read(body);
        if (!method.equals("GET") && !method.equals("DELETE")) {
            received.add(new Received(method, path, json));
        }
        if ((m = KEYS.matcher(path)).matches()) {
            return listKeys(w, m.group(4));
        }
        if ((m = LOGS.matcher(path)).matches()) {
            checkFields("DeploymentLogsRequest", json);
            return getLogs(w, m.group(4), m.group(5), json);
        }
        if ((m = DEPLOYMENTS.matcher(path)).matches()) {
            OnlineEndpoint e = endpoints.get(key(w, m.group(4)));
            if (e == null) {
                return notFound("endpoint", m.group(4));
            }
            return page(e.deployments.values().stream().map(d -> (JsonNode) deploymentBody(d)).toList(), path, query,
                    10);
        }
        if ((m = DEPLOYMENT_OF.matcher(path)).matches()) {
            return switch (method) {
                case "PUT" -> putDeployment(w, m.group(4), m.group(5), json);
                case "DELETE" -> error(405, "MethodNotAllowed", "not emulated");
                default -> getDeployment(w, m.group(4), m.group(5));
            };
        }
        if ((m = ENDPOINTS.matcher(path)).matches()) {
            return page(endpoints.values().stream().filter(e -> e.workspace.equals(w.name))
                    .map(e -> (JsonNode) endpointBody(e)).toList(), path, query, 10);
        }
        if ((m = ENDPOINT.matcher(path)).matches()) {
            return switch (method) {
                case "PUT" -> putEndpoint(w, m.group(4), json);
                case "DELETE" -> deleteEndpoint(w, m.group(4));
                default -> getEndpoint(w, m.group(4));
            };
        }
        Reply asset = assetDispatch(method, path, w, query, json);
        if (asset != null) {
            return asset;
        }
        return error(404, "NotFound", "no such route: " + method + " " + path);
    }

    private static String key(Workspace w, String name) {
        return w.name.toLowerCase(java.util.Locale.ROOT) + "/" + name.toLowerCase(java.util.Locale.ROOT);
    }

    /** @return the endpoint of that name in that workspace (the caller holds this emulator's lock), or {@code null} */
    OnlineEndpoint endpointAt(String workspace, String name) {
        return endpoints.get(workspace.toLowerCase(java.util.Locale.ROOT) + "/"
                + name.toLowerCase(java.util.Locale.ROOT));
    }

    // ------------------------------------------------------------------------------------------------ endpoints

    private Reply putEndpoint(Workspace w, String name, JsonNode json) {
        checkFields("OnlineEndpointTrackedResource", json);
        if (!json.path("location").asText().equalsIgnoreCase(w.location)) {
            return error(400, "BadArgument", "The endpoint's location " + json.path("location").asText()
                    + " differs from the workspace's " + w.location);
        }
        OnlineEndpoint e = endpoints.get(key(w, name));
        JsonNode traffic = json.path("properties").path("traffic");
        int sum = 0;
        for (Map.Entry<String, JsonNode> t : traffic.properties()) {
            if (e == null || !e.deployments.containsKey(t.getKey())) {
                return error(400, "BadArgument", "Traffic names deployment '" + t.getKey() + "', which the endpoint "
                        + "does not have.");
            }
            sum += t.getValue().asInt();
        }
        if (sum != 0 && sum != 100) {
            return error(400, "BadArgument", "Traffic values need to sum to 100; they sum to " + sum + ".");
        }
        boolean created = e == null;
        if (created) {
            e = new OnlineEndpoint();
            e.workspace = w.name;
            e.name = name;
            endpoints.put(key(w, name), e);
        }
        ObjectNode r = json.deepCopy();
        e.resource = r;
        e.state = created ? "Creating" : "Updating";
        OnlineEndpoint ep = e;
        AsyncOp op = newOperation(() -> ep.state = "Succeeded");
        return Reply.json(201, endpointBody(e)).header("Azure-AsyncOperation", asyncUrl(w, op))
                .header("x-ms-async-operation-timeout", "PT2H");
    }

    private String asyncUrl(Workspace w, AsyncOp op) {
        return signedUrl("/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/mfeOperationsStatus/" + op.id, op.id, "");
    }

    private ObjectNode endpointBody(OnlineEndpoint e) {
        ObjectNode b = JSON.createObjectNode();
        Workspace w = workspace(e.workspace);
        b.put("id", wsId(w) + "/onlineEndpoints/" + e.name);
        b.put("name", e.name);
        b.put("type", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints");
        b.put("location", e.resource.path("location").asText());
        b.put("kind", "Managed");
        ObjectNode identity = b.putObject("identity");
        identity.put("type", "SystemAssigned");
        identity.put("principalId", "00000000-eeee-0000-0000-" + String.format("%012d", Math.abs(e.name.hashCode())));
        identity.put("tenantId", TENANT);
        if (e.resource.path("tags").isObject()) {
            b.set("tags", e.resource.path("tags").deepCopy());
        }
        ObjectNode p = e.resource.path("properties").deepCopy();
        p.put("provisioningState", e.state);
        p.put("scoringUri", frontEnd.url() + "/" + e.workspace + "/" + e.name + "/score");
        p.put("swaggerUri", frontEnd.url() + "/" + e.workspace + "/" + e.name + "/swagger.json");
        b.set("properties", p);
        return b;
    }

    private Reply getEndpoint(Workspace w, String name) {
        OnlineEndpoint e = endpoints.get(key(w, name));
        return e == null ? error(404, "ResourceNotFound", "The online endpoint '" + name + "' was not found.")
                : Reply.json(200, endpointBody(e));
    }

    private Reply deleteEndpoint(Workspace w, String name) {
        OnlineEndpoint e = endpoints.get(key(w, name));
        if (e == null) {
            return Reply.json(204, null);
        }
        e.state = "Deleting";
        AsyncOp op = newOperation(() -> endpoints.remove(key(w, name)));
        String opPath = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/mfeOperationResults/" + op.id;
        return Reply.json(202, null).header("Location", signedUrl(opPath, op.id, "")).header("Retry-After", "10")
                .header("x-ms-async-operation-timeout", "PT2H");
    }

    private Reply listKeys(Workspace w, String name) {
        OnlineEndpoint e = endpoints.get(key(w, name));
        if (e == null) {
            return getEndpoint(w, name);
        }
        if (!"Key".equals(e.resource.path("properties").path("authMode").asText())) {
            return error(400, "BadArgument", "Keys are only for endpoints with authMode Key.");
        }
        keysHandedOut.add(e.primaryKey);
        keysHandedOut.add(e.secondaryKey);
        ObjectNode keys = JSON.createObjectNode();
        keys.put("primaryKey", e.primaryKey);
        keys.put("secondaryKey", e.secondaryKey);
        return Reply.json(200, keys);
    }

    // ------------------------------------------------------------------------------------------------ deployments

    private Reply putDeployment(Workspace w, String endpointName, String name, JsonNode json) {
        checkFields("OnlineDeploymentTrackedResource", json);
        OnlineEndpoint e = endpoints.get(key(w, endpointName));
        if (e == null) {
            return error(404, "ResourceNotFound", "The online endpoint '" + endpointName + "' was not found.");
        }
        if (!e.state.equals("Succeeded")) {
            return error(409, "Conflict", "The endpoint is " + e.state + "; wait for it.");
        }
        JsonNode p = json.path("properties");
        ObjectNode model = assetById(p.path("model").asText(null));
        ObjectNode env = assetById(p.path("environmentId").asText(null));
        if (model == null || env == null) {
            return error(400, "BadArgument", "The deployment names " + (model == null ? "a model" : "an environment")
                    + " version that does not exist: " + (model == null ? p.path("model") : p.path("environmentId")));
        }
        if (json.path("sku").path("capacity").asInt(0) < 1) {
            return error(400, "BadArgument", "sku.capacity (the instance count) must be 1 or more.");
        }
        boolean created = !e.deployments.containsKey(name);
        Deployment d = e.deployments.computeIfAbsent(name, n -> new Deployment());
        d.id = wsId(w) + "/onlineEndpoints/" + e.name + "/deployments/" + name;
        d.name = name;
        d.resource = json.deepCopy();
        d.state = created ? "Creating" : "Updating";
        d.scoringPath = env.path("properties").path("inferenceConfig").path("scoringRoute").path("path").asText("/");
        String[] failure = nextDeploymentFailure;
        nextDeploymentFailure = null;
        String modelUri = model.path("properties").path("modelUri").asText();
        d.storageLog = new ArrayList<>(List.of(
                Instant.now() + " storage-initializer: downloading " + modelUri,
                Instant.now() + " storage-initializer: model " + model.path("name").asText() + " ready at "
                        + "/var/azureml-app/azureml-models/" + nameOf(p.path("model").asText()) + "/"
                        + model.path("name").asText()));
        d.serverLog = new ArrayList<>();
        String buildProblem = build(w, env);
        String downloadProblem = download(w, model);
        Deployment dep = d;
        AsyncOp op = newOperation(null);
        op.onDone = () -> {
            String[] f = failure;
            if (f == null && buildProblem != null) {
                f = new String[] {"ImageBuildFailure", buildProblem};
            }
            if (f == null && downloadProblem != null) {
                f = new String[] {"BadArgument", downloadProblem};
                dep.storageLog.add(Instant.now() + " storage-initializer: " + downloadProblem);
            }
            if (f == null && frontEnd.scoringTarget() == null) {
                f = new String[] {"ResourceNotReady", "The test named no instance (setScoringTarget)."};
            }
            if (f != null) {
                op.status = "Failed";
                ObjectNode error = JSON.createObjectNode();
                error.put("code", f[0]);
                error.put("message", f[1]);
                op.error = error;
                dep.state = "Failed";
                for (int i = 2; i < f.length; i++) {
                    dep.serverLog.add(f[i]);
                }
                return;
            }
            dep.state = "Succeeded";
            dep.serverLog.add(Instant.now() + " Serving at http://0.0.0.0:8080 (model /var/azureml-app/azureml-models/"
                    + "MLModel.zip)");
        };
        return Reply.json(201, deploymentBody(d)).header("Azure-AsyncOperation", asyncUrl(w, op))
                .header("x-ms-async-operation-timeout", "PT2H");
    }

    private ObjectNode deploymentBody(Deployment d) {
        ObjectNode b = d.resource.deepCopy();
        b.put("id", d.id);
        b.put("name", d.name);
        b.put("type", "Microsoft.MachineLearningServices/workspaces/onlineEndpoints/deployments");
        ((ObjectNode) b.path("properties")).put("provisioningState", d.state);
        return b;
    }

    private Reply getDeployment(Workspace w, String endpointName, String name) {
        OnlineEndpoint e = endpoints.get(key(w, endpointName));
        Deployment d = e == null ? null : e.deployments.get(name);
        return d == null ? error(404, "ResourceNotFound", "The deployment '" + name + "' was not found.")
                : Reply.json(200, deploymentBody(d));
    }

    private Reply getLogs(Workspace w, String endpointName, String name, JsonNode request) {
        OnlineEndpoint e = endpoints.get(key(w, endpointName));
        Deployment d = e == null ? null : e.deployments.get(name);
        if (d == null) {
            return error(404, "ResourceNotFound", "The deployment '" + name + "' was not found.");
        }
        List<String> log = "StorageInitializer".equals(request.path("containerType").asText("InferenceServer"))
                ? d.storageLog : d.serverLog;
        int tail = request.path("tail").asInt(Integer.MAX_VALUE);
        ObjectNode body = JSON.createObjectNode();
        body.put("content", String.join("\n", log.subList(Math.max(0, log.size() - tail), log.size())));
        return Reply.json(200, body);
    }

    /** @return a JSON array of strings (for tests that build bodies) */
    static ArrayNode array(String... values) {
        ArrayNode a = JSON.createArrayNode();
        for (String v : values) {
            a.add(v);
        }
        return a;
    }
}
