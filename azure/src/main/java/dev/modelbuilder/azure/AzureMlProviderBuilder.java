package dev.modelbuilder.azure;

import dev.modelbuilder.core.support.DaemonThreadFactory;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.FixedDelayOptions;
import com.azure.core.http.policy.HttpLogOptions;
import com.azure.core.http.policy.HttpLoggingPolicy;
import com.azure.core.http.policy.HttpPipelinePolicy;
import com.azure.core.http.policy.RequestIdPolicy;
import com.azure.core.http.policy.RetryOptions;
import com.azure.core.http.policy.UserAgentPolicy;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.ValidationException.Violation;
import dev.modelbuilder.core.support.Setting;
import dev.modelbuilder.core.support.Sleeper;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.function.Function;

/**
 * Builds an {@link AzureMlProvider}; get one with {@link AzureMlProvider#builder()}. Required: the credential
 * ({@link #withCredential}), the subscription ({@link #withSubscriptionId}) and the resource group
 * ({@link #withResourceGroup}); everything else has a default.
 *
 * <pre>{@code
 * AzureMlProvider azure = AzureMlProvider.builder()
 *         .withCredential(new DefaultAzureCredentialBuilder().build())   // azure-identity, brought by the application
 *         .withSubscriptionId("00000000-0000-0000-0000-000000000000")
 *         .withResourceGroup("ml-rg")
 *         .withRegion("eastus")                                          // default region of new workspaces
 *         .build();
 * }</pre>
 *
 * <p>Settings: when {@link #withSubscriptionId} or {@link #withResourceGroup} is not called, the subscription comes
 * from the system property {@code modelbuilder.azure.subscription-id}, else the environment variable
 * {@code AZURE_SUBSCRIPTION_ID} (the variable the Azure CLI and SDKs use), and the resource group from
 * {@code modelbuilder.azure.resource-group}, else {@code AZURE_RESOURCE_GROUP}. The HTTP client made by default reads
 * azure-core's own configuration (e.g. the proxy variables {@code HTTPS_PROXY}, {@code NO_PROXY}).
 *
 * <p>Sovereign clouds: set {@link #withEndpoint} to the cloud's Resource Manager endpoint (e.g.
 * {@code https://management.usgovcloudapi.net}); tokens are then requested for {@code <endpoint>/.default}, and the
 * credential must sign in at that cloud's authority.
 *
 * <p>Not thread-safe; each {@link #build()} returns a new, independent provider.
 */
public final class AzureMlProviderBuilder {
    /** The public cloud's Resource Manager endpoint. */
    public static final String PUBLIC_CLOUD_ENDPOINT = "https://management.azure.com";
    /** The subscription when {@link #withSubscriptionId} is not called. */
    static final Setting SUBSCRIPTION = Setting.of("modelbuilder.azure.subscription-id", "AZURE_SUBSCRIPTION_ID",
            "the Azure subscription of the provider");
    /** The resource group when {@link #withResourceGroup} is not called. */
    static final Setting RESOURCE_GROUP = Setting.of("modelbuilder.azure.resource-group", "AZURE_RESOURCE_GROUP",
            "the Azure resource group of the provider");

    private TokenCredential credential;
    private String subscriptionId;
    private String resourceGroup;
    private String endpoint = PUBLIC_CLOUD_ENDPOINT;
    private String region;
    private HttpClient httpClient;
    private RetryOptions retryOptions;
    private HttpLogOptions httpLogOptions;
    private Duration tokenTimeout = Duration.ofSeconds(30);
    private Duration responseTimeout = Duration.ofSeconds(60);
    private Duration pollInterval = Duration.ofSeconds(10);
    private Duration runPollInterval = Duration.ofSeconds(15);
    private int uploadConcurrency = 8;
    private Sleeper sleeper = Sleeper.system();
    private Clock clock = Clock.systemUTC();
    private Function<String, String> blobEndpoint;

