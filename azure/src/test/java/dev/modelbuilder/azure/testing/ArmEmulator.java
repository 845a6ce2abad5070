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

/**
 * An Azure Resource Manager emulator for Microsoft.MachineLearningServices (api-version 2024-04-01) on
 * {@code https://127.0.0.1:<port>}, following the documented contract: ARM template deployments for workspaces,
 * {@code 201/202} with {@code Azure-AsyncOperation} and {@code Location} polling URLs (long and signed, like Azure
 * Machine Learning's, and checked for tampering), {@code Retry-After}, provisioning states, job status progression,
 * ARM error bodies, paging by {@code nextLink}, bearer tokens checked against {@link TestCredential}. It also serves the
 * workspace data-plane calls the provider makes (MLflow REST, run history).
 *
 * <p>Every request to an operation of the 2024-04-01 spec, and every answer, is validated with {@link SpecValidator};
 * an invalid request is answered 400 and recorded in {@link #violations()}, as is an invalid answer (an emulator bug).
 * Template deployments are checked by hand, and the workspace inside the template is validated as a workspace PUT.
 *
 * <p>Data lives in Azurite: the workspace's datastores point at the development account; "training" reads the
 * uploaded MLTable and images back from it (checking their SHA-256), and writes the trial's {@code model.onnx} and
 * {@code labels.json} to the artifact container, where the provider downloads them.
 */
public final class ArmEmulator implements AutoCloseable {
    /** The subscription the emulator knows. */
    public static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
    /** The tenant of that subscription. */
    public static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    /** The labels of the shared fixture model tiny.onnx. */
    public static final List<String> TINY_LABELS = List.of("daisy", "dandelion", "roses", "sunflowers", "tulips");

    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String API = "2024-04-01";
    private static final String RG = "/subscriptions/([^/]+)/resourceGroups/([^/]+)";
    private static final String MLS = "/providers/Microsoft\\.MachineLearningServices";
    private static final String WS = RG + MLS + "/workspaces/([^/]+)";
    private static final String LOC = "/subscriptions/([^/]+)" + MLS + "/locations/([^/]+)";
    private static final Pattern DEPLOYMENT = p(RG + "/providers/Microsoft\\.Resources/deployments/([^/]+)");
    private static final Pattern DEPLOYMENT_OP = p(RG + "/providers/Microsoft\\.Resources/deployments/([^/]+)"
            + "/operationStatuses/([^/]+)");
    private static final Pattern WORKSPACES = p(RG + MLS + "/workspaces");
    private static final Pattern WORKSPACE = p(WS);
    private static final Pattern COMPUTES = p(WS + "/computes");
    private static final Pattern COMPUTE = p(WS + "/computes/([^/]+)");
    private static final Pattern DATASTORE = p(WS + "/datastores/([^/]+)");
    private static final Pattern SECRETS = p(WS + "/datastores/([^/]+)/listSecrets");
    private static final Pattern DATA_VERSION = p(WS + "/data/([^/]+)/versions/([^/]+)");
    private static final Pattern JOBS = p(WS + "/jobs");
    private static final Pattern JOB = p(WS + "/jobs/([^/]+)");
    private static final Pattern CANCEL = p(WS + "/jobs/([^/]+)/cancel");
    private static final Pattern VM_SIZES = p(LOC + "/vmSizes");
    private static final Pattern USAGES = p(LOC + "/usages");
    private static final Pattern COMPUTE_OP = p(LOC + "/computeOperationsStatus/([^/]+)");
    private static final Pattern WORKSPACE_OP = p(LOC + "/workspaceOperationsStatus/([^/]+)");
    private static final Pattern MLFLOW = p("/mlflow/v1\\.0" + WS + "/api/2\\.0/mlflow/runs/(get|search)");
    private static final Pattern HISTORY = p("/history/v1\\.0" + WS + "/runs/([^/]+)(/children)?");
    /** How the service writes {@code StartTimeUtc} and {@code EndTimeUtc} in a job's {@code properties}. */
    private static final DateTimeFormatter SERVICE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    private static final List<String> JOB_LIFECYCLE = List.of("Starting", "Queued", "Preparing", "Running",
            "Running", "Finalizing", "Completed");

