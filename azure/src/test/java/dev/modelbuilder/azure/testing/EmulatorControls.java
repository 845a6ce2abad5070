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

/** What tests set and read on the {@link ArmEmulator}: faults, knobs, recorded interactions, resource views. */
public abstract class EmulatorControls extends EmulatorState {

    EmulatorControls(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
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
        secretsHandedOut.clear();
        jobsDeletedWhileActive.clear();
        storageReaders.clear();
        identityDatastores = false;
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

    /**
     * @param identity whether the datastores are identity-based (credentials type {@code None}: no secrets; the
     *     caller's own identity reaches storage)
     */
    public void setIdentityDatastores(boolean identity) {
        this.identityDatastores = identity;
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

    /** @return the jobs a DELETE reached while they were still going (not completed, failed or cancelled) */
    public List<String> jobsDeletedWhileActive() {
        return List.copyOf(jobsDeletedWhileActive);
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

    /**
     * What the Azure portal's "Recently deleted" view does with "Permanently delete" (Learn, "Workspace soft
     * deletion"): the soft-deleted workspace is gone and its name free.
     *
     * @param name the workspace
     */
    public synchronized void purgeSoftDeletedInPortal(String name) {
        softDeleted.remove(key(null, name));
    }

    /**
     * Adds a workspace made elsewhere (the portal, the CLI), whose name may hold what Azure allows and the SDK would
     * not create, such as an underscore.
     *
     * @param name the workspace name
     * @param region its region
     */
    public synchronized void addWorkspaceMadeElsewhere(String name, String region) {
        ObjectNode resource = JSON.createObjectNode();
        resource.put("name", name);
        resource.put("location", region);
        ObjectNode p = resource.putObject("properties");
        String base = "/subscriptions/" + SUBSCRIPTION + "/resourceGroups/rg/providers/";
        p.put("friendlyName", name);
        p.put("storageAccount", base + "Microsoft.Storage/storageAccounts/portalstore");
        p.put("keyVault", base + "Microsoft.KeyVault/vaults/portal-vault");
        p.put("applicationInsights", base + "Microsoft.Insights/components/portal-insights");
        createWorkspace("rg", resource);
    }

    /**
     * Performs a role assignment the way {@code az role assignment create} would: Storage Blob Data Reader for a
     * principal on the workspace's storage account. The provider never assigns roles; a test does what its message
     * told the user to do.
     *
     * @param principalId the assignee's object id
     */
    public void grantStorageBlobDataReader(String principalId) {
        storageReaders.add(principalId);
    }

    /**
     * @param workspace a workspace
     * @param compute a compute
     * @return the principal id of its system-assigned identity, or {@code null} when it has none
     */
    public synchronized String computePrincipal(String workspace, String compute) {
        ObjectNode c = workspaces.get(key("rg-any", workspace)).computes.get(compute.toLowerCase(Locale.ROOT));
        String principal = c == null ? "" : c.at("/identity/principalId").asText("");
        return principal.isEmpty() ? null : principal;
    }

    /**
     * Takes a compute's identity away, as a compute created without one (elsewhere, or by an older SDK) has none.
     *
     * @param workspace a workspace
     * @param compute a compute
     */
    public synchronized void removeComputeIdentity(String workspace, String compute) {
        workspaces.get(key("rg-any", workspace)).computes.get(compute.toLowerCase(Locale.ROOT)).remove("identity");
    }

    /**
     * @param workspace a workspace
     * @return the datastores registered in it with a PUT, by name, as stored
     */
    public synchronized Map<String, JsonNode> registeredDatastores(String workspace) {
        return Map.copyOf(workspaces.get(key("rg-any", workspace)).datastores);
    }

    /**
     * @param workspace a workspace
     * @param job a job
     * @return the hyperparameters each of its trials sampled, in trial order
     */
    public synchronized List<Map<String, String>> trialParameters(String workspace, String job) {
        return List.copyOf(workspaces.get(key("rg-any", workspace)).jobs.get(job).trialParameters.values());
    }

    /**
     * @param workspace a workspace
     * @param job a completed job whose model was exported with {@code enableOnnxNormalization}
     * @return the same network without the scaling and normalization nodes in front, which takes
     *     ImageNet-normalized input
     */
    public synchronized byte[] modelWithoutNormalization(String workspace, String job) {
        Job j = workspaces.get(key("rg-any", workspace)).jobs.get(job);
        return OnnxModels.classifier(j.labels.size(), j.modelSeed, j.modelSize, false);
    }

    /**
     * Creates (or updates) a workspace from its template resource; {@link WorkspaceResources} implements it.
     *
     * @param rg the resource group
     * @param resource the workspace resource of a template
     */
    abstract void createWorkspace(String rg, JsonNode resource);

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
        return interactions.stream().filter(i -> i.method().equals(method) && re.matcher(i.path()).find()).count();
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

    @Override
    public void close() {
        server.stop(0);
        threads.shutdownNow();
    }
}
