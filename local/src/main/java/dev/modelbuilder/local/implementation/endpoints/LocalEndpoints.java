package dev.modelbuilder.local.implementation.endpoints;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.core.model.EndpointState;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.EndpointOperations;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.serving.ModelServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Endpoints of the local provider: each one is a {@link ModelServer} (the server of {@code modelbuilder serve}) in
 * this process, listening on a free port of 127.0.0.1. They live in a registry of the process, so that every local
 * provider of the process on the same root sees them (the command-line tool's {@code endpoints} commands), but
 * another process sees none; the provider that created one stops it when it is closed, and deleting it stops it.
 * Creating an endpoint that exists replaces its server with one for the new model. Thread-safe.
 */
public final class LocalEndpoints implements EndpointOperations {
    private static final Logger LOG = LoggerFactory.getLogger(LocalEndpoints.class);
    /** The instance type local endpoints report. */
    public static final String INSTANCE_TYPE = "local";
    private static final String TOKEN_PREFIX = "local:endpoint:";
    private static final int LOG_LINES = 1000;
    private static final Map<String, Running> REGISTRY = new ConcurrentHashMap<>();
    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path root;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    /** One endpoint of this process. */
    private static final class Running {
        final String workspace;
        final String name;
        final ModelServer server;
        final URI url;
        final Path model;
        final LocalEndpoints owner;
        final Deque<String> log = new ArrayDeque<>();

        Running(String workspace, String name, ModelServer server, URI url, Path model, LocalEndpoints owner) {
            this.workspace = workspace;
            this.name = name;
            this.server = server;
            this.url = url;
            this.model = model;
            this.owner = owner;
        }

        synchronized void log(String line) {
            log.addLast(Instant.now() + " " + line);
            while (log.size() > LOG_LINES) {
                log.removeFirst();
            }
        }

        synchronized String tail(int lines) {
            List<String> all = new ArrayList<>(log);
            return all.subList(Math.max(0, all.size() - lines), all.size()).stream()
                    .collect(Collectors.joining("\n", "", all.isEmpty() ? "" : "\n"));
        }
    }

    /** @param root the provider's root folder: endpoints are kept per root, workspace and name */
    public LocalEndpoints(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    private String key(String workspace, String name) {
        return root + "\n" + workspace + "\n" + name;
    }

    @Override
    public LongRunningOperation<Endpoint> beginCreateOrUpdate(String workspace, EndpointSpec spec,
            ProgressListener listener) {
        validate(spec);
        spec.optionsFor("local", dev.modelbuilder.core.model.EndpointOptions.class, () -> null);
        String description = "create endpoint '" + spec.name() + "'";
        long start = System.nanoTime();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.DEPLOY_MODEL));
        Running running;
        try {
            running = start(workspace, spec);
        } catch (RuntimeException e) {
            ProgressListener.emit(listener, new ProgressEvent.StepFailed(WorkStep.DEPLOY_MODEL, e.getMessage()));
            throw e;
        }
        ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.DEPLOY_MODEL,
                Duration.ofNanos(System.nanoTime() - start)));
        return PollingOperation.completed(description, toEndpoint(running), TOKEN_PREFIX + workspace + ":"
                + spec.name());
    }

    private synchronized Running start(String workspace, EndpointSpec spec) {
        String key = key(workspace, spec.name());
        ModelServer server = ModelServer.builder().withModel(spec.modelPackage()).withHost("127.0.0.1").withPort(0)
                .build();
        URI url;
        try {
            url = server.start();
        } catch (RuntimeException e) {
            server.close();
            throw e;
        }
        Running running = new Running(workspace, spec.name(), server, url, server.model(), this);
        running.log("serving " + running.model + " at " + url);
        Running previous = REGISTRY.put(key, running);
        if (previous != null) {
            LOG.info("endpoint '{}' serves a new model: stopping its previous server at {}", spec.name(),
                    previous.url);
            previous.server.close();
        }
        LOG.info("endpoint '{}' of workspace '{}' serves {} at {}", spec.name(), workspace, running.model, url);
        return running;
    }

    @Override
    public LongRunningOperation<Endpoint> resumeCreateOrUpdate(String resumeToken) {
        if (resumeToken == null || !resumeToken.startsWith(TOKEN_PREFIX) || resumeToken.indexOf(':',
                TOKEN_PREFIX.length()) < 0) {
            throw new ValidationException("resume token", resumeToken, "use a token from a local endpoint's create "
                    + "operation");
        }
        String rest = resumeToken.substring(TOKEN_PREFIX.length());
        int colon = rest.indexOf(':');
        String workspace = rest.substring(0, colon);
        String name = rest.substring(colon + 1);
        return PollingOperation.completed("create endpoint '" + name + "'", get(workspace, name), resumeToken);
    }

    @Override
    public Endpoint get(String workspace, String name) {
        return toEndpoint(require(workspace, name));
    }

    private Running require(String workspace, String name) {
        Running r = REGISTRY.get(key(workspace, name));
        if (r == null) {
            throw new ResourceNotFoundException("endpoint", name, "no local endpoint of that name runs in this process "
                    + "(local endpoints live as long as the process that created them): deploy it again");
        }
        return r;
    }

    @Override
    public PagedIterable<Endpoint> list(String workspace) {
        String prefix = root + "\n" + workspace + "\n";
        return PagedIterable.of(REGISTRY.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .map(e -> toEndpoint(e.getValue())).sorted((a, b) -> a.name().compareTo(b.name())).toList());
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
        Running r = REGISTRY.remove(key(workspace, name));
        if (r != null) {
            r.log("stopping");
            r.server.close();
            LOG.info("endpoint '{}' of workspace '{}' stopped", name, workspace);
        }
        return PollingOperation.completed("delete endpoint '" + name + "'", new Deletion("endpoint", name, r != null),
                "");
    }

    @Override
    public EndpointPrediction invoke(String workspace, String name, byte[] image) {
        Running r = require(workspace, name);
        HttpRequest request = HttpRequest.newBuilder(r.url.resolve("/predict")).timeout(Duration.ofMinutes(2))
                .header("Content-Type", "application/octet-stream")
                .POST(HttpRequest.BodyPublishers.ofByteArray(image)).build();
        HttpResponse<String> response;
        try {
            response = http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new InvalidStateException("endpoint '" + name + "' at " + r.url + " did not answer (" + e.getMessage()
                    + "): it may have stopped; deploy it again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelBuilderException("interrupted while scoring with endpoint '" + name + "'", e);
        }
        r.log("POST /predict " + image.length + " bytes -> " + response.statusCode());
        return read(name, response.statusCode(), response.body());
    }

    /**
     * Reads the server's answer to {@code POST /predict}.
     *
     * @param name the endpoint, for messages
     * @param status the HTTP status
     * @param body the body
     * @return the prediction
     * @throws ScoringException for a refusal (problem details) or an answer that is not a prediction
     */
    static EndpointPrediction read(String name, int status, String body) {
        JsonNode json;
        try {
            json = JSON.readTree(body == null ? "" : body);
        } catch (IOException e) {
            json = null;
        }
        if (status != 200 || json == null || !json.path("label").isTextual()) {
            String detail = json == null ? "" : json.path("detail").asText(json.path("title").asText(""));
            String code = json == null ? "" : json.path("error").asText("");
            throw new ScoringException("endpoint '" + name + "' answered " + status
                    + (code.isEmpty() ? "" : " " + code) + (detail.isEmpty() ? "" : ": " + detail));
        }
        Map<String, Double> scores = new LinkedHashMap<>();
        for (Map.Entry<String, JsonNode> e : json.path("scores").properties()) {
            scores.put(e.getKey(), e.getValue().asDouble());
        }
        List<String> labels = new ArrayList<>();
        json.path("labels").forEach(l -> labels.add(l.asText()));
        return new EndpointPrediction(json.path("label").asText(), json.path("score").asDouble(), scores, labels);
    }

    @Override
    public String logs(String workspace, String name, EndpointLogSource source, int tailLines) {
        Running r = require(workspace, name);
        return source == EndpointLogSource.SERVER ? r.tail(tailLines) : "";
    }

    private static Endpoint toEndpoint(Running r) {
        return new Endpoint(r.name, r.workspace, EndpointState.SUCCEEDED, r.url.resolve("/predict"), null,
                INSTANCE_TYPE, 1, r.model.toString(), Map.of(), null);
    }

    /**
     * Waits until an endpoint's server stops: deleted, its provider closed, or the JVM's shutdown (Ctrl-C).
     *
     * @param workspace the workspace
     * @param name the endpoint
     * @throws dev.modelbuilder.core.exception.InvalidStateException if the waiting thread is interrupted (its
     *     interrupt flag stays set); the endpoint goes on serving
     * @throws ResourceNotFoundException when no such endpoint runs in this process
     */
    public void awaitStopped(String workspace, String name) {
        require(workspace, name).server.awaitShutdown();
    }

    /** Stops the endpoints this instance created; the others of the process go on. */
    public void close() {
        for (Iterator<Running> it = REGISTRY.values().iterator(); it.hasNext();) {
            Running r = it.next();
            if (r.owner == this) {
                it.remove();
                r.log("stopping: its provider was closed");
                r.server.close();
            }
        }
    }

    @Override
    public String toString() {
        return "LocalEndpoints[" + Objects.toString(root) + "]";
    }
}