    static {
        // answer without waiting for delayed ACKs (Nagle): otherwise each response takes ~40 ms
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    private static Pattern p(String regex) {
        return Pattern.compile("(?i)" + regex);
    }

    /** One request the emulator answered. */
    public record Interaction(String method, String path, int status, Fault fault, int urlLength) {
    }

    private record Reply(int status, Map<String, String> headers, byte[] body) {
        static Reply json(int status, JsonNode body) {
            return new Reply(status, new LinkedHashMap<>(), body == null ? new byte[0]
                    : body.toString().getBytes(StandardCharsets.UTF_8));
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    private static final class AsyncOp {
        final String id;
        int pollsLeft;
        String status = "InProgress";
        JsonNode error;
        Runnable onDone;

        AsyncOp(String id, int polls, Runnable onDone) {
            this.id = id;
            this.pollsLeft = polls;
            this.onDone = onDone;
        }
    }

    private static final class Workspace {
        String name;
        String resourceGroup;
        String location;
        String workspaceId;
        String state = "Succeeded";
        String description;
        JsonNode properties;
        Map<String, String> tags = new LinkedHashMap<>();
        Instant created = Instant.now();
        final Map<String, ObjectNode> computes = new LinkedHashMap<>();
        final Map<String, Job> jobs = new LinkedHashMap<>();
        final Map<String, ObjectNode> data = new LinkedHashMap<>();

        String blobContainer() {
            return "azureml-blobstore-" + workspaceId;
        }

        String artifactContainer() {
            return "azureml-" + workspaceId.substring(0, 8);
        }
    }

    private static final class Job {
        String name;
        ObjectNode properties;
        int step;
        String status = "Starting";
        Instant created = Instant.now();
        Instant started;
        Instant ended;
        String failCode;
        String failMessage;
        boolean hold;
        String modelSha256;
        List<String> labels;
    }

    private final HttpsServer server;
    private final ExecutorService threads;
    private final TestCertificates certificates;
    private final TestCredential credential = new TestCredential();
    private final FaultPlan faults = new FaultPlan();
    private final SpecValidator spec = SpecValidator.get();
    private final BlobServiceClient blobs;
    private final byte[] signingKey = new byte[32];
    private final SecureRandom random = new SecureRandom();
    private final String endpoint;

    private final List<Interaction> interactions = new CopyOnWriteArrayList<>();
    private final List<String> violations = new CopyOnWriteArrayList<>();
    private final Set<String> resourceGroups = ConcurrentHashMap.newKeySet();
    private final Set<String> revoked = ConcurrentHashMap.newKeySet();
    private final Map<String, Workspace> workspaces = new LinkedHashMap<>();
    private final Map<String, Workspace> softDeleted = new LinkedHashMap<>();
    private final Map<String, Boolean> vaults = new LinkedHashMap<>();
    private final Map<String, ObjectNode> deployments = new LinkedHashMap<>();
    private final Map<String, AsyncOp> operations = new LinkedHashMap<>();
    private final Map<String, String> pendingByResource = new LinkedHashMap<>();
    private final Map<String, ObjectNode> mlflowRuns = new LinkedHashMap<>();
    private final Map<String, Set<String>> createdResources = new LinkedHashMap<>();
    private final Map<String, long[]> quotas = new LinkedHashMap<>();
    private final List<Object[]> scriptedErrors = new CopyOnWriteArrayList<>();
    private volatile boolean sasSecrets;
    private volatile boolean sharedKeyDisabled;
    private final List<String> secretsHandedOut = new CopyOnWriteArrayList<>();
    private volatile boolean holdJobsRunning;
    private volatile boolean omitBestChildTag;
    private volatile String[] nextJobFailure;
    private volatile int asyncPolls = 2;

    /**
     * Starts the emulator.
     *
     * @param azurite the blob storage behind the datastores, or {@code null} for tests that upload nothing
     */
    public ArmEmulator(Azurite azurite) {
        this(azurite, TestCertificates.create());
    }

    /**
     * Starts the emulator with a given certificate (the one an HTTPS Azurite serves, so that one client trusts
     * both).
     *
     * @param azurite the blob storage behind the datastores, or {@code null}
     * @param certificates the certificate to serve
     */
    public ArmEmulator(Azurite azurite, TestCertificates certificates) {
        this.certificates = certificates;
        random.nextBytes(signingKey);
        BlobServiceClientBuilder blobBuilder = azurite == null ? null : new BlobServiceClientBuilder()
                .endpoint(azurite.blobEndpoint()).credential(new StorageSharedKeyCredential(Azurite.ACCOUNT,
                        Azurite.KEY));
        if (azurite != null && azurite.https()) {
            blobBuilder.httpClient(new com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder(
                    java.net.http.HttpClient.newBuilder().sslContext(certificates.client())).build());
        }
        this.blobs = blobBuilder == null ? null : blobBuilder.buildClient();
        try {
            server = HttpsServer.create(new InetSocketAddress("127.0.0.1", 0), 64);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.setHttpsConfigurator(new HttpsConfigurator(certificates.server()));
        threads = Executors.newFixedThreadPool(16, r -> {
            Thread t = new Thread(r, "arm-emulator");
            t.setDaemon(true);
            return t;
        });
        server.setExecutor(threads);
        server.createContext("/", this::handle);
        server.start();
        endpoint = "https://127.0.0.1:" + server.getAddress().getPort();
        reset();
    }

    /** @return the Resource Manager endpoint, {@code https://127.0.0.1:<port>} */
    public String endpoint() {
        return endpoint;
    }

    /** @return the TLS context that trusts the emulator's certificate */
    public javax.net.ssl.SSLContext clientSslContext() {
        return certificates.client();
    }

    /** @return the identity provider whose tokens the emulator accepts */
    public TestCredential credential() {
        return credential;
    }

    /** @return the failures to inject */
    public FaultPlan faults() {
        return faults;
    }

    /** Forgets every resource and interaction; resource groups {@code rg} and {@code contract-rg} exist. */
    public synchronized void reset() {
        workspaces.clear();
        softDeleted.clear();
        vaults.clear();
        deployments.clear();
        operations.clear();
        pendingByResource.clear();
        mlflowRuns.clear();
        createdResources.clear();
        interactions.clear();
        violations.clear();
        revoked.clear();
        resourceGroups.clear();
        resourceGroups.add("rg");
        resourceGroups.add("contract-rg");
        quotas.clear();
        quotas.put("ncasv3t4", new long[] {64, 0});
        quotas.put("ncadsa100v4", new long[] {0, 0});
        quotas.put("ncadsh100v5", new long[] {0, 0});
        quotas.put("dsv2", new long[] {100, 4});
        quotas.put("total", new long[] {200, 4});
        holdJobsRunning = false;
        omitBestChildTag = false;
        sasSecrets = false;
        sharedKeyDisabled = false;
        scriptedErrors.clear();
        nextJobFailure = null;
        asyncPolls = 2;
        faults.off();
    }

    /**
     * Answers the next matching requests with an ARM error, as the service would (after authentication, before
     * anything is done).
     *
     * @param method the HTTP method
     * @param pathRegex a regular expression found in the path
     * @param status the HTTP status
     * @param code the ARM error code
     * @param message the ARM error message
     * @param times how many requests get it
     */
    public void failNext(String method, String pathRegex, int status, String code, String message, int times) {
        scriptedErrors.add(new Object[] {method, Pattern.compile(pathRegex), status, code, message,
            new java.util.concurrent.atomic.AtomicInteger(times)});
    }

    /**
     * @param sas whether {@code listSecrets} hands out a SAS token (read and list only, for the container) instead
     *     of the account key
     */
    public void setSasSecrets(boolean sas) {
        this.sasSecrets = sas;
    }

    /** @param omit leave the {@code automl_best_child_run_id} tag off completed jobs, as older runtimes do */
    public void setOmitBestChildTag(boolean omit) {
        this.omitBestChildTag = omit;
    }

    /**
     * @param workspace a workspace
     * @param job a job
     * @return its {@code StartTimeUtc} and {@code EndTimeUtc} (either {@code null} while unknown), to the second
     */
    public synchronized Instant[] jobTimes(String workspace, String job) {
        Job j = workspaces.get(key("rg-any", workspace)).jobs.get(job);
        return new Instant[] {j.started == null ? null : j.started.truncatedTo(ChronoUnit.SECONDS),
            j.ended == null ? null : j.ended.truncatedTo(ChronoUnit.SECONDS)};
    }

    /**
     * @param disabled whether the storage account refuses shared keys (a policy many organisations set): then the
     *     datastore's {@code listSecrets} is refused with 403
     */
    public void setSharedKeyDisabled(boolean disabled) {
        this.sharedKeyDisabled = disabled;
    }

    /** @param hold keep new jobs running until they are cancelled */
    public void setHoldJobsRunning(boolean hold) {
        this.holdJobsRunning = hold;
    }

    /**
     * Makes the next job's trial fail.
     *
     * @param code the trial's error code
     * @param message the trial's error message
     */
    public void failNextJob(String code, String message) {
        this.nextJobFailure = new String[] {code, message};
    }

    /**
     * @param familyKey a family key as the provider computes it (e.g. {@code ncasv3t4}), or {@code total}
     * @param limit the vCPU limit
     * @param used the vCPUs in use
     */
    public synchronized void setQuota(String familyKey, long limit, long used) {
        quotas.put(familyKey, new long[] {limit, used});
    }

    /** @param polls how many polls each long-running operation takes */
    public void setAsyncPolls(int polls) {
        this.asyncPolls = polls;
    }

    /** Makes every token issued so far invalid, as after a revocation. */
    public void revokeTokens() {
        revoked.addAll(credential.tokens());
    }

    /** @return every account key and SAS token {@code listSecrets} handed out */
    public List<String> secretsHandedOut() {
        return List.copyOf(secretsHandedOut);
    }

    /**
     * Deletes a key vault the way Azure does: it stays soft-deleted (90 days by default) and its name stays taken,
     * so a deployment that creates a vault of that name fails with a conflict.
     *
     * @param name the vault
     */
    public synchronized void deleteKeyVault(String name) {
        vaults.put(name.toLowerCase(Locale.ROOT), Boolean.FALSE);
    }

    /** @return the names of soft-deleted workspaces (deleted without {@code forceToPurge}) */
    public synchronized List<String> softDeletedWorkspaces() {
        return softDeleted.values().stream().map(w -> w.name).toList();
    }

    /**
     * @param workspace a workspace
     * @return the key vault its properties name
     */
    public synchronized String keyVaultOf(String workspace) {
        String id = workspaces.get(key("rg-any", workspace)).properties.path("keyVault").asText();
        return id.substring(id.lastIndexOf('/') + 1);
    }

    /** @return the requests answered so far */
    public List<Interaction> interactions() {
        return List.copyOf(interactions);
    }

    /**
     * @param method an HTTP method
     * @param pathRegex a regular expression over the path
     * @return how many such requests were answered (failed ones included)
     */
    public long count(String method, String pathRegex) {
        Pattern re = Pattern.compile(pathRegex);
        return interactions.stream().filter(i -> i.method.equals(method) && re.matcher(i.path).find()).count();
    }

    /** @return spec violations and emulator errors found so far: must stay empty */
    public List<String> violations() {
        return List.copyOf(violations);
    }

    /** @return the names of the workspaces */
    public synchronized List<String> workspaceNames() {
        return workspaces.values().stream().map(w -> w.name).toList();
    }

    /**
     * @param workspace a workspace
     * @return its compute names
     */
    public synchronized List<String> computeNames(String workspace) {
        Workspace w = workspaces.get(key("rg-any", workspace));
        return w == null ? List.of() : w.computes.values().stream().map(c -> c.path("name").asText()).toList();
    }

    /**
     * @param workspace a workspace
     * @return its job names
     */
    public synchronized List<String> jobNames(String workspace) {
        Workspace w = workspaces.get(key("rg-any", workspace));
        return w == null ? List.of() : List.copyOf(w.jobs.keySet());
    }

    /**
     * @param workspace a workspace
     * @param job a job
     * @return the job's properties as submitted
     */
    public synchronized JsonNode jobProperties(String workspace, String job) {
        return workspaces.get(key("rg-any", workspace)).jobs.get(job).properties.deepCopy();
    }

    /**
     * @param workspace a workspace
     * @param job a completed job
     * @return the SHA-256 of the model its best trial produced
     */
    public synchronized String modelSha256(String workspace, String job) {
        return workspaces.get(key("rg-any", workspace)).jobs.get(job).modelSha256;
    }

    /**
     * @param workspace a workspace
     * @return the blob container of its default datastore
     */
    public synchronized BlobContainerClient dataContainer(String workspace) {
        return blobs.getBlobContainerClient(workspaces.get(key("rg-any", workspace)).blobContainer());
    }

    /** @return resource names created by deployments, by type (storage accounts, key vaults, ...) */
    public synchronized Map<String, Set<String>> createdResources() {
        Map<String, Set<String>> copy = new LinkedHashMap<>();
        createdResources.forEach((k, v) -> copy.put(k, Set.copyOf(v)));
        return copy;
    }

    private static String key(String resourceGroup, String workspace) {
        return workspace.toLowerCase(Locale.ROOT);
    }

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }

    // ------------------------------------------------------------------------------------------------ transport

    private void handle(HttpExchange ex) {
        String method = ex.getRequestMethod();
        URI uri = ex.getRequestURI();
        String path = URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
        int urlLength = uri.toString().length();
        Fault fault = null;
        try {
            Map<String, String> query = query(uri.getRawQuery());
            byte[] body = ex.getRequestBody().readAllBytes();
            fault = faults.next(method + " " + path);
            if (fault == Fault.DROP_BEFORE) {
                drop(ex, method, path, fault, urlLength);
                return;
            }
            if (fault == Fault.SLOW) {
                Thread.sleep(faults.slowDelay().toMillis());
            }
            Reply reply = switch (fault == null ? Fault.SLOW : fault) {
                case THROTTLE -> error(429, "TooManyRequests", "The request is being throttled.")
                        .header("Retry-After", "3");
                case THROTTLE_MS -> error(429, "TooManyRequests", "The request is being throttled.")
                        .header("x-ms-retry-after-ms", "250");
                case SERVER_ERROR -> error(500, "InternalServerError", "Encountered an internal server error.");
                case UNAVAILABLE -> error(503, "ServiceUnavailable", "The service is temporarily unavailable.")
                        .header("Retry-After", "1");
                default -> null;
            };
            if (reply == null) {
                reply = authenticate(ex);
            }
            if (reply == null) {
                reply = scriptedError(method, path);
            }
            if (reply == null) {
                reply = validatedDispatch(method, path, query, body);
            }
            if (fault == Fault.DROP_AFTER) {
                drop(ex, method, path, fault, urlLength);
                return;
            }
            if (fault == Fault.GATEWAY_TIMEOUT_AFTER) {
                reply = error(504, "GatewayTimeout", "The gateway did not receive a response within the time limit.");
            }
            send(ex, reply, method, path, fault, urlLength);
        } catch (Throwable t) {
            violations.add("emulator error on " + method + " " + path + ": " + t);
            try {
                send(ex, error(500, "EmulatorError", String.valueOf(t)), method, path, fault, urlLength);
            } catch (RuntimeException ignored) {
                ex.close();
            }
        }
    }

    private void drop(HttpExchange ex, String method, String path, Fault fault, int urlLength) {
        interactions.add(new Interaction(method, path, 0, fault, urlLength));
        ex.close();
    }

    private void send(HttpExchange ex, Reply reply, String method, String path, Fault fault, int urlLength) {
        interactions.add(new Interaction(method, path, reply.status, fault, urlLength));
        try {
            ex.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
            ex.getResponseHeaders().set("x-ms-correlation-request-id", UUID.randomUUID().toString());
            if (reply.body.length > 0) {
                ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            }
            reply.headers.forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status, reply.body.length == 0 ? -1 : reply.body.length);
            if (reply.body.length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(reply.body);
                }
            }
        } catch (IOException e) {
            // the client went away (e.g. it timed out on a slow answer)
        } finally {
            ex.close();
        }
    }

    private static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    private Reply authenticate(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        String token = auth.substring("Bearer ".length());
        TestCredential.Issued issued = credential.lookup(token);
        if (issued == null || revoked.contains(token)) {
            return unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
        }
        if (Instant.now().isAfter(issued.expiresAt())) {
            return unauthorized("ExpiredAuthenticationToken", "The access token expiry UTC time '"
                    + issued.expiresAt() + "' is earlier than current UTC time '" + Instant.now() + "'.");
        }
        if (!issued.scope().equals(endpoint + "/.default")) {
            return unauthorized("InvalidAuthenticationTokenAudience", "The access token has been obtained for wrong "
                    + "audience or resource '" + issued.scope() + "'.");
        }
        return null;
    }

    private Reply scriptedError(String method, String path) {
        for (Object[] e : scriptedErrors) {
            java.util.concurrent.atomic.AtomicInteger left = (java.util.concurrent.atomic.AtomicInteger) e[5];
            if (e[0].equals(method) && ((Pattern) e[1]).matcher(path).find() && left.getAndDecrement() > 0) {
                return error((Integer) e[2], (String) e[3], (String) e[4]);
            }
        }
        return null;
    }

    private static Reply unauthorized(String code, String message) {
        return error(401, code, message).header("WWW-Authenticate", "Bearer authorization_uri=\""
                + "https://login.microsoftonline.com/" + TENANT + "\", error=\"invalid_token\", error_description=\""
                + message + "\"");
    }

    private static Reply error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return Reply.json(status, body);
    }