    private Function<String, String> properties = System::getProperty;
    private Map<String, String> environment = System.getenv();

    AzureMlProviderBuilder() {
    }

    /**
     * @param tokenCredential the identity to act as, e.g. azure-identity's {@code DefaultAzureCredential}
     * @return this builder
     */
    public AzureMlProviderBuilder withCredential(TokenCredential tokenCredential) {
        this.credential = Objects.requireNonNull(tokenCredential, "tokenCredential");
        return this;
    }

    /**
     * @param id the Azure subscription id
     * @return this builder
     */
    public AzureMlProviderBuilder withSubscriptionId(String id) {
        this.subscriptionId = id;
        return this;
    }

    /**
     * @param name the resource group that holds (or will hold) the workspaces; it must exist
     * @return this builder
     */
    public AzureMlProviderBuilder withResourceGroup(String name) {
        this.resourceGroup = name;
        return this;
    }

    /**
     * @param url the Resource Manager endpoint; default {@value #PUBLIC_CLOUD_ENDPOINT}. The token scope follows it:
     *     {@code <url>/.default}
     * @return this builder
     */
    public AzureMlProviderBuilder withEndpoint(String url) {
        this.endpoint = Objects.requireNonNull(url, "url");
        return this;
    }

    /**
     * @param name the region of workspaces created without one, e.g. {@code eastus}
     * @return this builder
     */
    public AzureMlProviderBuilder withRegion(String name) {
        this.region = name;
        return this;
    }

    /**
     * @param client the HTTP client for Resource Manager, the data-plane services and blob storage; default the JDK
     *     client ({@code azure-core-http-jdk-httpclient}) with the {@link #withResponseTimeout}
     * @return this builder
     */
    public AzureMlProviderBuilder withHttpClient(HttpClient client) {
        this.httpClient = client;
        return this;
    }

    /**
     * @param options retries of transient failures (408, 429, 5xx, connection errors): the maximum retries and the
     *     back-off delays of its exponential or fixed options; default 5 retries, 0.8 s doubling to at most 30 s,
     *     with jitter. A {@code Retry-After} from the service always wins over the back-off.
     * @return this builder
     */
    public AzureMlProviderBuilder withRetryOptions(RetryOptions options) {
        this.retryOptions = options;
        return this;
    }

    /**
     * @param options HTTP logging (azure-core's {@code HttpLoggingPolicy}, which redacts the Authorization header and
     *     query parameters); default none. Answers that carry secrets (datastore credentials) are never logged.
     * @return this builder
     */
    public AzureMlProviderBuilder withHttpLogOptions(HttpLogOptions options) {
        this.httpLogOptions = options;
        return this;
    }

    /**
     * @param timeout the longest to wait for the credential to produce a token; default 30 s. A credential that
     *     takes longer fails with an {@link dev.modelbuilder.core.exception.AuthenticationException}
     * @return this builder
     */
    public AzureMlProviderBuilder withTokenTimeout(Duration timeout) {
        this.tokenTimeout = requirePositive(timeout, "timeout");
        return this;
    }

    /**
     * @param timeout the longest to wait for an answer of the default HTTP client; default 60 s (then the request is
     *     retried)
     * @return this builder
     */
    public AzureMlProviderBuilder withResponseTimeout(Duration timeout) {
        this.responseTimeout = requirePositive(timeout, "timeout");
        return this;
    }

    /**
     * @param interval the wait between polls of a long-running operation when the service names none; default 10 s
     * @return this builder
     */
    public AzureMlProviderBuilder withPollInterval(Duration interval) {
        this.pollInterval = requirePositive(interval, "interval");
        return this;
    }

    /**
     * @param interval the wait between status polls of a training run; default 15 s (Azure advises 10-30 s)
     * @return this builder
     */
    public AzureMlProviderBuilder withRunPollInterval(Duration interval) {
        this.runPollInterval = requirePositive(interval, "interval");
        return this;
    }

