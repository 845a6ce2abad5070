package dev.modelbuilder.azure;

import com.azure.core.credential.AzureSasCredential;
import com.azure.core.credential.TokenCredential;
import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpMethod;
import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.BlobContainerClientBuilder;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.common.StorageSharedKeyCredential;
import com.azure.storage.common.policy.RequestRetryOptions;
import com.azure.storage.common.policy.RetryPolicyType;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.exception.ModelBuilderException;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Blob access to a workspace's datastores ({@code workspaceblobstore} for data, {@code workspaceartifactstore} for
 * job outputs). Credentials come from the datastore: an account key or SAS token through {@code listSecrets}
 * (sent without HTTP logging, held in memory only, never logged), or, for identity-based datastores, the
 * provider's own credential with the storage scope.
 */
final class Datastores {
    static final String DATA_STORE = "workspaceblobstore";
    static final String ARTIFACT_STORE = "workspaceartifactstore";
    /** Storage's error code when the account disallows shared-key authorization. */
    static final String KEYS_REFUSED = "KeyBasedAuthenticationNotPermitted";
    private static final Logger LOG = LoggerFactory.getLogger(Datastores.class);

    /**
     * A datastore's container and where it lives.
     *
     * @param name the datastore name
     * @param account the storage account
     * @param containerName the container
     * @param endpointSuffix the storage endpoint suffix the datastore names, e.g. {@code core.windows.net}
     * @param protocol the protocol the datastore names, e.g. {@code https}
     * @param client the container client, with credentials
     * @param byToken whether the client uses the caller's token (identity-based datastore, credentials not handed
     *     out, or shared keys refused)
     * @param credentialLess whether the datastore stores no credentials (identity-based: jobs read it with an
     *     identity)
     * @param keysRefused whether the account refuses shared keys ({@code KeyBasedAuthenticationNotPermitted}), so
     *     that a job reading through this datastore's stored key or SAS would be refused too
     */
    record Store(String name, String account, String containerName, String endpointSuffix, String protocol,
            BlobContainerClient client, boolean byToken, boolean credentialLess, boolean keysRefused) {
    }

    private final ArmClient arm;
    private final ProviderParameters settings;
    private final HttpClient httpClient;
    private final TokenCredential credential;
    private final Map<String, Store> cache = new ConcurrentHashMap<>();

    Datastores(ArmClient arm, ProviderParameters settings, HttpClient httpClient, TokenCredential credential) {
        this.arm = arm;
        this.settings = settings;
        this.httpClient = httpClient;
        this.credential = credential;
    }

    /**
     * @param workspace the workspace
     * @param datastore the datastore name
     * @return the datastore's container, with credentials
     */
    Store open(String workspace, String datastore) {
        return cache.computeIfAbsent(workspace + "/" + datastore, k -> connect(workspace, datastore));
    }

    private Store connect(String workspace, String datastore) {
        String path = arm.workspacePath(workspace) + "/datastores/" + ArmClient.enc(datastore);
        ArmResponse r = arm.send(HttpMethod.GET, arm.url(path), null);
        ArmClient.check(r, "get datastore '" + datastore + "'", "datastore", datastore);
        JsonNode p = r.json().path("properties");
        String type = Json.text(p, "/datastoreType");
        if (type != null && !type.equalsIgnoreCase("AzureBlob")) {
            throw new ModelBuilderException("datastore '" + datastore + "' of workspace '" + workspace + "' is "
                    + type + "; Model Builder needs an Azure Blob datastore");
        }
        String account = Json.text(p, "/accountName");
        String container = Json.text(p, "/containerName");
        String suffix = Json.text(p, "/endpoint");
        String protocol = Json.text(p, "/protocol");
        String endpoint = settings.blobEndpoint() != null ? settings.blobEndpoint().apply(account)
                : (protocol == null ? "https" : protocol) + "://" + account + ".blob."
                        + (suffix == null ? "core.windows.net" : suffix);
        BlobContainerClientBuilder builder = builder(endpoint, container);
        String credentialsType = Json.text(p, "/credentials/credentialsType");
        String kind = credentialsType == null ? "None" : credentialsType;
        boolean credentialLess = !kind.equalsIgnoreCase("AccountKey") && !kind.equalsIgnoreCase("Sas");
        boolean byToken = credentialLess;
        boolean keysRefused = false;
        if (!byToken) {
            ArmResponse s = arm.sendQuietly(HttpMethod.POST, arm.url(path + "/listSecrets"), null);
            if (s.status() == 403) {
                // the key is not handed out: shared-key access disabled by policy, or no listSecrets permission;
                // the caller's token may do
                String code = ArmErrors.details(s).code();
                LOG.info("datastore '{}' of workspace '{}' gives no key ({}); reaching storage account {} with your "
                        + "token", datastore, workspace, code, account);
                byToken = true;
                keysRefused = KEYS_REFUSED.equalsIgnoreCase(code);
            } else {
                ArmClient.check(s, "get the credentials of datastore '" + datastore + "'", "datastore", datastore);
                JsonNode secrets = s.json();
                String secretsType = Json.text(secrets, "/secretsType");
                if ("Sas".equalsIgnoreCase(secretsType)) {
                    String sas = Json.text(secrets, "/sasToken");
                    builder.credential(new AzureSasCredential(sas.startsWith("?") ? sas.substring(1) : sas));
                } else {
                    String key = Json.text(secrets, "/key");
                    if (key == null) {
                        throw new ModelBuilderException("datastore '" + datastore + "' returned no account key");
                    }
                    builder.credential(new StorageSharedKeyCredential(account, key));
                }
            }
        }
        BlobContainerClient client = byToken ? builder(endpoint, container).credential(credential).buildClient()
                : builder.buildClient();
        if (!byToken && refusesKeys(client)) {
            // the key was handed out, but the account takes no shared keys (and no SAS signed with them)
            LOG.info("storage account {} refuses shared keys; reaching datastore '{}' of workspace '{}' with your "
                    + "token", account, datastore, workspace);
            byToken = true;
            keysRefused = true;
            client = builder(endpoint, container).credential(credential).buildClient();
        }
        LOG.debug("datastore '{}' of workspace '{}': account {}, container {} ({} credentials{})", datastore,
                workspace, account, container, kind, byToken ? ", by token" : "");
        return new Store(datastore, account, container, suffix == null ? "core.windows.net" : suffix,
                protocol == null ? "https" : protocol, client, byToken, credentialLess, keysRefused);
    }

    /** A container client without credentials yet; azure-storage-blob asks a token credential for the scope
     * {@code https://storage.azure.com/.default}. */
    private BlobContainerClientBuilder builder(String endpoint, String container) {
        return new BlobContainerClientBuilder().endpoint(endpoint).containerName(container).httpClient(httpClient)
                .retryOptions(new RequestRetryOptions(RetryPolicyType.EXPONENTIAL, settings.storageRetries() + 1,
                        Duration.ofMinutes(2), settings.storageRetryDelay(), settings.storageMaxRetryDelay(), null));
    }

    /**
     * @return whether storage refuses the client's key or SAS because the account disallows shared-key access
     *     ({@code 403 KeyBasedAuthenticationNotPermitted}); one cheap request, once per datastore
     */
    private static boolean refusesKeys(BlobContainerClient client) {
        try {
            client.exists();
            return false;
        } catch (BlobStorageException e) {
            return e.getStatusCode() == 403 && e.getErrorCode() != null
                    && KEYS_REFUSED.equalsIgnoreCase(e.getErrorCode().toString());
        }
    }
}