    private Reply validatedDispatch(String method, String path, Map<String, String> query, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        boolean covered = spec.covers(path) && !path.startsWith("/mlflow") && !path.startsWith("/history");
        if (covered) {
            List<String> problems = spec.validateRequest(method, path, query, text);
            if (!problems.isEmpty()) {
                violations.addAll(problems.stream().map(p -> "request: " + p).toList());
                return error(400, "InvalidRequestContent", String.join("; ", problems));
            }
        }
        Reply reply;
        synchronized (this) {
            reply = dispatch(method, path, query, text);
        }
        if (covered) {
            List<String> problems = spec.validateResponse(method, path, reply.status,
                    new String(reply.body, StandardCharsets.UTF_8));
            violations.addAll(problems.stream().map(p -> "emulator answer: " + p).toList());
        }
        return reply;
    }

    // ------------------------------------------------------------------------------------------------ routing

    private Reply dispatch(String method, String path, Map<String, String> query, String body) {
        Matcher m;
        if ((m = DEPLOYMENT_OP.matcher(path)).matches() && method.equals("GET")) {
            return asyncStatus(m.group(4), query, false);
        }
        if ((m = DEPLOYMENT.matcher(path)).matches()) {
            if (!resourceGroupExists(m)) {
                return rgNotFound(m.group(2));
            }
            return method.equals("PUT") ? putDeployment(m.group(2), m.group(3), body, query)
                    : getDeployment(m.group(2), m.group(3));
        }
        if ((m = COMPUTE_OP.matcher(path)).matches() || (m = WORKSPACE_OP.matcher(path)).matches()) {
            Reply bad = checkSignature(m.group(3), query);
            if (bad != null) {
                return bad;
            }
            return asyncStatus(m.group(3), query, "location".equals(query.get("type")));
        }
        if ((m = VM_SIZES.matcher(path)).matches()) {
            return vmSizes(m.group(2));
        }
        if ((m = USAGES.matcher(path)).matches()) {
            return usages(m.group(2));
        }
        if ((m = MLFLOW.matcher(path)).matches()) {
            Workspace w = workspace(m.group(3));
            return w == null ? mlflowNotFound("workspace") : mlflow(w, m.group(4), query, body);
        }
        if ((m = HISTORY.matcher(path)).matches()) {
            Workspace w = workspace(m.group(3));
            return w == null ? error(404, "NotFound", "workspace not found") : history(w, m.group(4),
                    m.group(5) != null);
        }
        if ((m = WORKSPACES.matcher(path)).matches()) {
            if (!resourceGroupExists(m)) {
                return rgNotFound(m.group(2));
            }
            return listWorkspaces(m.group(2), path, query);
        }
        if ((m = WORKSPACE.matcher(path)).matches()) {
            if (!resourceGroupExists(m)) {
                return rgNotFound(m.group(2));
            }
            return method.equals("DELETE") ? deleteWorkspace(m.group(3), query) : getWorkspace(m.group(3));
        }
        if (!(m = Pattern.compile("(?i)^" + WS).matcher(path)).find()) {
            return error(404, "NotFound", "no such route: " + method + " " + path);
        }
        if (!resourceGroupExists(m)) {
            return rgNotFound(m.group(2));
        }
        Workspace w = workspace(m.group(3));
        if (w == null) {
            return error(404, "ParentResourceNotFound", "Failed to perform '" + method + "' on resources under "
                    + "'Microsoft.MachineLearningServices/workspaces/" + m.group(3) + "' because the parent resource "
                    + "was not found.");
        }
        if ((m = COMPUTES.matcher(path)).matches()) {
            return page(w.computes.values().stream().map(c -> (JsonNode) c).toList(), path, query, 2);
        }
        if ((m = COMPUTE.matcher(path)).matches()) {
            return switch (method) {
                case "PUT" -> putCompute(w, m.group(4), body);
                case "PATCH" -> patchCompute(w, m.group(4), body);
                case "DELETE" -> deleteCompute(w, m.group(4), query);
                default -> getCompute(w, m.group(4));
            };
        }
        if ((m = SECRETS.matcher(path)).matches()) {
            if (sharedKeyDisabled) {
                return error(403, "KeyBasedAuthenticationNotPermitted", "Key based authentication is not permitted "
                        + "on this storage account.");
            }
            ObjectNode s = JSON.createObjectNode();
            if (sasSecrets) {
                s.put("secretsType", "Sas");
                s.put("sasToken", blobs.getBlobContainerClient(w.blobContainer()).generateSas(
                        new com.azure.storage.blob.sas.BlobServiceSasSignatureValues(
                                java.time.OffsetDateTime.now().plusHours(1),
                                new com.azure.storage.blob.sas.BlobContainerSasPermission().setReadPermission(true)
                                        .setListPermission(true))));
            } else {
                s.put("secretsType", "AccountKey");
                s.put("key", Azurite.KEY);
            }
            secretsHandedOut.add(s.path(sasSecrets ? "sasToken" : "key").asText());
            return datastore(w, m.group(4)) == null ? error(404, "UserError", "datastore not found")
                    : Reply.json(200, s);
        }
        if ((m = DATASTORE.matcher(path)).matches()) {
            ObjectNode d = datastore(w, m.group(4));
            return d == null ? error(404, "UserError", "Could not find datastore: " + m.group(4)) : Reply.json(200, d);
        }
        if ((m = DATA_VERSION.matcher(path)).matches()) {
            return method.equals("PUT") ? putData(w, m.group(4), m.group(5), body) : getData(w, m.group(4),
                    m.group(5));
        }
        if ((m = CANCEL.matcher(path)).matches()) {
            return cancelJob(w, m.group(4));
        }
        if ((m = JOBS.matcher(path)).matches()) {
            return page(w.jobs.values().stream().map(j -> (JsonNode) jobBody(w, j)).toList(), path, query, 3);
        }
        if ((m = JOB.matcher(path)).matches()) {
            return method.equals("PUT") ? putJob(w, m.group(4), body) : getJob(w, m.group(4));
        }
        return error(404, "NotFound", "no such route: " + method + " " + path);
    }

