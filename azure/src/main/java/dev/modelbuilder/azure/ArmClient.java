package dev.modelbuilder.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends requests to Azure Resource Manager (and the workspace's data-plane hosts) through the synchronous
 * azure-core pipeline ({@code HttpPipeline.sendSync}): retries, bearer token, optional HTTP logging. Answers come
 * back whole, whatever their status; {@link #check} turns error answers into typed exceptions.
 */
final class ArmClient {
    static final String API_VERSION = "2024-04-01";
    /** Microsoft.Resources (template deployments). */
    static final String RESOURCES_API_VERSION = "2021-04-01";
    static final String PROVIDER = "Microsoft.MachineLearningServices";
    /** Microsoft.Resources subscriptions ({@code Subscriptions_Get}, which names the subscription's tenant). */
    static final String SUBSCRIPTIONS_API_VERSION = "2022-12-01";
    private static final Logger LOG = LoggerFactory.getLogger(ArmClient.class);

    private final HttpPipeline pipeline;
    private final HttpPipeline quietPipeline;
    private final String endpoint;
    private final String endpointHost;
    private final String subscriptionId;
    private final String resourceGroup;

    /**
     * @param pipeline the pipeline for all requests
     * @param quietPipeline the same without HTTP logging, for answers that carry secrets
     * @param endpoint the Resource Manager endpoint, e.g. {@code https://management.azure.com}
     * @param subscriptionId the subscription
     * @param resourceGroup the resource group
     */
    ArmClient(HttpPipeline pipeline, HttpPipeline quietPipeline, String endpoint, String subscriptionId,
            String resourceGroup) {
        this.pipeline = pipeline;
        this.quietPipeline = quietPipeline;
        this.endpoint = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        this.endpointHost = URI.create(this.endpoint).getAuthority().toLowerCase(Locale.ROOT);
        this.subscriptionId = subscriptionId;
        this.resourceGroup = resourceGroup;
    }

    private final Object tenantLock = new Object();
    private volatile boolean tenantKnown;
    private volatile String tenantId;

    String subscriptionId() {
        return subscriptionId;
    }

    /**
     * The subscription's tenant, for studio links ({@code &tid=}): Resource Manager's {@code GET /subscriptions/{id}}
     * ({@code tenantId}), asked once per provider. A studio link works without it, so a failure only leaves it out.
     *
     * @return the tenant id, or {@code null} when Resource Manager did not say
     */
    String tenantId() {
        if (!tenantKnown) {
            synchronized (tenantLock) {
                if (!tenantKnown) {
                    try {
                        ArmResponse r = send(HttpMethod.GET, urlWithVersion("/subscriptions/" + enc(subscriptionId),
                                SUBSCRIPTIONS_API_VERSION), null);
                        if (r.isSuccess()) {
                            tenantId = Json.text(r.json(), "/tenantId");
                        } else {
                            LOG.debug("the subscription's tenant is unknown ({}); studio links name none",
                                    ArmErrors.details(r).describe());
                        }
                    } catch (ModelBuilderException e) {
                        LOG.debug("the subscription's tenant is unknown ({}); studio links name none", e.getMessage());
                    }
                    tenantKnown = true;
                }
            }
        }
        return tenantId;
    }

    /**
     * @param link a studio link, or {@code null}
     * @return the link with {@code tid=<tenant>} added when it names no tenant and the tenant is known
     */
    String withTenant(String link) {
        if (link == null || link.contains("tid=")) {
            return link;
        }
        String tenant = tenantId();
        return tenant == null ? link : link + (link.contains("?") ? "&" : "?") + "tid=" + enc(tenant);
    }

    String resourceGroup() {
        return resourceGroup;
    }

    String endpoint() {
        return endpoint;
    }

    /** @return {@code /subscriptions/{sub}/resourceGroups/{rg}} */
    String resourceGroupPath() {
        return "/subscriptions/" + enc(subscriptionId) + "/resourceGroups/" + enc(resourceGroup);
    }

    /** @return {@code /subscriptions/{sub}/providers/Microsoft.MachineLearningServices} */
    String subscriptionProviderPath() {
        return "/subscriptions/" + enc(subscriptionId) + "/providers/" + PROVIDER;
    }

    /**
     * @param workspace a workspace name
     * @return the workspace's ARM path
     */
    String workspacePath(String workspace) {
        return resourceGroupPath() + "/providers/" + PROVIDER + "/workspaces/" + enc(workspace);
    }

    /**
     * @param path an ARM path
     * @param query extra query parameters (name, value pairs)
     * @return the URL with the 2024-04-01 api-version
     */
    String url(String path, String... query) {
        return urlWithVersion(path, API_VERSION, query);
    }

    /**
     * @param path an ARM path
     * @param apiVersion the api-version
     * @param query extra query parameters (name, value pairs)
     * @return the URL
     */
    String urlWithVersion(String path, String apiVersion, String... query) {
        Map<String, String> q = new LinkedHashMap<>();
        q.put("api-version", apiVersion);
        for (int i = 0; i + 1 < query.length; i += 2) {
            q.put(query[i], query[i + 1]);
        }
        StringBuilder b = new StringBuilder(endpoint).append(path);
        char sep = '?';
        for (Map.Entry<String, String> e : q.entrySet()) {
            b.append(sep).append(enc(e.getKey())).append('=').append(enc(e.getValue()));
            sep = '&';
        }
        return b.toString();
    }

    static String enc(String segment) {
        return URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
    }

    /**
     * Sends a request to Resource Manager.
     *
     * @param method the method
     * @param url a URL from {@link #url}
     * @param body the JSON body, or {@code null}
     * @return the answer, whatever its status
     */
    ArmResponse send(HttpMethod method, String url, JsonNode body) {
        return send(pipeline, method, url, body);
    }

    /**
     * Like {@link #send}, without HTTP logging whatever the HTTP log options say: for answers that carry secrets
     * (datastore {@code listSecrets}).
     */
    ArmResponse sendQuietly(HttpMethod method, String url, JsonNode body) {
        return send(quietPipeline, method, url, body);
    }

    /**
     * Follows a URL that Resource Manager handed out (polling, next page): it must be on the Resource Manager host,
     * since the request carries the credential's token.
     *
     * @param url an absolute URL from a header or a {@code nextLink}
     * @return the answer
     */
    ArmResponse follow(String url) {
        URI uri;
        try {
            uri = URI.create(url);
        } catch (IllegalArgumentException e) {
            throw new RemoteOperationException("Azure Resource Manager handed out a URL that is not one ("
                    + Redact.url(url) + ")", null);
        }
        if (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getAuthority() == null
                || !uri.getAuthority().toLowerCase(Locale.ROOT).equals(endpointHost)) {
            throw new RemoteOperationException("Azure Resource Manager handed out a URL on another host ("
                    + uri.getScheme() + "://" + uri.getAuthority() + "); not sending the token there", null);
        }
        return send(pipeline, HttpMethod.GET, url, null);
    }

    /**
     * Sends to a workspace data-plane host (MLflow tracking, run history) named by Resource Manager.
     *
     * @param method the method
     * @param url the absolute HTTPS URL
     * @param body the JSON body, or {@code null}
     * @return the answer
     */
    ArmResponse sendDataPlane(HttpMethod method, String url, JsonNode body) {
        return send(pipeline, method, url, body);
    }

    private ArmResponse send(HttpPipeline via, HttpMethod method, String url, JsonNode body) {
        HttpRequest request = new HttpRequest(method, url);
        request.setHeader(HttpHeaderName.ACCEPT, "application/json");
        if (body != null) {
            request.setHeader(HttpHeaderName.CONTENT_TYPE, "application/json");
            request.setBody(BinaryData.fromBytes(Json.bytes(body)));
        }
        String path = URI.create(url).getRawPath();
        try (HttpResponse response = via.sendSync(request, Context.NONE)) {
            BinaryData data = response.getBodyAsBinaryData();
            byte[] bytes = data == null ? new byte[0] : data.toBytes();
            ArmResponse r = new ArmResponse(method.name(), path, response.getStatusCode(), response.getHeaders(),
                    bytes);
            LOG.debug("{} {} -> {} (request id {})", method, path, r.status(), r.requestId());
            return r;
        } catch (ModelBuilderException e) {
            throw e;
        } catch (RuntimeException e) {
            if (Thread.currentThread().isInterrupted() || hasCause(e, InterruptedException.class)) {
                Thread.currentThread().interrupt();
                throw new ModelBuilderException("interrupted during " + method + " " + path, e);
            }
            throw new RemoteOperationException("could not reach " + URI.create(url).getAuthority() + " for " + method
                    + " " + path + " (" + Redact.text(rootMessage(e)) + ")", null, e);
        }
    }

    private static boolean hasCause(Throwable e, Class<? extends Throwable> type) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }

    private static String rootMessage(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage());
    }

    /**
     * @param r an answer
     * @param action what was being done, for the error message
     * @param resourceType the kind of resource addressed
     * @param resourceName its name
     * @return the answer when it is a success
     * @throws dev.modelbuilder.core.exception.ModelBuilderException the typed error otherwise
     */
    static ArmResponse check(ArmResponse r, String action, String resourceType, String resourceName) {
        if (r.isSuccess()) {
            return r;
        }
        ModelBuilderException e = ArmErrors.toException(r, action, resourceType, resourceName);
        LOG.warn("{}: {}", action, e.getMessage());
        throw e;
    }
}