    /**
     * @param threads parallel image uploads; default 8
     * @return this builder
     */
    public AzureMlProviderBuilder withUploadConcurrency(int threads) {
        if (threads < 1 || threads > 64) {
            throw new IllegalArgumentException("upload concurrency must be 1 to 64, got " + threads);
        }
        this.uploadConcurrency = threads;
        return this;
    }

    /**
     * @param waiter how the provider waits between polls and retries; a test seam (default: really sleep)
     * @return this builder
     */
    public AzureMlProviderBuilder withSleeper(Sleeper waiter) {
        this.sleeper = Objects.requireNonNull(waiter, "waiter");
        return this;
    }

    /**
     * @param time the clock for deadlines; a test seam (default: the system clock, UTC)
     * @return this builder
     */
    public AzureMlProviderBuilder withClock(Clock time) {
        this.clock = Objects.requireNonNull(time, "time");
        return this;
    }

    /**
     * Test seam: where a storage account's blob service is, instead of the datastore's own endpoint
     * (e.g. Azurite's {@code http://127.0.0.1:10000/devstoreaccount1}).
     */
    AzureMlProviderBuilder withBlobEndpoint(Function<String, String> accountToEndpoint) {
        this.blobEndpoint = accountToEndpoint;
        return this;
    }

    /** Test seam: where the {@link Setting}s are read instead of the system properties and the environment. */
    AzureMlProviderBuilder withSettingSources(Function<String, String> systemProperties,
            Map<String, String> environmentVariables) {
        this.properties = Objects.requireNonNull(systemProperties, "systemProperties");
        this.environment = Map.copyOf(environmentVariables);
        return this;
    }

    private static Duration requirePositive(Duration d, String name) {
        Objects.requireNonNull(d, name);
        if (d.isNegative() || d.isZero()) {
            throw new IllegalArgumentException(name + " must be positive, got " + d);
        }
        return d;
    }