    private boolean resourceGroupExists(Matcher m) {
        return m.group(1).equalsIgnoreCase(SUBSCRIPTION)
                && resourceGroups.stream().anyMatch(rg -> rg.equalsIgnoreCase(m.group(2)));
    }

    private static Reply rgNotFound(String rg) {
        return error(404, "ResourceGroupNotFound", "Resource group '" + rg + "' could not be found.");
    }

    private Workspace workspace(String name) {
        return workspaces.get(key(null, name));
    }

    private Reply page(List<JsonNode> all, String path, Map<String, String> query, int size) {
        int skip = query.containsKey("$skip") ? Integer.parseInt(query.get("$skip")) : 0;
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        all.subList(Math.min(skip, all.size()), Math.min(all.size(), skip + size)).forEach(value::add);
        if (skip + size < all.size()) {
            StringBuilder next = new StringBuilder(endpoint + path + "?api-version=" + API + "&$skip=" + (skip + size));
            query.forEach((k, v) -> {
                if (!k.equals("api-version") && !k.equals("$skip")) {
                    next.append('&').append(k).append('=').append(v);
                }
            });
            body.put("nextLink", next.toString());
        }
        return Reply.json(200, body);
    }

    // ------------------------------------------------------------------------------------------------ operations

    private AsyncOp newOperation(Runnable onDone) {
        AsyncOp op = new AsyncOp(UUID.randomUUID().toString(), asyncPolls, onDone);
        operations.put(op.id, op);
        return op;
    }

    /** Time passes for an operation: each look at it (its status or its resource) moves it on. */
    private void tick(AsyncOp op) {
        if (op.pollsLeft > 0) {
            op.pollsLeft--;
        } else if (op.status.equals("InProgress")) {
            op.status = "Succeeded";
            if (op.onDone != null) {
                op.onDone.run();
            }
        }
    }

