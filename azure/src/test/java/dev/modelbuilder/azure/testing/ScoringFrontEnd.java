package dev.modelbuilder.azure.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.modelbuilder.azure.testing.EndpointResources.Deployment;
import dev.modelbuilder.azure.testing.EndpointResources.OnlineEndpoint;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * The scoring front end of the {@link ArmEmulator}'s online endpoints, on plain HTTP at 127.0.0.1 (their
 * {@code scoringUri}): it checks the key ({@code Authorization: Bearer}), picks the deployment by the
 * {@code azureml-model-deployment} header or the traffic, and forwards the body to the instance's scoring route, as
 * Azure's front end does.
 */
final class ScoringFrontEnd implements AutoCloseable {
    /** The emulator whose endpoints this front end serves; its lock guards them. */
    private final EndpointResources emulator;
    private final HttpClient forward = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    private final List<String> scoringRequests = new CopyOnWriteArrayList<>();
    private final List<String> scoredImages = new CopyOnWriteArrayList<>();
    private volatile URI scoringTarget;
    private HttpServer server;

    ScoringFrontEnd(EndpointResources emulator) {
        this.emulator = emulator;
    }

    /** Forgets the instance and what was forwarded; the server, once started, keeps its port. */
    void reset() {
        scoringRequests.clear();
        scoredImages.clear();
        scoringTarget = null;
    }

    void setScoringTarget(URI serverUrl) {
        this.scoringTarget = serverUrl;
    }

    /** @return the server every deployment's instance is, or {@code null} when the test named none */
    URI scoringTarget() {
        return scoringTarget;
    }

    /** @return one line per request forwarded: endpoint, deployment, instance path */
    List<String> scoringRequests() {
        return List.copyOf(scoringRequests);
    }

    /** @return the SHA-256 (hex) of each body forwarded, in order */
    List<String> scoredImages() {
        return List.copyOf(scoredImages);
    }

    /** @return the front end's base URL, starting it on first use */
    synchronized String url() {
        if (server == null) {
            try {
                server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 16);
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            server.createContext("/", this::score);
            server.setExecutor(emulator.threads);
            server.start();
        }
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @Override
    public synchronized void close() {
        if (server != null) {
            server.stop(0);
        }
    }

    private void score(HttpExchange ex) {
        try (ex) {
            String[] parts = ex.getRequestURI().getPath().split("/");
            byte[] body;
            try (InputStream in = ex.getRequestBody()) {
                body = in.readAllBytes();
            }
            URI target;
            String deployment;
            synchronized (emulator) {
                OnlineEndpoint e = parts.length == 4 && parts[3].equals("score")
                        ? emulator.endpointAt(parts[1], parts[2]) : null;
                if (e == null) {
                    reply(ex, 404, "{\"message\":\"no such endpoint\"}");
                    return;
                }
                String auth = ex.getRequestHeaders().getFirst("Authorization");
                if (auth == null || !(auth.equals("Bearer " + e.primaryKey) || auth.equals("Bearer " + e.secondaryKey))) {
                    reply(ex, 401, "{\"message\":\"key_auth_access_denied\"}");
                    return;
                }
                deployment = ex.getRequestHeaders().getFirst("azureml-model-deployment");
                if (deployment == null) {
                    deployment = e.resource.path("properties").path("traffic").properties().stream()
                            .filter(t -> t.getValue().asInt() > 0).map(Map.Entry::getKey).findFirst().orElse(null);
                }
                Deployment d = deployment == null ? null : e.deployments.get(deployment);
                if (d == null || !d.state.equals("Succeeded") || scoringTarget == null) {
                    reply(ex, 404, "{\"message\":\"No valid deployments to route to.\"}");
                    return;
                }
                target = scoringTarget.resolve(d.scoringPath);
                scoringRequests.add(e.name + " " + d.name + " " + d.scoringPath);
                scoredImages.add(JobResources.hex(body));
            }
            String type = ex.getRequestHeaders().getFirst("Content-Type");
            HttpResponse<byte[]> r = forward.send(HttpRequest.newBuilder(target).timeout(Duration.ofSeconds(60))
                    .header("Content-Type", type == null ? "application/octet-stream" : type)
                    .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build(), HttpResponse.BodyHandlers.ofByteArray());
            r.headers().firstValue("Content-Type").ifPresent(t -> ex.getResponseHeaders().set("Content-Type", t));
            ex.getResponseHeaders().set("azureml-model-deployment", deployment);
            ex.sendResponseHeaders(r.statusCode(), r.body().length == 0 ? -1 : r.body().length);
            try (OutputStream out = ex.getResponseBody()) {
                out.write(r.body());
            }
        } catch (IOException | InterruptedException e) {
            emulator.violations.add("scoring front end: " + e);
        }
    }

    private static void reply(HttpExchange ex, int status, String json) throws IOException {
        byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length);
        try (OutputStream out = ex.getResponseBody()) {
            out.write(bytes);
        }
    }
}
