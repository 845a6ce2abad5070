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
 * The state of the {@link ArmEmulator}: its constants, resources, knobs and the HTTPS server; the layers above it
 * answer the requests (split by resource to keep each file readable).
 */
public abstract class EmulatorState implements AutoCloseable {
    /** The subscription the emulator knows. */
    public static final String SUBSCRIPTION = "00000000-1111-2222-3333-444444444444";
    /** The tenant of that subscription. */
    public static final String TENANT = "72f988bf-86f1-41af-91ab-2d7cd011db47";
    /** The labels of the shared fixture model tiny.onnx. */
    public static final List<String> TINY_LABELS = List.of("daisy", "dandelion", "roses", "sunflowers", "tulips");

    static final ObjectMapper JSON = new ObjectMapper();
    static final String API = "2024-04-01";
    static final String RG = "/subscriptions/([^/]+)/resourceGroups/([^/]+)";
    static final String MLS = "/providers/Microsoft\\.MachineLearningServices";
    static final String WS = RG + MLS + "/workspaces/([^/]+)";
    static final String LOC = "/subscriptions/([^/]+)" + MLS + "/locations/([^/]+)";
    /** Resource Manager's own {@code Subscriptions_Get}, where the provider reads the tenant for studio links. */
    static final Pattern SUBSCRIPTION_ONLY = p("/subscriptions/([^/]+)");
    static final Pattern DEPLOYMENT = p(RG + "/providers/Microsoft\\.Resources/deployments/([^/]+)");
    static final Pattern DEPLOYMENT_OP = p(RG + "/providers/Microsoft\\.Resources/deployments/([^/]+)"
            + "/operationStatuses/([^/]+)");
    static final Pattern WORKSPACES = p(RG + MLS + "/workspaces");
    static final Pattern WORKSPACE = p(WS);
    static final Pattern COMPUTES = p(WS + "/computes");
    static final Pattern COMPUTE = p(WS + "/computes/([^/]+)");
    static final Pattern DATASTORE = p(WS + "/datastores/([^/]+)");
    static final Pattern SECRETS = p(WS + "/datastores/([^/]+)/listSecrets");
    static final Pattern DATA_VERSION = p(WS + "/data/([^/]+)/versions/([^/]+)");
    static final Pattern JOBS = p(WS + "/jobs");
    static final Pattern JOB = p(WS + "/jobs/([^/]+)");
    static final Pattern CANCEL = p(WS + "/jobs/([^/]+)/cancel");
    static final Pattern VM_SIZES = p(LOC + "/vmSizes");
    static final Pattern USAGES = p(LOC + "/usages");
    static final Pattern COMPUTE_OP = p(LOC + "/computeOperationsStatus/([^/]+)");
    static final Pattern WORKSPACE_OP = p(LOC + "/workspaceOperationsStatus/([^/]+)");
    /** Where "mfe" deletes (jobs and other assets) are followed, as the provider registers it. */
    static final Pattern MFE_OP = p(LOC + "/mfeOperationResults/([^/]+)");
    static final Pattern MLFLOW = p("/mlflow/v1\\.0" + WS + "/api/2\\.0/mlflow/runs/(get|search)");
    static final Pattern HISTORY = p("/history/v1\\.0" + WS + "/runs/([^/]+)(/children)?");
    /** How the service writes {@code StartTimeUtc} and {@code EndTimeUtc} in a job's {@code properties}. */
    static final DateTimeFormatter SERVICE_TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss")
            .withZone(ZoneOffset.UTC);
    static final List<String> JOB_LIFECYCLE = List.of("Starting", "Queued", "Preparing", "Running",
            "Running", "Finalizing", "Completed");

    static {
        // answer without waiting for delayed ACKs (Nagle): otherwise each response takes ~40 ms
        System.setProperty("sun.net.httpserver.nodelay", "true");
    }

    static Pattern p(String regex) {
        return Pattern.compile("(?i)" + regex);
    }

    /** One request the emulator answered. */
    public record Interaction(String method, String path, int status, Fault fault, int urlLength) {
    }