    private void tickResource(String resourceKey) {
        String id = pendingByResource.get(resourceKey);
        AsyncOp op = id == null ? null : operations.get(id);
        if (op != null) {
            tick(op);
            if (!op.status.equals("InProgress")) {
                pendingByResource.remove(resourceKey);
            }
        }
    }

    private Reply asyncStatus(String id, Map<String, String> query, boolean location) {
        AsyncOp op = operations.get(id);
        if (op == null) {
            return error(404, "NotFound", "operation not found");
        }
        tick(op);
        if (location) {
            return op.status.equals("InProgress") ? Reply.json(202, null).header("Retry-After", "10")
                    .header("Location", endpoint + "/unused") : Reply.json(200, null);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("status", op.status);
        body.put("percentComplete", op.status.equals("InProgress") ? 50.0 : 100.0);
        if (op.error != null) {
            body.set("error", op.error);
        }
        return Reply.json(200, body).header("Retry-After", "10");
    }

    /**
     * A polling URL like Azure Machine Learning's: the operation path plus a signed query ({@code t}, {@code c},
     * {@code s}, {@code h}) of about 4.5 KB. The emulator refuses it when any byte was changed or cut.
     */
    private String signedUrl(String path, String opId, String extra) {
        String t = String.valueOf(System.currentTimeMillis());
        byte[] c = new byte[3100];
        random.nextBytes(c);
        String cs = Base64.getUrlEncoder().withoutPadding().encodeToString(c);
        String h = sha256Url(cs.getBytes(StandardCharsets.US_ASCII));
        return endpoint + path + "?api-version=" + API + extra + "&t=" + t + "&c=" + cs + "&s=" + sign(opId, t, h)
                + "&h=" + h;
    }

    private String sign(String opId, String t, String h) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA512"));
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                mac.update((i + "|" + opId + "|" + t + "|" + h).getBytes(StandardCharsets.UTF_8));
                s.append(Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal()));
            }
            return s.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static String sha256Url(byte[] data) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply checkSignature(String opId, Map<String, String> query) {
        String t = query.get("t");
        String c = query.get("c");
        String s = query.get("s");
        String h = query.get("h");
        if (t == null || c == null || s == null || h == null
                || !h.equals(sha256Url(c.getBytes(StandardCharsets.US_ASCII))) || !s.equals(sign(opId, t, h))) {
            violations.add("a polling URL came back altered or cut (operation " + opId + ")");
            return error(401, "InvalidSignature", "The signature of the operation URL is invalid.");
        }
        return null;
    }

    // ------------------------------------------------------------------------------------------------ workspaces

    private Reply putDeployment(String rg, String name, String body, Map<String, String> query) {
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
        if (deleted != null) {
            if (!deleted.properties.path("keyVault").asText().equalsIgnoreCase(ws.at("/properties/keyVault").asText())
                    || !deleted.properties.path("storageAccount").asText()
                            .equalsIgnoreCase(ws.at("/properties/storageAccount").asText())) {
                return error(409, "Conflict", "Soft-deleted workspace exists. Please purge or recover it. "
                        + "https://aka.ms/wsoftdelete");
            }
            softDeleted.remove(key(rg, deleted.name));
            workspaces.put(key(rg, deleted.name), deleted);
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
        op.onDone = () -> {
            createWorkspace(rg, ws);
            dp.put("provisioningState", "Succeeded");
        };
        pendingByResource.put("deployment/" + name, op.id);
        return Reply.json(existed ? 200 : 201, dep).header("Azure-AsyncOperation", endpoint + "/subscriptions/"
                + SUBSCRIPTION + "/resourcegroups/" + rg + "/providers/Microsoft.Resources/deployments/" + name
                + "/operationStatuses/" + op.id + "?api-version=2021-04-01");
    }

    private Reply getDeployment(String rg, String name) {
        tickResource("deployment/" + name);
        ObjectNode dep = deployments.get(name);
        if (dep == null) {
            return error(404, "DeploymentNotFound", "Deployment '" + name + "' could not be found.");
        }
        return Reply.json(200, dep);
    }

    private void createWorkspace(String rg, JsonNode resource) {
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

    private String wsId(Workspace w) {
        return "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/" + w.resourceGroup
                + "/providers/Microsoft.MachineLearningServices/workspaces/" + w.name;
    }

    private ObjectNode workspaceBody(Workspace w) {
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

    private static ObjectNode systemData(Instant created, Instant modified) {
        ObjectNode s = JSON.createObjectNode();
        s.put("createdAt", created.toString());
        s.put("createdBy", "tester@example.com");
        s.put("createdByType", "User");
        s.put("lastModifiedAt", modified.toString());
        s.put("lastModifiedBy", "tester@example.com");
        s.put("lastModifiedByType", "User");
        return s;
    }

    private Reply getWorkspace(String name) {
        Workspace w = workspace(name);
        if (w == null) {
            return error(404, "ResourceNotFound", "The Resource 'Microsoft.MachineLearningServices/workspaces/" + name
                    + "' under resource group was not found. For more details please go to "
                    + "https://aka.ms/ARMResourceNotFoundFix");
        }
        return Reply.json(200, workspaceBody(w));
    }

    private Reply listWorkspaces(String rg, String path, Map<String, String> query) {
        List<JsonNode> all = workspaces.values().stream().filter(w -> w.resourceGroup.equalsIgnoreCase(rg))
                .map(w -> (JsonNode) workspaceBody(w)).toList();
        return page(all, path, query, 2);
    }

    /**
     * Workspace soft delete (Azure docs, "Workspace soft deletion"): a deleted workspace is kept 14 days and its name
     * stays taken, unless {@code forceToPurge=true}, which also purges one that is soft-deleted already.
     */
    private Reply deleteWorkspace(String name, Map<String, String> query) {
        Workspace w = workspace(name);
        boolean purge = "true".equalsIgnoreCase(query.get("forceToPurge"));
        if (w == null) {
            if (purge) {
                softDeleted.remove(key(null, name));
            }
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

    // ------------------------------------------------------------------------------------------------ computes

    private static final List<String[]> SIZES = List.of(
            new String[] {"Standard_DS3_v2", "standardDSv2Family", "4", "0", "14"},
            new String[] {"Standard_NC4as_T4_v3", "standardNCASv3_T4Family", "4", "1", "28"},
            new String[] {"Standard_NC8as_T4_v3", "standardNCASv3_T4Family", "8", "1", "56"},
            new String[] {"Standard_NC16as_T4_v3", "standardNCASv3_T4Family", "16", "1", "110"},
            new String[] {"Standard_NC64as_T4_v3", "standardNCASv3_T4Family", "64", "4", "440"},
            new String[] {"Standard_NC24ads_A100_v4", "StandardNCADSA100v4Family", "24", "1", "220"},
            new String[] {"Standard_NC40ads_H100_v5", "standardNCadsH100v5Family", "40", "1", "320"});

    private static boolean gpuRegion(String location) {
        return !location.equalsIgnoreCase("westeurope");
    }

    private Reply vmSizes(String location) {
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

    private static String usageName(String key) {
        return switch (key) {
            case "ncasv3t4" -> "Standard NCASv3_T4 Family Cluster Dedicated vCPUs";
            case "ncadsa100v4" -> "Standard NCADSA100v4 Family Cluster Dedicated vCPUs";
            case "ncadsh100v5" -> "Standard NCadsH100v5 Family Cluster Dedicated vCPUs";
            case "dsv2" -> "Standard DSv2 Family Cluster Dedicated vCPUs";
            default -> key;
        };
    }

    private Reply usages(String location) {
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        quotas.forEach((k, q) -> {
            ObjectNode u = value.addObject();
            boolean total = k.equals("total");
            String name = total ? "Total Cluster Dedicated Regional vCPUs" : usageName(k);
            u.put("id", "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                    + location + "/usages/" + name.replace(' ', '_'));
            u.put("type", total ? "Microsoft.MachineLearningServices/dedicatedCores/usages"
                    : "Microsoft.MachineLearningServices/vmFamily/usages");
            u.put("unit", "Count");
            u.put("currentValue", q[1]);
            u.put("limit", q[0]);
            u.putObject("name").put("value", name).put("localizedValue", name);
        });
        ObjectNode lp = value.addObject();
        lp.put("id", "/subscriptions/" + SUBSCRIPTION + "/usages");
        lp.put("type", "Microsoft.MachineLearningServices/lowPriorityCores/usages");
        lp.put("unit", "Count");
        lp.put("currentValue", 0);
        lp.put("limit", 100);
        lp.putObject("name").put("value", "Total Cluster LowPriority Regional vCPUs")
                .put("localizedValue", "Total Cluster LowPriority Regional vCPUs");
        return Reply.json(200, body);
    }

    private Reply putCompute(Workspace w, String name, String body) {
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

    private Reply getCompute(Workspace w, String name) {
        tickResource("compute/" + w.workspaceId + "/" + name.toLowerCase(Locale.ROOT));
        ObjectNode c = w.computes.get(name.toLowerCase(Locale.ROOT));
        return c == null ? error(404, "ResourceNotFound", "Compute '" + name + "' was not found in workspace '"
                + w.name + "'.") : Reply.json(200, c);
    }

    private Reply patchCompute(Workspace w, String name, String body) {
        ObjectNode c = w.computes.get(name.toLowerCase(Locale.ROOT));
        if (c == null) {
            return error(404, "ResourceNotFound", "Compute '" + name + "' was not found.");
        }
        JsonNode scale = read(body).path("properties").path("properties").path("scaleSettings");
        ObjectNode current = (ObjectNode) c.path("properties").path("properties").path("scaleSettings");
        scale.properties().forEach(e -> current.set(e.getKey(), e.getValue()));
        return Reply.json(200, c);
    }

    private Reply deleteCompute(Workspace w, String name, Map<String, String> query) {
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

    // ------------------------------------------------------------------------------------------------ data

    private ObjectNode datastore(Workspace w, String name) {
        boolean data = name.equals("workspaceblobstore");
        if (!data && !name.equals("workspaceartifactstore")) {
            return null;
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("id", wsId(w) + "/datastores/" + name);
        d.put("name", name);
        d.put("type", "Microsoft.MachineLearningServices/workspaces/datastores");
        d.set("systemData", systemData(w.created, w.created));
        ObjectNode p = d.putObject("properties");
        p.put("datastoreType", "AzureBlob");
        p.put("accountName", Azurite.ACCOUNT);
        p.put("containerName", data ? w.blobContainer() : w.artifactContainer());
        p.put("endpoint", "core.windows.net");
        p.put("protocol", "https");
        p.put("serviceDataAccessAuthIdentity", "None");
        p.put("isDefault", data);
        p.put("description", data ? "default blob datastore" : "artifact store");
        p.putObject("tags");
        p.putObject("properties");
        ObjectNode cred = p.putObject("credentials");
        cred.put("credentialsType", "AccountKey");
        cred.putObject("secrets").put("secretsType", "AccountKey");
        return d;
    }

    private Reply getData(Workspace w, String name, String version) {
        ObjectNode d = w.data.get(name + ":" + version);
        return d == null ? error(404, "UserError", "Could not find asset with ID: azureml://locations/" + w.location
                + "/workspaces/" + w.workspaceId + "/data/" + name + "/versions/" + version) : Reply.json(200, d);
    }

    private Reply putData(Workspace w, String name, String version, String body) {
        JsonNode props = read(body).path("properties");
        String uri = props.path("dataUri").asText();
        if (!uri.startsWith("azureml://datastores/workspaceblobstore/paths/")) {
            return error(400, "UserError", "dataUri must name a path in a datastore: " + uri);
        }
        ObjectNode existing = w.data.get(name + ":" + version);
        if (existing != null) {
            if (!existing.path("properties").path("dataUri").asText().equals(uri)) {
                return error(409, "UserError", "Conflict: asset " + name + ":" + version + " exists with another "
                        + "dataUri; versions are immutable");
            }
            return Reply.json(200, existing);
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("id", wsId(w) + "/data/" + name + "/versions/" + version);
        d.put("name", version);
        d.put("type", "Microsoft.MachineLearningServices/workspaces/data/versions");
        d.set("systemData", systemData(Instant.now(), Instant.now()));
        ObjectNode p = ((ObjectNode) props).deepCopy();
        p.put("isAnonymous", false);
        p.put("isArchived", false);
        d.set("properties", p);
        w.data.put(name + ":" + version, d);
        return Reply.json(201, d);
    }

    // ------------------------------------------------------------------------------------------------ jobs

    /**
     * A job input naming a data version, as the service takes it: the version's ARM id (what azure-ai-ml sends for a
     * standalone job), with or without the {@code azureml:} prefix, or the short {@code azureml:<name>:<version>}.
     */
    private ObjectNode dataAsset(Workspace w, String uri) {
        Matcher id = Pattern.compile("(?i)(?:azureml:)?" + Pattern.quote(wsId(w)) + "/data/([^/]+)/versions/([^/]+)")
                .matcher(uri);
        if (id.matches()) {
            return w.data.get(id.group(1) + ":" + id.group(2));
        }
        Matcher asset = Pattern.compile("azureml:([^:/]+):([^:/]+)").matcher(uri);
        return asset.matches() ? w.data.get(asset.group(1) + ":" + asset.group(2)) : null;
    }

    private Reply putJob(Workspace w, String name, String body) {
        Job existing = w.jobs.get(name);
        if (existing != null) {
            return Reply.json(200, jobBody(w, existing));
        }
        JsonNode props = read(body).path("properties");
        String computeId = props.path("computeId").asText();
        boolean computeOk = w.computes.values().stream().anyMatch(c -> c.path("id").asText()
                .equalsIgnoreCase(computeId) && "Succeeded".equals(c.path("properties").path("provisioningState")
                        .asText()));
        if (!computeOk) {
            return error(400, "UserError", "Compute " + computeId + " was not found or is not ready.");
        }
        String uri = props.path("taskDetails").path("trainingData").path("uri").asText();
        if (dataAsset(w, uri) == null) {
            return error(400, "UserError", "Data asset " + uri + " was not found.");
        }
        JsonNode task = props.path("taskDetails");
        if (task.at("/modelSettings/modelName").isTextual() && task.at("/limitSettings/maxTrials").asInt(1) > 1
                && (task.path("searchSpace").isMissingNode() || task.path("searchSpace").isEmpty())) {
            return error(400, "UserError", "modelSettings.modelName is fixed and limitSettings.maxTrials is greater "
                    + "than 1 without a searchSpace: this job would run in AutoMode, which chooses the models itself "
                    + "and ignores modelName. Give a searchSpace and sweepSettings to sweep the model, or leave out "
                    + "modelName for AutoMode.");
        }
        Job j = new Job();
        j.name = name;
        j.properties = (ObjectNode) props.deepCopy();
        j.hold = holdJobsRunning;
        String[] failure = nextJobFailure;
        if (failure != null) {
            nextJobFailure = null;
            j.failCode = failure[0];
            j.failMessage = failure[1];
        }
        w.jobs.put(name, j);
        return Reply.json(201, jobBody(w, j));
    }

    private ObjectNode jobBody(Workspace w, Job j) {
        ObjectNode b = JSON.createObjectNode();
        b.put("id", wsId(w) + "/jobs/" + j.name);
        b.put("name", j.name);
        b.put("type", "Microsoft.MachineLearningServices/workspaces/jobs");
        // a job's systemData has no lastModified* fields (REST description's Job examples; the live service agrees)
        ObjectNode sd = b.putObject("systemData");
        sd.put("createdAt", j.created.toString());
        sd.put("createdBy", "tester@example.com");
        sd.put("createdByType", "User");
        ObjectNode p = j.properties.deepCopy();
        p.put("status", j.status);
        ObjectNode props = p.path("properties").isObject() ? (ObjectNode) p.get("properties")
                : p.putObject("properties");
        if (j.started != null) {
            props.put("StartTimeUtc", SERVICE_TIME.format(j.started));
        }
        if (j.ended != null) {
            props.put("EndTimeUtc", SERVICE_TIME.format(j.ended));
        }
        if (!p.has("experimentName")) {
            p.put("experimentName", "Default");
        }
        ObjectNode services = p.putObject("services");
        services.putObject("Tracking").put("jobServiceType", "Tracking").put("endpoint", "azureml://"
                + endpoint.substring("https://".length()) + "/mlflow/v1.0" + wsId(w) + "?");
        services.putObject("Studio").put("jobServiceType", "Studio").put("endpoint", "https://ml.azure.com/runs/"
                + j.name + "?wsid=/subscriptions/" + SUBSCRIPTION + "/resourcegroups/" + w.resourceGroup
                + "/workspaces/" + w.name);
        ObjectNode outputs = p.has("outputs") && p.get("outputs").isObject() ? (ObjectNode) p.get("outputs")
                : p.putObject("outputs");
        outputs.putObject("default").put("jobOutputType", "uri_folder").put("mode", "ReadWriteMount")
                .put("uri", "azureml://datastores/workspaceartifactstore/ExperimentRun/dcid." + j.name);
        b.set("properties", p);
        return b;
    }

    private Reply getJob(Workspace w, String name) {
        Job j = w.jobs.get(name);
        if (j == null) {
            return error(404, "UserError", "Job " + name + " was not found in workspace " + w.name + ".");
        }
        advance(w, j);
        return Reply.json(200, jobBody(w, j));
    }

    private void advance(Workspace w, Job j) {
        if (j.status.equals("CancelRequested")) {
            j.status = "Canceled";
            j.ended = Instant.now();
            info(mlflowRun(w, j.name)).put("status", "KILLED").put("end_time", System.currentTimeMillis());
            return;
        }
        if (Set.of("Completed", "Failed", "Canceled").contains(j.status)) {
            return;
        }
        if (j.hold && j.status.equals("Running")) {
            return;
        }
        j.step = Math.min(j.step + 1, JOB_LIFECYCLE.size() - 1);
        String next = JOB_LIFECYCLE.get(j.step);
        if (next.equals("Running") && !j.status.equals("Running")) {
            j.started = Instant.now();
            ObjectNode run = mlflowRun(w, j.name);
            info(run).put("status", "RUNNING");
            logMetric(run, "accuracy", 0.5);
        }
        if (next.equals("Finalizing")) {
            String problem = j.failCode != null ? j.failMessage : train(w, j);
            if (problem != null) {
                fail(w, j, j.failCode != null ? j.failCode : "UserError", problem);
                return;
            }
        }
        if (next.equals("Completed")) {
            info(mlflowRun(w, j.name)).put("status", "FINISHED").put("end_time", System.currentTimeMillis());
        }
        j.status = next;
        if (next.equals("Completed")) {
            j.ended = Instant.now();
        }
    }

    private void fail(Workspace w, Job j, String code, String message) {
        j.status = "Failed";
        j.ended = Instant.now();
        ObjectNode sweep = mlflowRun(w, j.name + "_HD");
        info(sweep).put("status", "FAILED");
        sweep.put("parent", j.name);
        ObjectNode sweepError = sweep.putObject("error").putObject("error");
        sweepError.put("code", "UserError");
        sweepError.put("message", "All children (trials) failed.");
        ObjectNode child = mlflowRun(w, j.name + "_HD_0");
        info(child).put("status", "FAILED");
        child.put("parent", j.name + "_HD");
        ObjectNode childError = child.putObject("error").putObject("error");
        childError.put("code", code);
        childError.put("message", message);
        ObjectNode parent = mlflowRun(w, j.name);
        info(parent).put("status", "FAILED");
        ObjectNode parentError = parent.putObject("error").putObject("error");
        parentError.put("code", "SystemError");
        parentError.put("message", "AutoML job failed because one or more child runs (trials) failed.");
    }

    /**
     * "Trains": reads the job's MLTable and every image back from the blob datastore, checks each image's SHA-256
     * against its content-addressed name, and writes the trial's model.onnx and labels.json to the artifact store.
     *
     * @return why the data is unusable, or {@code null}
     */
    private String train(Workspace w, Job j) {
        if (blobs == null) {
            return "no blob storage behind the emulator";
        }
        JsonNode asset = dataAsset(w, j.properties.path("taskDetails").path("trainingData").path("uri").asText());
        String folder = asset.path("properties").path("dataUri").asText()
                .substring("azureml://datastores/workspaceblobstore/paths/".length());
        folder = folder.endsWith("/") ? folder.substring(0, folder.length() - 1) : folder;
        BlobContainerClient data = blobs.getBlobContainerClient(w.blobContainer());
        String mltable;
        String annotations;
        try {
            mltable = data.getBlobClient(folder + "/MLTable").downloadContent().toString();
            if (!mltable.contains("file: ./annotations.jsonl") || !mltable.contains("read_json_lines")
                    || !mltable.contains("stream_info")) {
                return "MLTable input is invalid: " + folder + "/MLTable does not read ./annotations.jsonl as JSON "
                        + "lines with image_url as stream_info";
            }
            annotations = data.getBlobClient(folder + "/annotations.jsonl").downloadContent().toString();
        } catch (RuntimeException e) {
            return "MLTable input is invalid. Not able to find MLTable file in " + folder + ": " + e.getMessage();
        }
        String prefix = "azureml://subscriptions/" + SUBSCRIPTION + "/resourcegroups/" + w.resourceGroup
                + "/workspaces/" + w.name + "/datastores/workspaceblobstore/paths/";
        Set<String> labels = new TreeSet<>();
        int lines = 0;
        for (String line : annotations.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            lines++;
            JsonNode a = read(line);
            String url = a.path("image_url").asText();
            String label = a.path("label").asText(null);
            if (!url.startsWith(prefix) || label == null) {
                return "annotation line " + lines + " is invalid: " + line;
            }
            String blob = url.substring(prefix.length());
            byte[] image;
            try {
                image = data.getBlobClient(blob).downloadContent().toBytes();
            } catch (RuntimeException e) {
                return "image " + blob + " of line " + lines + " cannot be read: " + e.getMessage();
            }
            String name = blob.substring(blob.lastIndexOf('/') + 1);
            String hash = name.contains(".") ? name.substring(0, name.indexOf('.')) : name;
            if (!hash.equals(hex(image))) {
                return "image " + blob + " does not hold the content its name says (SHA-256 " + hex(image) + ")";
            }
            labels.add(label);
        }
        if (labels.size() < 2 || lines < 2) {
            return "the dataset needs at least 2 labels";
        }
        List<String> ordered = List.copyOf(labels);
        byte[] model;
        try {
            model = ordered.equals(TINY_LABELS) ? Files.readAllBytes(ImageClassificationFixtures.tinyModel())
                    : OnnxModels.classifier(ordered.size(), ordered.hashCode());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        // AutoML image jobs: the parent's child is the HyperDrive run <job>_HD, whose children are the trials
        int trials = Math.max(1, Math.min(3, j.properties.at("/taskDetails/limitSettings/maxTrials").asInt(1)));
        String trial = j.name + "_HD_" + (trials - 1);
        BlobContainerClient artifacts = blobs.getBlobContainerClient(w.artifactContainer());
        String base = "ExperimentRun/dcid." + trial + "/";
        artifacts.getBlobClient(base + "train_artifacts/model.onnx")
                .upload(com.azure.core.util.BinaryData.fromBytes(model), true);
        ArrayNode labelJson = JSON.createArrayNode();
        ordered.forEach(labelJson::add);
        artifacts.getBlobClient(base + "train_artifacts/labels.json")
                .upload(com.azure.core.util.BinaryData.fromString(labelJson.toString()), true);
        artifacts.getBlobClient(base + "outputs/mlflow-model/MLmodel").upload(com.azure.core.util.BinaryData
                .fromString("flavors:\n  python_function:\n    loader_module: mlflow.pyfunc.model\n"), true);
        j.modelSha256 = hex(model);
        j.labels = ordered;
        ObjectNode sweep = mlflowRun(w, j.name + "_HD");
        info(sweep).put("status", "FINISHED").put("end_time", System.currentTimeMillis());
        sweep.put("parent", j.name);
        for (int i = 0; i < trials; i++) {
            ObjectNode child = mlflowRun(w, j.name + "_HD_" + i);
            info(child).put("status", "FINISHED").put("end_time", System.currentTimeMillis());
            child.put("parent", j.name + "_HD");
            logMetric(child, "accuracy", 0.9375 - 0.1 * (trials - 1 - i));
            logMetric(child, "loss", 0.21);
            for (String label : ordered) {
                logMetric(child, "accuracy/" + label, 0.9);
            }
        }
        ObjectNode parent = mlflowRun(w, j.name);
        logMetric(parent, "accuracy", 0.9375);
        if (!omitBestChildTag) {
            ((ArrayNode) parent.path("data").path("tags")).addObject().put("key", "automl_best_child_run_id")
                    .put("value", trial);
        }
        return null;
    }

    private static String hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private Reply cancelJob(Workspace w, String name) {
        Job j = w.jobs.get(name);
        if (j == null) {
            return error(404, "UserError", "Job " + name + " was not found.");
        }
        if (!Set.of("Completed", "Failed", "Canceled").contains(j.status)) {
            j.status = "CancelRequested";
        }
        return Reply.json(200, null);
    }

    // ------------------------------------------------------------------------------------------------ MLflow, history

    private ObjectNode mlflowRun(Workspace w, String runId) {
        return mlflowRuns.computeIfAbsent(w.workspaceId + "/" + runId, k -> {
            ObjectNode run = JSON.createObjectNode();
            ObjectNode info = run.putObject("info");
            info.put("run_id", runId);
            info.put("run_uuid", runId);
            info.put("experiment_id", "exp-" + w.workspaceId.substring(0, 8));
            info.put("status", "SCHEDULED");
            info.put("start_time", System.currentTimeMillis());
            info.put("artifact_uri", "azureml://experiments/x/runs/" + runId + "/artifacts");
            info.put("lifecycle_stage", "active");
            ObjectNode data = run.putObject("data");
            data.putArray("metrics");
            data.putArray("params");
            data.putArray("tags");
            return run;
        });
    }

    private static ObjectNode info(ObjectNode run) {
        return (ObjectNode) run.get("info");
    }

    private static void logMetric(ObjectNode run, String key, double value) {
        ((ArrayNode) run.path("data").path("metrics")).addObject().put("key", key).put("value", value)
                .put("timestamp", System.currentTimeMillis()).put("step", 0);
    }

    private static ObjectNode publicRun(ObjectNode run) {
        ObjectNode copy = run.deepCopy();
        copy.remove("parent");
        copy.remove("error");
        return copy;
    }

    private static Reply mlflowNotFound(String what) {
        ObjectNode e = JSON.createObjectNode();
        e.put("error_code", "RESOURCE_DOES_NOT_EXIST");
        e.put("message", what + " not found");
        return Reply.json(404, e);
    }

    private Reply mlflow(Workspace w, String op, Map<String, String> query, String body) {
        if (op.equals("get")) {
            String id = query.get("run_id");
            ObjectNode run = id == null ? null : mlflowRuns.get(w.workspaceId + "/" + id);
            if (run == null) {
                return mlflowNotFound("Run '" + id + "'");
            }
            ObjectNode out = JSON.createObjectNode();
            out.set("run", publicRun(run));
            return Reply.json(200, out);
        }
        JsonNode req = read(body);
        Matcher f = Pattern.compile("tags\\.mlflow\\.parentRunId = '([^']+)'").matcher(req.path("filter").asText());
        if (!req.path("experiment_ids").isArray() || !f.matches()) {
            ObjectNode e = JSON.createObjectNode();
            e.put("error_code", "INVALID_PARAMETER_VALUE");
            e.put("message", "unsupported search " + body);
            return Reply.json(400, e);
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode runs = out.putArray("runs");
        mlflowRuns.forEach((k, r) -> {
            if (k.startsWith(w.workspaceId + "/") && f.group(1).equals(r.path("parent").asText())) {
                runs.add(publicRun(r));
            }
        });
        return Reply.json(200, out);
    }

    private Reply history(Workspace w, String runId, boolean children) {
        ObjectNode run = mlflowRuns.get(w.workspaceId + "/" + runId);
        if (run == null) {
            return error(404, "NotFound", "Run " + runId + " was not found.");
        }
        if (!children) {
            return Reply.json(200, historyRun(run));
        }
        ObjectNode out = JSON.createObjectNode();
        ArrayNode value = out.putArray("value");
        mlflowRuns.forEach((k, r) -> {
            if (k.startsWith(w.workspaceId + "/") && runId.equals(r.path("parent").asText())) {
                value.add(historyRun(r));
            }
        });
        out.putNull("continuationToken");
        out.putNull("nextLink");
        return Reply.json(200, out);
    }

    private static ObjectNode historyRun(ObjectNode run) {
        ObjectNode h = JSON.createObjectNode();
        h.put("runId", run.path("info").path("run_id").asText());
        if (run.has("parent")) {
            h.put("parentRunId", run.path("parent").asText());
        }
        String status = switch (run.path("info").path("status").asText()) {
            case "FINISHED" -> "Completed";
            case "FAILED" -> "Failed";
            case "KILLED" -> "Canceled";
            case "RUNNING" -> "Running";
            default -> "NotStarted";
        };
        h.put("status", status);
        h.put("experimentId", run.path("info").path("experiment_id").asText());
        if (run.has("error")) {
            h.set("error", run.get("error"));
        } else {
            h.putNull("error");
        }
        return h;
    }

    private static JsonNode read(String text) {
        try {
            return text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
