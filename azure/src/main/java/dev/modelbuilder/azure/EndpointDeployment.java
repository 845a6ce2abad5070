package dev.modelbuilder.azure;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.DeploymentFailedException;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import javax.imageio.ImageIO;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Creating (or updating) a managed online endpoint, one step per poll so that waiting on it drives it, with no thread
 * of its own:
 *
 * <ol>
 *   <li>upload the model and register its version, and the server's environment version ({@link EndpointAssets});
 *   <li>create the endpoint ({@code PUT onlineEndpoints/{name}}, {@code authMode: Key}, system-assigned identity),
 *       following {@code Azure-AsyncOperation};
 *   <li>create the deployment ({@code PUT .../deployments/{d}}: {@code Managed}, the instance type and count, the
 *       model and environment ids, probes and request settings fitted to a JVM's start), following
 *       {@code Azure-AsyncOperation} with the elapsed time reported; on failure fetch both containers' logs
 *       ({@code getLogs}) and fail with the error code's advice ({@link DeploymentFailedException});
 *   <li>route all traffic to it with a full endpoint PUT ({@code traffic: {d: 100}});
 *   <li>smoke-test: score a sample image through the scoring URI with the endpoint's key and check that the answer's
 *       labels are the model's.
 * </ol>
 *
 * Polls honour the service's {@code Retry-After}; local steps poll again at once. A failure of a request is thrown
 * from the poll that made it, and the next poll tries that step again.
 */
final class EndpointDeployment extends PollingOperation<Endpoint> {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointDeployment.class);
    /** How often the elapsed time of a deployment is reported, at most. */
    private static final Duration ELAPSED_EVERY = Duration.ofSeconds(30);
    /**
     * How deep the model folder is searched for a sample image: a project generated into it keeps its sample 9 folders
     * down with the default group id ({@code com.example}), one more per further segment of the group id, and one more
     * when the projects went into a sub-folder.
     */
    private static final int SAMPLE_SEARCH_DEPTH = 12;
    private static final List<String> IMAGE_EXTENSIONS = List.of(".jpg", ".jpeg", ".png", ".bmp", ".gif", ".webp",
            ".tif", ".tiff");

    private enum Stage { ASSETS, ENDPOINT, DEPLOYMENT, TRAFFIC, SMOKE_TEST, DONE }

    private final AzureEndpoints endpoints;
    private final String workspace;
    private final String location;
    private final EndpointSpec spec;
    private final AzureEndpointOptions options;
    private final AzureOnlineSkus.Sku sku;
    private final ServerImage.Context context;
    private final ProgressListener listener;
    private final String token;
    private Stage stage = Stage.ASSETS;
    private EndpointAssets.Registered model;
    private EndpointAssets.Registered environment;
    private String pollUrl;
    private String stateUrl;
    private Instant stepStart;
    private Instant lastElapsed;
    private String lastState;
    private volatile ModelBuilderException failure;

    EndpointDeployment(AzureEndpoints endpoints, String workspace, String location, EndpointSpec spec,
            AzureEndpointOptions options, AzureOnlineSkus.Sku sku, ServerImage.Context context,
            ProgressListener listener) {
        super("create endpoint '" + spec.name() + "'", PollResponse.inProgress(Duration.ZERO), listener,
                endpoints.settings.pollInterval(), endpoints.settings.clock(), endpoints.settings.sleeper(), false);
        this.endpoints = endpoints;
        this.workspace = workspace;
        this.location = location;
        this.spec = spec;
        this.options = options;
        this.sku = sku;
        this.context = context;
        this.listener = listener == null ? ProgressListener.none() : listener;
        this.token = AzureEndpoints.TOKEN_PREFIX + workspace + ":" + spec.name() + ":" + options.deploymentName();
    }

    @Override
    public String resumeToken() {
        return token;
    }

    private Instant now() {
        return endpoints.settings.clock().instant();
    }

    private void started(WorkStep step) {
        stepStart = now();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(step));
    }

    private void completed(WorkStep step) {
        ProgressListener.emit(listener, new ProgressEvent.StepCompleted(step, Duration.between(stepStart, now())));
    }

    private PollResponse<Endpoint> failed(WorkStep step, ModelBuilderException e) {
        failure = e;
        ProgressListener.emit(listener, new ProgressEvent.StepFailed(step, e.getMessage()));
        return new PollResponse<>(OperationStatus.FAILED, null, null,
                e instanceof RemoteOperationException r ? r.details().orElse(null) : null);
    }

    @Override
    protected PollResponse<Endpoint> pollOnce() {
        return switch (stage) {
            case ASSETS -> assets();
            case ENDPOINT -> endpoint();
            case DEPLOYMENT -> deployment();
            case TRAFFIC -> traffic();
            case SMOKE_TEST -> smokeTest();
            case DONE -> PollResponse.succeeded(endpoints.get(workspace, spec.name()));
        };
    }

    private PollResponse<Endpoint> assets() {
        started(WorkStep.UPLOAD_MODEL);
        try {
            int labels = labels().size();
            model = endpoints.assets.registerModel(workspace, spec.name(), spec.modelPackage(), labels, listener);
            environment = endpoints.assets.registerEnvironment(workspace, options.image(), context, listener);
        } catch (ModelBuilderException e) {
            ProgressListener.emit(listener, new ProgressEvent.StepFailed(WorkStep.UPLOAD_MODEL, e.getMessage()));
            throw e;
        }
        log("model " + model.name() + ":" + model.version() + (model.reused() ? " (already registered)" : "")
                + ", environment " + environment.name() + ":" + environment.version()
                + (environment.reused() ? " (already registered)" : ""));
        completed(WorkStep.UPLOAD_MODEL);
        started(WorkStep.DEPLOY_MODEL);
        stage = Stage.ENDPOINT;
        return PollResponse.inProgress(Duration.ZERO);
    }

    private PollResponse<Endpoint> endpoint() {
        if (pollUrl == null && stateUrl == null) {
            ArmResponse r = endpoints.putEndpoint(workspace, location, spec.name());
            if (r == null) {
                stage = Stage.DEPLOYMENT;
                return PollResponse.inProgress(Duration.ZERO);
            }
            follow(r, endpoints.endpointUrl(workspace, spec.name()));
            log("endpoint '" + spec.name() + "': " + state(r));
            return PollResponse.inProgress(r.retryAfter());
        }
        Poll p = pollRemote();
        if (p.status == null) {
            return PollResponse.inProgress(p.retryAfter);
        }
        if (!p.status.equals(OperationStatus.SUCCEEDED)) {
            String code = AzureEndpoints.deploymentCode(p.error);
            return failed(WorkStep.DEPLOY_MODEL, new RemoteOperationException("creating endpoint '" + spec.name()
                    + "' ended as " + p.status, AzureEndpoints.details(p.error, 200, null, code)));
        }
        pollUrl = null;
        stateUrl = null;
        stage = Stage.DEPLOYMENT;
        return PollResponse.inProgress(Duration.ZERO);
    }

    private PollResponse<Endpoint> deployment() {
        String d = options.deploymentName();
        if (pollUrl == null && stateUrl == null) {
            LOG.info("deploying {}:{} to endpoint '{}' as deployment '{}' ({} x {})", model.name(), model.version(),
                    spec.name(), d, spec.instanceCount(), sku.name());
            ArmResponse r = endpoints.arm.send(HttpMethod.PUT, endpoints.deploymentUrl(workspace, spec.name(), d),
                    deploymentBody());
            ArmClient.check(r, "create deployment '" + d + "' of endpoint '" + spec.name() + "'", "deployment", d);
            follow(r, endpoints.deploymentUrl(workspace, spec.name(), d));
            lastElapsed = now();
            lastState = null;
            log("deployment '" + d + "': " + state(r) + " (a first deployment builds the image and starts the "
                    + "instances: 15-20 minutes is common)");
            return PollResponse.inProgress(r.retryAfter());
        }
        Poll p = pollRemote();
        Duration elapsed = Duration.between(stepStart, now());
        if (p.status == null) {
            String state = deploymentState();
            if (!state.equals(lastState) || Duration.between(lastElapsed, now()).compareTo(ELAPSED_EVERY) >= 0) {
                lastState = state;
                lastElapsed = now();
                ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.DEPLOY_MODEL,
                        elapsed.toSeconds(), -1, "s elapsed, deployment " + state));
            }
            return PollResponse.inProgress(p.retryAfter);
        }
        if (!p.status.equals(OperationStatus.SUCCEEDED)) {
            return failed(WorkStep.DEPLOY_MODEL, deploymentFailure(p.error));
        }
        log("deployment '" + d + "' succeeded after " + elapsed.toSeconds() + " s");
        pollUrl = null;
        stateUrl = null;
        stage = Stage.TRAFFIC;
        return PollResponse.inProgress(Duration.ZERO);
    }

    private String deploymentState() {
        ArmResponse r = endpoints.arm.send(HttpMethod.GET, endpoints.deploymentUrl(workspace, spec.name(),
                options.deploymentName()), null);
        String s = r.isSuccess() ? Json.text(r.json(), "/properties/provisioningState") : null;
        return s == null ? "Creating" : s;
    }

    private PollResponse<Endpoint> traffic() {
        if (pollUrl == null && stateUrl == null) {
            ArmResponse r = endpoints.putTraffic(workspace, location, spec.name(), options.deploymentName());
            follow(r, endpoints.endpointUrl(workspace, spec.name()));
            return PollResponse.inProgress(r.retryAfter());
        }
        Poll p = pollRemote();
        if (p.status == null) {
            return PollResponse.inProgress(p.retryAfter);
        }
        if (!p.status.equals(OperationStatus.SUCCEEDED)) {
            return failed(WorkStep.DEPLOY_MODEL, new RemoteOperationException("routing the traffic of endpoint '"
                    + spec.name() + "' to deployment '" + options.deploymentName() + "' ended as " + p.status,
                    AzureEndpoints.details(p.error, 200, null, AzureEndpoints.deploymentCode(p.error))));
        }
        pollUrl = null;
        stateUrl = null;
        log("endpoint '" + spec.name() + "' sends all traffic to deployment '" + options.deploymentName() + "'");
        warnOfOtherDeployments();
        completed(WorkStep.DEPLOY_MODEL);
        stage = Stage.SMOKE_TEST;
        return PollResponse.inProgress(Duration.ZERO);
    }

    /** Deployments that no longer get traffic still run their instances, which bill: say so. */
    private void warnOfOtherDeployments() {
        ArmResponse r = endpoints.arm.send(HttpMethod.GET, endpoints.arm.url(endpoints.arm.workspacePath(workspace)
                + "/onlineEndpoints/" + ArmClient.enc(spec.name()) + "/deployments"), null);
        if (!r.isSuccess()) {
            return;
        }
        for (JsonNode d : r.json().path("value")) {
            String other = Json.text(d, "/name");
            if (other != null && !other.equals(options.deploymentName())) {
                log("deployment '" + other + "' gets no traffic now but its " + Json.integer(d, "/sku/capacity", 0)
                        + " instance(s) of " + Json.text(d, "/properties/instanceType") + " still bill: delete it "
                        + "(studio, Endpoints, " + spec.name() + ") when you no longer need to roll back to it");
            }
        }
    }

    private PollResponse<Endpoint> smokeTest() {
        Endpoint e = endpoints.get(workspace, spec.name());
        if (!options.smokeTest()) {
            stage = Stage.DONE;
            return PollResponse.succeeded(e);
        }
        started(WorkStep.TEST_ENDPOINT);
        if (e.scoringUri() == null) {
            return failed(WorkStep.TEST_ENDPOINT, new RemoteOperationException("endpoint '" + spec.name()
                    + "' names no scoring URI", null));
        }
        Path sample = sampleImage();
        byte[] image;
        try {
            image = sample != null ? Files.readAllBytes(sample) : generatedImage();
        } catch (IOException ex) {
            throw new FileAccessException(sample, "cannot read " + sample + ": " + ex.getMessage(), ex);
        }
        EndpointPrediction answer;
        try {
            answer = endpoints.score(workspace, spec.name(), e.scoringUri(), options.deploymentName(), image);
        } catch (ScoringException | RemoteOperationException ex) {
            return failed(WorkStep.TEST_ENDPOINT, ex);
        }
        LabelMap labels = labels();
        List<String> known = new ArrayList<>();
        for (int i = 0; i < labels.size(); i++) {
            known.add(labels.label(i));
        }
        List<String> foreign = new ArrayList<>(answer.labels());
        foreign.addAll(answer.scores().keySet());
        foreign.removeAll(known);
        if (!known.contains(answer.label()) || !foreign.isEmpty()) {
            return failed(WorkStep.TEST_ENDPOINT, new ScoringException("endpoint '" + spec.name() + "' answered "
                    + "labels the model does not have (" + answer.label() + (foreign.isEmpty() ? "" : ", " + foreign)
                    + "; the model's: " + known + "): it serves another model"));
        }
        log("scored " + (sample != null ? sample.getFileName() : "a generated image") + " through "
                + e.scoringUri() + ": " + answer.label() + String.format(Locale.ROOT, " (%.3f)", answer.score()));
        completed(WorkStep.TEST_ENDPOINT);
        stage = Stage.DONE;
        return PollResponse.succeeded(e);
    }

    private LabelMap labels() {
        return ModelPackage.read(spec.modelPackage(), ModelPackage.Limits.defaults(), null).labels();
    }

    /**
     * The image the smoke test scores: the options' own, else the one a project generated into the model folder carries
     * ({@code sample.<ext>}, which {@code modelbuilder generate --sample-image} copies into the console project's
     * resources: {@code <Name>.ConsoleApp/src/main/resources/<group as folders>/<name>/consoleapp/}), else the
     * image nearest to the model folder's top (by depth, then by path), else {@code null} (a generated image).
     */
    private Path sampleImage() {
        if (options.sampleImage() != null) {
            return options.sampleImage();
        }
        Path folder = spec.modelPackage().toAbsolutePath().getParent();
        try (Stream<Path> files = Files.walk(folder, SAMPLE_SEARCH_DEPTH)) {
            return files.filter(Files::isRegularFile).filter(EndpointDeployment::isImage)
                    .min(Comparator.comparing((Path f) -> !isGeneratedSample(folder.relativize(f)))
                            .thenComparingInt(f -> folder.relativize(f).getNameCount())
                            .thenComparing(Path::toString))
                    .orElse(null);
        } catch (IOException | java.io.UncheckedIOException ex) {
            return null;
        }
    }

    private static boolean isImage(Path file) {
        String name = file.getFileName().toString().toLowerCase(Locale.ROOT);
        return IMAGE_EXTENSIONS.stream().anyMatch(name::endsWith);
    }

    /** @param relative a file's path relative to the model folder (a model kept in resources is not a project) */
    private static boolean isGeneratedSample(Path relative) {
        Path parent = relative.getParent();
        return relative.getFileName().toString().toLowerCase(Locale.ROOT).startsWith("sample.") && parent != null
                && ("/" + parent.toString().replace('\\', '/') + "/").contains("/src/main/resources/");
    }

    /** @return a 224 x 224 PNG of colour gradients, for a model folder without an image */
    static byte[] generatedImage() throws IOException {
        BufferedImage img = new BufferedImage(224, 224, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 224; y++) {
            for (int x = 0; x < 224; x++) {
                img.setRGB(x, y, (x * 255 / 223) << 16 | (y * 255 / 223) << 8 | ((x + y) * 255 / 446));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    /**
     * The deployment's body ({@code OnlineDeploymentTrackedResource} with {@code ManagedOnlineDeployment}
     * properties). Probes are fitted to the JVM: the liveness probe ({@code /health/live}) waits 30 s, then allows 30
     * failures 10 s apart (5 minutes) before Azure restarts the container; the readiness probe ({@code /health}, 200
     * once the model is loaded) allows 60 failures (10 minutes); each probe may take 5 s (Azure's 2 s default is
     * short for a JVM under load). Requests may take 60 s (the first ones compile the code paths), and each instance
     * takes as many at once as it has vCPUs.
     */
    ObjectNode deploymentBody() {
        ObjectNode body = Json.object();
        body.put("location", location);
        ObjectNode skuNode = body.putObject("sku");
        skuNode.put("name", "Default");
        skuNode.put("capacity", spec.instanceCount());
        ObjectNode p = body.putObject("properties");
        p.put("endpointComputeType", "Managed");
        p.put("description", "MLModel.zip " + model.name() + ":" + model.version() + " on the server of Model Builder "
                + "for Java " + ServerImage.version());
        p.put("instanceType", sku.name());
        p.put("model", model.id());
        p.put("environmentId", environment.id());
        p.putObject("scaleSettings").put("scaleType", "Default");
        ObjectNode request = p.putObject("requestSettings");
        request.put("requestTimeout", "PT60S");
        request.put("maxConcurrentRequestsPerInstance", Math.max(1, sku.vcpus()));
        probe(p.putObject("livenessProbe"), "PT30S", 30);
        probe(p.putObject("readinessProbe"), "PT10S", 60);
        p.put("appInsightsEnabled", false);
        p.put("egressPublicNetworkAccess", "Enabled");
        ObjectNode tags = body.putObject("tags");
        tags.put("createdBy", "modelbuilder-java");
        tags.put("model", model.name() + ":" + model.version());
        return body;
    }

    private static void probe(ObjectNode probe, String initialDelay, int failureThreshold) {
        probe.put("initialDelay", initialDelay);
        probe.put("period", "PT10S");
        probe.put("timeout", "PT5S");
        probe.put("failureThreshold", failureThreshold);
        probe.put("successThreshold", 1);
    }

    /** What one poll of a remote operation found: no status while it runs. */
    private record Poll(OperationStatus status, Duration retryAfter, JsonNode error) {
    }

    private void follow(ArmResponse r, String resourceUrl) {
        String async = r.header(ArmResponse.ASYNC_OPERATION);
        pollUrl = async;
        stateUrl = async == null ? resourceUrl : null;
    }

    private Poll pollRemote() {
        if (pollUrl != null) {
            ArmResponse r = endpoints.arm.follow(pollUrl);
            ArmClient.check(r, description(), "operation", description());
            String status = Json.text(r.json(), "/status");
            OperationStatus s = OperationStatus.fromString(status == null ? "InProgress" : status);
            return s.isTerminal() ? new Poll(s, r.retryAfter(), r.json().path("error"))
                    : new Poll(null, r.retryAfter(), null);
        }
        ArmResponse r = endpoints.arm.send(HttpMethod.GET, stateUrl, null);
        ArmClient.check(r, description(), "resource", description());
        String state = Json.text(r.json(), "/properties/provisioningState");
        OperationStatus s = OperationStatus.fromString(state == null ? "Succeeded" : state);
        return s.isTerminal() ? new Poll(s, r.retryAfter(), r.json().path("properties").path("error"))
                : new Poll(null, r.retryAfter(), null);
    }

    private static String state(ArmResponse r) {
        String s = Json.text(r.json(), "/properties/provisioningState");
        return s == null ? "accepted" : s;
    }

    /** Fetches both containers' logs and names the error code's remedy. */
    private DeploymentFailedException deploymentFailure(JsonNode error) {
        String d = options.deploymentName();
        String code = AzureEndpoints.deploymentCode(error);
        ServiceErrorDetails details = AzureEndpoints.details(error, 200, null, code);
        Map<String, String> logs = new LinkedHashMap<>();
        for (String[] container : new String[][] {{"storage-initializer", "StorageInitializer"},
                {"inference-server", "InferenceServer"}}) {
            try {
                logs.put(container[0], endpoints.deploymentLogs(workspace, spec.name(), d, container[1], 100));
            } catch (ModelBuilderException ex) {
                logs.put(container[0], "(no log: " + ex.getMessage() + ")");
            }
        }
        String message = "deployment '" + d + "' of endpoint '" + spec.name() + "' failed ("
                + (code == null ? "no error code" : code) + "). " + endpoints.advice(code, details.message(),
                        workspace)
                + " A failed deployment may keep its instances: delete the endpoint with 'modelbuilder endpoints "
                + "delete " + spec.name() + "' (or Endpoints.delete) unless you retry at once";
        LOG.warn("{}", message);
        return new DeploymentFailedException(message, details, logs);
    }

    private void log(String line) {
        LOG.info("{}", line);
        ProgressListener.emit(listener, new ProgressEvent.LogLine("endpoint " + spec.name(), line));
    }

    @Override
    public synchronized Endpoint finalResult() {
        ModelBuilderException f = failure;
        if (f != null) {
            throw f;
        }
        return super.finalResult();
    }
}