    /**
     * @return a new provider
     * @throws ValidationException naming every missing or unusable setting
     */
    public AzureMlProvider build() {
        String subscription = orSetting(subscriptionId, SUBSCRIPTION);
        String group = orSetting(resourceGroup, RESOURCE_GROUP);
        List<Violation> problems = new ArrayList<>();
        if (credential == null) {
            problems.add(new Violation("credential", null, "give withCredential(...), e.g. new "
                    + "DefaultAzureCredentialBuilder().build() from azure-identity"));
        }
        if (subscription == null) {
            problems.add(new Violation("subscription id", null, "give withSubscriptionId(...), or set "
                    + SUBSCRIPTION.howToSet()));
        }
        if (group == null) {
            problems.add(new Violation("resource group", null, "give withResourceGroup(...), or set "
                    + RESOURCE_GROUP.howToSet()));
        }
        URI uri = null;
        try {
            uri = URI.create(endpoint);
        } catch (IllegalArgumentException e) {
            problems.add(new Violation("endpoint", endpoint, "use the Resource Manager URL, e.g. "
                    + PUBLIC_CLOUD_ENDPOINT));
        }
        if (uri != null && (!"https".equalsIgnoreCase(uri.getScheme()) || uri.getHost() == null)) {
            problems.add(new Violation("endpoint", endpoint, "use an https URL (tokens are only sent over HTTPS)"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        String base = endpoint.endsWith("/") ? endpoint.substring(0, endpoint.length() - 1) : endpoint;
        String scope = base + "/.default";

        int maxRetries = 5;
        Duration baseDelay = Duration.ofMillis(800);
        Duration maxDelay = Duration.ofSeconds(30);
        if (retryOptions != null) {
            ExponentialBackoffOptions exp = retryOptions.getExponentialBackoffOptions();
            FixedDelayOptions fixed = retryOptions.getFixedDelayOptions();
            if (exp != null) {
                maxRetries = exp.getMaxRetries() != null ? exp.getMaxRetries() : maxRetries;
                baseDelay = exp.getBaseDelay() != null ? exp.getBaseDelay() : baseDelay;
                maxDelay = exp.getMaxDelay() != null ? exp.getMaxDelay() : maxDelay;
            } else if (fixed != null) {
                maxRetries = fixed.getMaxRetries();
                baseDelay = fixed.getDelay();
                maxDelay = fixed.getDelay();
            }
        }
        HttpStats stats = new HttpStats();
        ExecutorService tokenThreads = Executors.newCachedThreadPool(daemon("modelbuilder-azure-token"));
        ExecutorService uploadThreads = Executors.newFixedThreadPool(uploadConcurrency,
                daemon("modelbuilder-azure-upload"));
        HttpClient client = httpClient != null ? httpClient : new JdkHttpClientBuilder()
                .connectionTimeout(Duration.ofSeconds(10)).responseTimeout(responseTimeout).readTimeout(responseTimeout)
                .build();
        ArmRetryPolicy retry = new ArmRetryPolicy(maxRetries, baseDelay, maxDelay, sleeper, stats);
        ArmTokenPolicy token = new ArmTokenPolicy(credential, scope, tokenTimeout, clock, tokenThreads, stats);
        HttpPipeline pipeline = pipeline(client, retry, token, httpLogOptions);
        HttpPipeline quiet = pipeline(client, retry, token, null);

        ArmClient arm = new ArmClient(pipeline, quiet, base, subscription, group);
        ProviderParameters settings = new ProviderParameters(pollInterval, runPollInterval, clock, sleeper,
                uploadConcurrency, maxRetries, baseDelay.isZero() ? Duration.ofMillis(1) : baseDelay,
                maxDelay.compareTo(baseDelay) < 0 ? baseDelay : maxDelay, blobEndpoint);
        AzureWorkspaces workspaces = new AzureWorkspaces(arm, settings,
                region == null ? null : region.toLowerCase(Locale.ROOT));
        AzureComputes computes = new AzureComputes(arm, settings, workspaces);
        AzureExperiments experiments = new AzureExperiments(workspaces);
        Datastores datastores = new Datastores(arm, settings, client, credential);
        DataPlane dataPlane = new DataPlane(arm);
        AzureRuns runs = new AzureRuns(arm, settings, workspaces, computes,
                new DataUploader(arm, datastores, uploadThreads), dataPlane,
                new ModelDownloader(dataPlane, datastores), experiments);
        experiments.setRuns(runs);
        AzureEndpoints endpoints = new AzureEndpoints(arm, settings, workspaces, computes,
                new EndpointAssets(arm, datastores), client);
        return new AzureMlProvider(arm, workspaces, computes, experiments, runs, endpoints, stats,
                List.of(tokenThreads, uploadThreads));
    }

    /** @return the value given to the builder, else the setting's, stripped; {@code null} when neither is there */
    private String orSetting(String given, Setting setting) {
        if (given != null && !given.isBlank()) {
            return given.strip();
        }
        return setting.valueFrom(properties, environment).orElse(null);
    }

    private static HttpPipeline pipeline(HttpClient client, ArmRetryPolicy retry, ArmTokenPolicy token,
            HttpLogOptions logOptions) {
        List<HttpPipelinePolicy> policies = new ArrayList<>();
        policies.add(new UserAgentPolicy("modelbuilder-java/" + version()));
        policies.add(new RequestIdPolicy());
        policies.add(retry);
        policies.add(token);
        if (logOptions != null) {
            policies.add(new HttpLoggingPolicy(logOptions));
        }
        return new HttpPipelineBuilder().httpClient(client).policies(policies.toArray(new HttpPipelinePolicy[0]))
                .build();
    }

    private static String version() {
        String v = AzureMlProviderBuilder.class.getPackage().getImplementationVersion();
        return v == null ? "dev" : v;
    }

    private static ThreadFactory daemon(String name) {
        return new DaemonThreadFactory(name);
    }
}