    record Reply(int status, Map<String, String> headers, byte[] body) {
        static Reply json(int status, JsonNode body) {
            return new Reply(status, new LinkedHashMap<>(), body == null ? new byte[0]
                    : body.toString().getBytes(StandardCharsets.UTF_8));
        }

        Reply header(String name, String value) {
            headers.put(name, value);
            return this;
        }
    }

    static final class AsyncOp {
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

    static final class Workspace {
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
        /** Datastores registered with a PUT, beside the two every workspace has. */
        final Map<String, ObjectNode> datastores = new LinkedHashMap<>();

        String blobContainer() {
            return "azureml-blobstore-" + workspaceId;
        }

        String artifactContainer() {
            return "azureml-" + workspaceId.substring(0, 8);
        }
    }

    static final class Job {
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
        /** The hyperparameters each trial sampled from the search space, by trial index. */
        final Map<Integer, Map<String, String>> trialParameters = new LinkedHashMap<>();
        /** The weights' seed and input size of the model "trained", to build its twin without normalization. */
        long modelSeed;
        int modelSize;
    }

    final HttpsServer server;
    final ExecutorService threads;
    final TestCertificates certificates;
    final TestCredential credential = new TestCredential();
    final FaultPlan faults = new FaultPlan();
    final SpecValidator spec = SpecValidator.get();
    final BlobServiceClient blobs;
    final byte[] signingKey = new byte[32];
    final SecureRandom random = new SecureRandom();
    final String endpoint;

    final List<Interaction> interactions = new CopyOnWriteArrayList<>();
    final List<String> violations = new CopyOnWriteArrayList<>();
    final Set<String> resourceGroups = ConcurrentHashMap.newKeySet();
    final Set<String> revoked = ConcurrentHashMap.newKeySet();
    final Map<String, Workspace> workspaces = new LinkedHashMap<>();
    final Map<String, Workspace> softDeleted = new LinkedHashMap<>();
    final Map<String, Boolean> vaults = new LinkedHashMap<>();
    final Map<String, ObjectNode> deployments = new LinkedHashMap<>();
    final Map<String, AsyncOp> operations = new LinkedHashMap<>();
    final Map<String, String> pendingByResource = new LinkedHashMap<>();
    final Map<String, ObjectNode> mlflowRuns = new LinkedHashMap<>();
    final Map<String, Set<String>> createdResources = new LinkedHashMap<>();
    final Map<String, long[]> quotas = new LinkedHashMap<>();
    final List<Object[]> scriptedErrors = new CopyOnWriteArrayList<>();
    volatile boolean sasSecrets;
    volatile boolean sharedKeyDisabled;
    volatile boolean identityDatastores;
    final List<String> secretsHandedOut = new CopyOnWriteArrayList<>();
    final List<String> jobsDeletedWhileActive = new CopyOnWriteArrayList<>();
    /** Principals that hold Storage Blob Data Reader on the storage account (role assignments made by a test). */
    final Set<String> storageReaders = ConcurrentHashMap.newKeySet();
    volatile boolean holdJobsRunning;
    volatile boolean omitBestChildTag;
    volatile String[] nextJobFailure;
    volatile int asyncPolls = 2;

    /**
     * Starts the emulator with a given certificate (the one an HTTPS Azurite serves, so that one client trusts
     * both).
     *
     * @param azurite the blob storage behind the datastores, or {@code null}
     * @param certificates the certificate to serve
     */
    EmulatorState(Azurite azurite, TestCertificates certificates) {
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


    /**
     * Answers one request; set up by the constructor as the server's only handler.
     *
     * @param ex the exchange
     */
    abstract void handle(HttpExchange ex);

    /** Forgets every resource and interaction. */
    public abstract void reset();

    /** Stops the server and its threads. */
    @Override
    public abstract void close();

    static String key(String resourceGroup, String workspace) {
        return workspace.toLowerCase(Locale.ROOT);
    }

    static JsonNode read(String text) {
        try {
            return text == null || text.isEmpty() ? JSON.createObjectNode() : JSON.readTree(text);
        } catch (IOException e) {
            throw new IllegalArgumentException("not JSON: " + e.getMessage(), e);
        }
    }
}
