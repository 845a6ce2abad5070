package dev.modelbuilder.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.core.model.EndpointState;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.EndpointOperations;
import dev.modelbuilder.core.spi.PollingOperation;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Azure Machine Learning managed online endpoints (api-version 2024-04-01), each serving one model with the SDK's own
 * server in a container that Azure Machine Learning builds ({@link ServerImage}). Creating one follows the steps of
 * {@link EndpointDeployment}; an endpoint is key-authenticated ({@code authMode: Key}) with a system-assigned identity,
 * and its key is read with {@code listKeys} only to score, never logged or kept.
 */
final class AzureEndpoints implements EndpointOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AzureEndpoints.class);
    static final String TOKEN_PREFIX = "azure:endpoint:";
    /** The header that sends a request to one deployment, whatever the traffic says. */
    static final String DEPLOYMENT_HEADER = "azureml-model-deployment";

    final ArmClient arm;
    final ProviderParameters settings;
    final AzureWorkspaces workspaces;
    final AzureComputes computes;
    final EndpointAssets assets;
    private final HttpPipeline scoring;

    AzureEndpoints(ArmClient arm, ProviderParameters settings, AzureWorkspaces workspaces, AzureComputes computes,
            EndpointAssets assets, HttpClient httpClient) {
        this.arm = arm;
        this.settings = settings;
        this.workspaces = workspaces;
        this.computes = computes;
        this.assets = assets;
        // scoring requests go to the endpoint's own host with its key: no Resource Manager token, no HTTP logging
        this.scoring = new HttpPipelineBuilder().httpClient(httpClient).build();
    }

    String endpointUrl(String workspace, String name) {
        return arm.url(arm.workspacePath(workspace) + "/onlineEndpoints/" + ArmClient.enc(name));
    }

    String deploymentUrl(String workspace, String name, String deployment) {
        return arm.url(arm.workspacePath(workspace) + "/onlineEndpoints/" + ArmClient.enc(name) + "/deployments/"
                + ArmClient.enc(deployment));
    }

    String action(String workspace, String name, String action) {
        return arm.url(arm.workspacePath(workspace) + "/onlineEndpoints/" + ArmClient.enc(name) + "/" + action);
    }

    @Override
    public void validateName(String name) {
        EndpointNames.require("endpoint name", name);
    }

    /**
     * The offline checks, in the order after the name and the model folder (core's): the options, the
     * instance type against {@link AzureOnlineSkus}, then the server's jars (read from disk, nothing sent).
     */
    @Override
    public void validate(EndpointSpec spec) {
        AzureEndpointOptions options = options(spec);
        AzureOnlineSkus.require(instanceType(spec));
        if (options.image() == null) {
            context(options);
        }
    }

    static AzureEndpointOptions options(EndpointSpec spec) {
        return spec.optionsFor(AzureMlProvider.NAME, AzureEndpointOptions.class, AzureEndpointOptions::defaults);
    }

    static String instanceType(EndpointSpec spec) {
        return spec.instanceType() != null ? spec.instanceType() : AzureOnlineSkus.DEFAULT.name();
    }

    /** @return the server's build context for these options (gathered once per process while its jars stay as they were) */
    ServerImage.Context context(AzureEndpointOptions options) {
        return ServerImage.cached(options.serverJars(), ServerImage.version());
    }

    @Override
    public LongRunningOperation<dev.modelbuilder.core.model.Endpoint> beginCreateOrUpdate(String workspace,
            EndpointSpec spec, ProgressListener listener) {
        validate(spec);
        AzureEndpointOptions options = options(spec);
        AzureOnlineSkus.Sku sku = AzureOnlineSkus.require(instanceType(spec));
        String location = Json.text(workspaces.getJson(workspace), "/location");
        long needed = sku.quotaFor(spec.instanceCount());
        ArmResponse current = arm.send(HttpMethod.GET, deploymentUrl(workspace, spec.name(),
                options.deploymentName()), null);
        if (current.isSuccess() && sku.isNamed(Json.text(current.json(), "/properties/instanceType"))) {
            // an update replaces instances that already count in the usage
            needed = Math.max(0, needed - sku.quotaFor(Math.max(0, Json.integer(current.json(), "/sku/capacity", 0))));
        }
        if (needed > 0) {
            computes.requireEndpointQuota(location, sku, needed, "endpoint '" + spec.name() + "' (" + spec.instanceCount()
                    + " x " + sku.name() + ")");
        }
        ServerImage.Context context = options.image() == null ? context(options) : null;
        return new EndpointDeployment(this, workspace, location, spec, options, sku, context, listener);
    }

    @Override
    public LongRunningOperation<dev.modelbuilder.core.model.Endpoint> resumeCreateOrUpdate(String resumeToken) {
        String[] parts = resumeToken == null || !resumeToken.startsWith(TOKEN_PREFIX) ? new String[0]
                : resumeToken.substring(TOKEN_PREFIX.length()).split(":", 3);
        if (parts.length != 3) {
            throw new ValidationException("resume token", resumeToken, "use a token from an endpoint create "
                    + "operation of the Azure provider (azure:endpoint:<workspace>:<endpoint>:<deployment>)");
        }
        return ArmOperation.byState(arm, settings, "deploy endpoint '" + parts[1] + "'",
                deploymentUrl(parts[0], parts[1], parts[2]), () -> get(parts[0], parts[1]), resumeToken,
                ProgressListener.none());
    }

    /**
     * Creates the endpoint, or keeps the existing one (its traffic untouched) when it is key-authenticated and
     * provisioned.
     *
     * @return the PUT's answer, or {@code null} when the endpoint is there already
     */
    ArmResponse putEndpoint(String workspace, String location, String name) {
        ArmResponse existing = arm.send(HttpMethod.GET, endpointUrl(workspace, name), null);
        if (existing.isSuccess()) {
            JsonNode p = existing.json().path("properties");
            String auth = Json.text(p, "/authMode");
            if (auth != null && !auth.equalsIgnoreCase("Key")) {
                throw new ResourceExistsException("endpoint", name, "it authenticates with " + auth + ", not keys: "
                        + "choose another name, or delete it first");
            }
            String state = Json.text(p, "/provisioningState");
            if ("Succeeded".equalsIgnoreCase(state)) {
                LOG.info("endpoint '{}' exists: deploying to it", name);
                return null;
            }
        } else if (existing.status() != 404) {
            ArmClient.check(existing, "get endpoint '" + name + "'", "endpoint", name);
        }
        ObjectNode body = endpointBody(location, existing.isSuccess() ? existing.json() : null, null);
        LOG.info("creating endpoint '{}' in workspace '{}' ({})", name, workspace, location);
        ArmResponse r = arm.send(HttpMethod.PUT, endpointUrl(workspace, name), body);
        return ArmClient.check(r, "create endpoint '" + name + "'", "endpoint", name);
    }

    /**
     * The endpoint's full body: key authentication, a system-assigned identity, and the traffic given (or the
     * existing endpoint's, when it has any), since a PUT replaces the whole resource.
     */
    static ObjectNode endpointBody(String location, JsonNode existing, Map<String, Integer> traffic) {
        ObjectNode body = Json.object();
        body.put("location", location);
        body.putObject("identity").put("type", "SystemAssigned");
        ObjectNode p = body.putObject("properties");
        p.put("authMode", "Key");
        p.put("description", existing != null && Json.text(existing, "/properties/description") != null
                ? Json.text(existing, "/properties/description")
                : "Serves an MLModel.zip with the server of Model Builder for Java");
        ObjectNode t = p.putObject("traffic");
        if (traffic != null) {
            traffic.forEach(t::put);
        } else if (existing != null) {
            existing.path("properties").path("traffic").properties().forEach(e -> t.put(e.getKey(),
                    e.getValue().asInt()));
        }
        ObjectNode tags = body.putObject("tags");
        if (existing != null && existing.path("tags").isObject()) {
            existing.path("tags").properties().forEach(e -> tags.put(e.getKey(), e.getValue().asText()));
        }
        tags.put("createdBy", "modelbuilder-java");
        return body;
    }

    /** Sends every request to the deployment: a full PUT of the endpoint with {@code traffic: {d: 100}}. */
    ArmResponse putTraffic(String workspace, String location, String name, String deployment) {
        ArmResponse existing = ArmClient.check(arm.send(HttpMethod.GET, endpointUrl(workspace, name), null),
                "get endpoint '" + name + "'", "endpoint", name);
        ObjectNode body = endpointBody(location, existing.json(), Map.of(deployment, 100));
        ArmResponse r = arm.send(HttpMethod.PUT, endpointUrl(workspace, name), body);
        return ArmClient.check(r, "route endpoint '" + name + "' to deployment '" + deployment + "'", "endpoint",
                name);
    }

    @Override
    public dev.modelbuilder.core.model.Endpoint get(String workspace, String name) {
        ArmResponse r = arm.send(HttpMethod.GET, endpointUrl(workspace, name), null);
        if (r.status() == 404) {
            workspaces.getJson(workspace);
        }
        ArmClient.check(r, "get endpoint '" + name + "'", "endpoint", name);
        return toEndpoint(workspace, r.json());
    }

    @Override
    public PagedIterable<dev.modelbuilder.core.model.Endpoint> list(String workspace) {
        return Paging.list(arm, arm.url(arm.workspacePath(workspace) + "/onlineEndpoints"), "list endpoints",
                "workspace", workspace, e -> toEndpoint(workspace, e));
    }

    private dev.modelbuilder.core.model.Endpoint toEndpoint(String workspace, JsonNode e) {
        JsonNode p = e.path("properties");
        Map<String, Integer> traffic = new LinkedHashMap<>();
        p.path("traffic").properties().forEach(t -> traffic.put(t.getKey(), t.getValue().asInt()));
        String name = Json.text(e, "/name");
        String deployment = traffic.entrySet().stream().filter(t -> t.getValue() > 0)
                .max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
        String instanceType = null;
        int count = 0;
        String model = null;
        if (deployment != null) {
            ArmResponse d = arm.send(HttpMethod.GET, deploymentUrl(workspace, name, deployment), null);
            if (d.isSuccess()) {
                instanceType = Json.text(d.json(), "/properties/instanceType");
                count = Json.integer(d.json(), "/sku/capacity", 0);
                model = Json.text(d.json(), "/properties/model");
            }
        }
        String uri = Json.text(p, "/scoringUri");
        String state = Json.text(p, "/provisioningState");
        return new dev.modelbuilder.core.model.Endpoint(name, workspace, EndpointState.fromString(state),
                uri == null ? null : URI.create(uri), deployment, instanceType, count, model, traffic,
                Json.text(e, "/id"));
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
        String description = "delete endpoint '" + name + "'";
        ArmResponse existing = arm.send(HttpMethod.GET, endpointUrl(workspace, name), null);
        if (existing.status() == 404) {
            return PollingOperation.completed(description, new Deletion("endpoint", name, false), "");
        }
        ArmClient.check(existing, "get endpoint '" + name + "'", "endpoint", name);
        ArmResponse r = arm.send(HttpMethod.DELETE, endpointUrl(workspace, name), null);
        Deletion done = new Deletion("endpoint", name, true);
        if (r.status() == 404 || r.status() == 204 || r.status() == 200) {
            return PollingOperation.completed(description, done, "");
        }
        ArmClient.check(r, description, "endpoint", name);
        LOG.info("deleting endpoint '{}' of workspace '{}' (its deployments go with it; the model and environment "
                + "versions stay)", name, workspace);
        return ArmOperation.start(arm, settings, description, r, null, () -> done, "", ProgressListener.none());
    }

    @Override
    public EndpointPrediction invoke(String workspace, String name, byte[] image) {
        dev.modelbuilder.core.model.Endpoint e = get(workspace, name);
        if (e.scoringUri() == null || e.deployment() == null) {
            throw new InvalidStateException("endpoint '" + name + "' is " + e.state() + " and "
                    + (e.deployment() == null ? "routes no traffic to a deployment" : "has no scoring URI yet")
                    + ": deploy a model to it first");
        }
        return score(workspace, name, e.scoringUri(), null, image);
    }

    /**
     * Scores one image: reads the endpoint's key with {@code listKeys} (never logged) and posts the image to the
     * scoring URI with it.
     *
     * @param deployment the deployment to send it to whatever the traffic says, or {@code null}
     */
    EndpointPrediction score(String workspace, String name, URI scoringUri, String deployment, byte[] image) {
        requireSafe(scoringUri);
        ArmResponse keys = ArmClient.check(arm.sendQuietly(HttpMethod.POST, action(workspace, name, "listKeys"),
                null), "list the keys of endpoint '" + name + "'", "endpoint", name);
        String key = Json.text(keys.json(), "/primaryKey");
        if (key == null || key.isBlank()) {
            throw new RemoteOperationException("endpoint '" + name + "' has no primary key (listKeys answered none)",
                    null);
        }
        HttpRequest request = new HttpRequest(HttpMethod.POST, scoringUri.toString());
        request.setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + key);
        request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/octet-stream");
        request.setHeader(HttpHeaderName.ACCEPT, "application/json");
        if (deployment != null) {
            request.setHeader(HttpHeaderName.fromString(DEPLOYMENT_HEADER), deployment);
        }
        request.setBody(BinaryData.fromBytes(image));
        int status;
        String body;
        try (HttpResponse response = scoring.sendSync(request, Context.NONE)) {
            status = response.getStatusCode();
            BinaryData data = response.getBodyAsBinaryData();
            body = data == null ? "" : data.toString();
        } catch (RuntimeException ex) {
            throw new RemoteOperationException("could not reach endpoint '" + name + "' at " + scoringUri.getHost()
                    + " (" + Redact.text(ex.getClass().getSimpleName() + ": " + ex.getMessage()) + ")", null, ex);
        }
        return readAnswer(name, status, body);
    }

    /** Refuses to send the key anywhere but over HTTPS, or plain HTTP to this machine. */
    private static void requireSafe(URI uri) {
        if ("https".equalsIgnoreCase(uri.getScheme())) {
            return;
        }
        boolean loopback;
        try {
            loopback = "http".equalsIgnoreCase(uri.getScheme()) && uri.getHost() != null
                    && InetAddress.getByName(uri.getHost()).isLoopbackAddress();
        } catch (UnknownHostException e) {
            loopback = false;
        }
        if (!loopback) {
            throw new RemoteOperationException("the endpoint's scoring URI " + uri + " is not HTTPS: not sending its "
                    + "key there", null);
        }
    }

    /**
     * Reads the server's answer to {@code POST /predict}.
     *
     * @throws ScoringException for a refusal (problem details) or an answer that is not a prediction
     */
    static EndpointPrediction readAnswer(String name, int status, String body) {
        JsonNode json;
        try {
            json = Json.MAPPER.readTree(body == null || body.isEmpty() ? "{}" : body);
        } catch (java.io.IOException e) {
            json = null;
        }
        if (status != 200 || json == null || !json.path("label").isTextual()) {
            String detail = json == null ? "" : json.path("detail").asText(json.path("message").asText(""));
            String code = json == null ? "" : json.path("error").asText("");
            throw new ScoringException("endpoint '" + name + "' answered " + status + (code.isEmpty() ? "" : " " + code)
                    + (detail.isEmpty() ? "" : ": " + Redact.text(detail)));
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        json.path("scores").properties().forEach(e -> scores.put(e.getKey(), e.getValue().asDouble()));
        List<String> labels = new ArrayList<>();
        json.path("labels").forEach(l -> labels.add(l.asText()));
        return new EndpointPrediction(json.path("label").asText(), json.path("score").asDouble(), scores, labels);
    }

    @Override
    public String logs(String workspace, String name, EndpointLogSource source, int tailLines) {
        dev.modelbuilder.core.model.Endpoint e = get(workspace, name);
        String deployment = e.deployment();
        if (deployment == null) {
            ArmResponse list = ArmClient.check(arm.send(HttpMethod.GET, arm.url(arm.workspacePath(workspace)
                    + "/onlineEndpoints/" + ArmClient.enc(name) + "/deployments"), null), "list deployments of '"
                    + name + "'", "endpoint", name);
            JsonNode first = list.json().path("value").path(0);
            deployment = Json.text(first, "/name");
        }
        if (deployment == null) {
            throw new InvalidStateException("endpoint '" + name + "' has no deployment, hence no logs");
        }
        return deploymentLogs(workspace, name, deployment, source == EndpointLogSource.SERVER ? "InferenceServer"
                : "StorageInitializer", tailLines);
    }

    /** {@code POST .../deployments/{d}/getLogs} ({@code DeploymentLogsRequest}). */
    String deploymentLogs(String workspace, String name, String deployment, String containerType, int tail) {
        ObjectNode body = Json.object();
        body.put("containerType", containerType);
        body.put("tail", tail);
        ArmResponse r = arm.send(HttpMethod.POST, arm.url(arm.workspacePath(workspace) + "/onlineEndpoints/"
                + ArmClient.enc(name) + "/deployments/" + ArmClient.enc(deployment) + "/getLogs"), body);
        ArmClient.check(r, "get the " + containerType + " log of deployment '" + deployment + "'", "deployment",
                deployment);
        String content = Json.text(r.json(), "/content");
        return content == null ? "" : content;
    }

    /**
     * Says what a failed deployment's error code means and what to do (Learn, "Troubleshooting online endpoint
     * deployment and scoring").
     *
     * @param code the service's code
     * @param message its message
     * @param workspace the workspace
     * @return advice
     */
    String advice(String code, String message, String workspace) {
        String c = code == null ? "" : code;
        return switch (c) {
            case "ImageBuildFailure" -> "Azure Machine Learning could not build the server's image. Its build log is in "
                    + "the workspace's default storage account, container 'azureml', under ImageLogs/<image build id>/"
                    + "build.log (the message above may name the exact place); in the studio, the environment '"
                    + ServerImage.ENVIRONMENT + "' shows it too. A registry behind a virtual network needs an image "
                    + "build compute; or build the image yourself from the Dockerfile and deploy it with --image.";
            case "OutOfQuota" -> "the subscription's quota does not cover the instances (Azure also reserves 20 % more "
                    + "for upgrades of most sizes), or the instance type has too little memory or disk for the model: "
                    + "request more quota in the Azure portal (Quotas, Machine Learning), delete endpoints you no "
                    + "longer use, or choose another instance type or fewer instances.";
            case "ResourceNotReady" -> "the server's container did not pass its liveness or readiness probe: it did "
                    + "not start, or did not load the model in time. Its own log lines are below (inference-server); "
                    + "a model that does not load, or too little memory for it, shows there. A bigger instance type "
                    + "starts faster.";
            case "OutOfCapacity" -> "Azure has no capacity for this instance type in the region now: retry later, or "
                    + "choose another instance type.";
            case "BadArgument" -> "Azure refused the deployment's settings or could not download the model or the "
                    + "image; the storage-initializer log below says which.";
            default -> "see the logs below, and Learn's 'Troubleshooting online endpoint deployment and scoring' for "
                    + "code " + (c.isEmpty() ? "(none)" : c) + ".";
        };
    }

    /**
     * @param error the service's error object
     * @return the first of the known deployment error codes found anywhere in it, else its top code
     */
    static String deploymentCode(JsonNode error) {
        List<String> known = List.of("ImageBuildFailure", "OutOfQuota", "ResourceNotReady", "OutOfCapacity",
                "BadArgument", "ResourceNotFound", "OperationCanceled");
        List<String> codes = new ArrayList<>();
        collectCodes(error, codes, 0);
        return codes.stream().filter(known::contains).findFirst().orElse(codes.isEmpty() ? null : codes.get(0));
    }

    private static void collectCodes(JsonNode node, List<String> codes, int depth) {
        if (node == null || depth > 8) {
            return;
        }
        if (node.path("code").isTextual()) {
            codes.add(node.path("code").asText());
        }
        for (JsonNode d : node.path("details")) {
            collectCodes(d, codes, depth + 1);
        }
        if (node.path("error").isObject()) {
            collectCodes(node.path("error"), codes, depth + 1);
        }
    }

    /** @return the service's error as details, for the exception */
    static ServiceErrorDetails details(JsonNode error, int status, String requestId, String code) {
        ServiceErrorDetails d = ArmErrors.details(error, status, requestId);
        return new ServiceErrorDetails(d.httpStatus(), code != null ? code : d.code(), d.message(), d.requestId());
    }

    static String lower(String s) {
        return s.toLowerCase(Locale.ROOT);
    }

    /** @return a wrapped failure for a step that went wrong in an unexpected way */
    static ModelBuilderException unexpected(String action, RuntimeException e) {
        return ArmErrors.unexpected(action, e);
    }
}
