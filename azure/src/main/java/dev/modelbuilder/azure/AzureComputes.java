package dev.modelbuilder.azure;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ComputeState;
import dev.modelbuilder.core.model.ComputeTier;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.PollingOperation;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * AmlCompute clusters of a workspace. Before creating one the size is checked: not retired ({@link AzureVmSizes},
 * before any remote call), offered in the workspace's region ({@code locations/{loc}/vmSizes}), and within the vCPU
 * quota of its family and of the region ({@code locations/{loc}/usages}). Clusters are created with a system-assigned
 * managed identity (Learn, "Set up authentication between Azure Machine Learning and other services": the identity
 * reads identity-based datastores for training jobs, and gets AcrPull on the workspace's registry), which training on
 * a storage account without shared keys needs ({@link AzureRuns}).
 */
final class AzureComputes implements ComputeOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AzureComputes.class);
    private static final String TOKEN_PREFIX = "azure:compute:";

    private final ArmClient arm;
    private final ProviderParameters settings;
    private final AzureWorkspaces workspaces;

    AzureComputes(ArmClient arm, ProviderParameters settings, AzureWorkspaces workspaces) {
        this.arm = arm;
        this.settings = settings;
        this.workspaces = workspaces;
    }

    private String computeUrl(String workspace, String name, String... query) {
        return arm.url(arm.workspacePath(workspace) + "/computes/" + ArmClient.enc(name), query);
    }

    @Override
    public LongRunningOperation<Compute> beginCreateOrGet(String workspace, ComputeSpec spec,
            ProgressListener listener) {
        validate(spec); // a retired size is refused before any remote call
        ComputeSize size = spec.size();
        String location = Json.text(workspaces.getJson(workspace), "/location");
        String name = spec.name();
        String description = "create compute '" + name + "'";
        String token = TOKEN_PREFIX + workspace + ":" + name;
        ArmResponse existing = arm.send(HttpMethod.GET, computeUrl(workspace, name), null);
        if (existing.isSuccess()) {
            JsonNode c = existing.json();
            String type = Json.text(c, "/properties/computeType");
            String vmSize = Json.text(c, "/properties/properties/vmSize");
            if (type != null && !type.equalsIgnoreCase("AmlCompute")) {
                throw new ResourceExistsException("compute", name, "it is a " + type + ", not an AmlCompute cluster");
            }
            if (vmSize != null && !size.isNamed(vmSize)) {
                throw new ResourceExistsException("compute", name, "it has size " + vmSize + ", not " + size.name()
                        + "; delete it first or choose another name");
            }
            String state = Json.text(c, "/properties/provisioningState");
            if (state != null && !ComputeState.fromString(state).isTerminal()) {
                return ArmOperation.byState(arm, settings, description, computeUrl(workspace, name),
                        () -> get(workspace, name), token, listener);
            }
            if (state == null || !state.equalsIgnoreCase("Failed")) {
                return PollingOperation.completed(description, toCompute(workspace, c), token);
            }
            LOG.info("compute '{}' exists but its provisioning failed; creating it again", name);
        } else if (existing.status() != 404) {
            ArmClient.check(existing, "get compute '" + name + "'", "compute", name);
        }
        JsonNode live = requireOffered(location, size);
        String family = Json.text(live, "/family");
        requireQuota(location, size, family != null ? family : size.family(), spec);

        ObjectNode body = Json.object();
        body.put("location", location);
        // a system-assigned identity (ComputeResource.identity, ManagedServiceIdentity): the trials read data that the
        // storage account will not hand out by key with it (identity-based data access), and Azure Machine Learning
        // grants it AcrPull on the workspace's registry; it costs nothing and grants nothing else by itself
        body.putObject("identity").put("type", "SystemAssigned");
        ObjectNode props = body.putObject("properties");
        props.put("computeType", "AmlCompute");
        props.put("description", "Model Builder training cluster");
        ObjectNode aml = props.putObject("properties");
        aml.put("vmSize", size.name());
        aml.put("vmPriority", spec.tier().serviceName());
        aml.put("osType", "Linux");
        ObjectNode scale = aml.putObject("scaleSettings");
        scale.put("maxNodeCount", spec.maxNodes());
        scale.put("minNodeCount", spec.minNodes());
        scale.put("nodeIdleTimeBeforeScaleDown", spec.idleTimeBeforeScaleDown().toString());
        aml.put("remoteLoginPortPublicAccess", "NotSpecified");
        aml.put("enableNodePublicIp", true);
        LOG.info("creating compute '{}' ({} x {}..{}, {}) in workspace '{}'", name, size.name(), spec.minNodes(),
                spec.maxNodes(), spec.tier().serviceName(), workspace);
        ArmResponse r = arm.send(HttpMethod.PUT, computeUrl(workspace, name), body);
        ArmClient.check(r, description, "compute", name);
        return ArmOperation.start(arm, settings, description, r, computeUrl(workspace, name),
                () -> get(workspace, name), token, listener);
    }

    private JsonNode requireOffered(String location, ComputeSize size) {
        ArmResponse r = arm.send(HttpMethod.GET,
                arm.url(arm.subscriptionProviderPath() + "/locations/" + ArmClient.enc(location) + "/vmSizes"), null);
        ArmClient.check(r, "list VM sizes in " + location, "region", location);
        List<String> gpuSizes = new ArrayList<>();
        for (JsonNode s : r.json().path("value")) {
            String n = Json.text(s, "/name");
            if (n != null && size.isNamed(n)) {
                return s;
            }
            if (n != null && Json.integer(s, "/gpus", 0) > 0) {
                gpuSizes.add(n);
            }
        }
        throw new ValidationException("compute size", size.name(), "it is not offered in region " + location
                + (gpuSizes.isEmpty() ? "" : "; GPU sizes offered there: " + String.join(", ", gpuSizes)));
    }

    /**
     * Checks that one node (or the minimum node count, when higher) fits within the family's and the region's
     * vCPU quota of the tier. Sizes whose family Azure does not report are let through with a warning.
     */
    private void requireQuota(String location, ComputeSize size, String family, ComputeSpec spec) {
        boolean lowPriority = spec.tier() == ComputeTier.LOW_PRIORITY;
        String tierWord = lowPriority ? "lowpriority" : "dedicated";
        long needed = (long) size.vcpus() * Math.max(1, spec.minNodes());
        Quota[] quotas = quotas(location, family, tierWord);
        Quota familyQuota = quotas[0];
        Quota total = quotas[1];
        if (familyQuota == null) {
            LOG.warn("Azure reports no {} quota for family {} in {}; creating compute '{}' without checking it",
                    tierWord, family, location, spec.name());
        }
        for (Quota q : new Quota[] {familyQuota, total}) {
            if (q != null && q.limit >= 0 && q.limit - q.used < needed) {
                throw new QuotaExceededException(q.name + " in " + location, needed, Math.max(0, q.limit - q.used),
                        size.name() + " needs " + size.vcpus() + " vCPUs per node; request more quota in the Azure "
                                + "portal (Quotas, Machine Learning) or choose a size with quota");
            }
        }
        if (familyQuota != null && familyQuota.limit >= 0
                && familyQuota.limit - familyQuota.used < (long) size.vcpus() * spec.maxNodes()) {
            LOG.warn("compute '{}' may scale to {} nodes but the {} quota leaves room for {}", spec.name(),
                    spec.maxNodes(), familyQuota.name, (familyQuota.limit - familyQuota.used) / size.vcpus());
        }
    }

    /**
     * Checks that a managed online endpoint's instances fit within the dedicated vCPU quota of their family and of
     * the region ({@code locations/{loc}/usages}, which counts compute clusters, compute instances and managed online
     * endpoints alike).
     *
     * @param location the workspace's region
     * @param sku the instance type
     * @param needed the vCPUs the deployment takes ({@link AzureOnlineSkus.Sku#quotaFor})
     * @param what what needs them, for the message
     * @throws QuotaExceededException when a quota does not cover them
     */
    void requireEndpointQuota(String location, AzureOnlineSkus.Sku sku, long needed, String what) {
        Quota[] quotas = quotas(location, sku.family(), "dedicated");
        if (quotas[0] == null) {
            LOG.warn("Azure reports no dedicated quota for family {} in {}; deploying {} without checking it",
                    sku.family(), location, what);
        }
        for (Quota q : quotas) {
            if (q != null && q.limit >= 0 && q.limit - q.used < needed) {
                throw new QuotaExceededException(q.name + " in " + location, needed, Math.max(0, q.limit - q.used),
                        what + " needs " + needed + " vCPUs of " + sku.name() + " quota (Azure reserves 20 % more "
                                + "instances than asked for upgrades" + (sku.skipsReserve() ? ", not for this size"
                                : "") + "); request more quota in the Azure portal (Quotas, Machine Learning), "
                                + "choose a smaller instance type or fewer instances, or delete endpoints you no "
                                + "longer use");
            }
        }
    }

    /** @return the family's and the region's quota of the tier ({@code dedicated} or {@code lowpriority}), each may be null */
    private Quota[] quotas(String location, String family, String tierWord) {
        ArmResponse r = arm.send(HttpMethod.GET,
                arm.url(arm.subscriptionProviderPath() + "/locations/" + ArmClient.enc(location) + "/usages"), null);
        ArmClient.check(r, "list quota usage in " + location, "region", location);
        String familyKey = familyKey(family);
        Quota familyQuota = null;
        Quota total = null;
        for (JsonNode u : r.json().path("value")) {
            String type = Json.text(u, "/type");
            String quotaName = Json.text(u, "/name/value");
            if (type == null || quotaName == null || !type.toLowerCase(Locale.ROOT).endsWith("/usages")) {
                continue;
            }
            String t = type.toLowerCase(Locale.ROOT);
            String n = quotaName.toLowerCase(Locale.ROOT);
            long limit = u.path("limit").asLong(-1);
            long used = u.path("currentValue").asLong(0);
            if (t.endsWith("vmfamily/usages") && n.contains(tierWord) && familyKey(quotaName).equals(familyKey)) {
                familyQuota = new Quota(quotaName, limit, used);
            } else if ((t.endsWith(tierWord + "cores/usages")) && n.startsWith("total")) {
                total = new Quota(quotaName, limit, used);
            }
        }
        return new Quota[] {familyQuota, total};
    }

    private record Quota(String name, long limit, long used) {
    }

    /**
     * @param family a family as vmSizes writes it ({@code standardNCASv3_T4Family}) or a usage name
     *     ({@code Standard NCASv3_T4 Family Cluster Dedicated vCPUs})
     * @return the family's core, lower case without separators ({@code ncasv3t4})
     */
    static String familyKey(String family) {
        String s = family.toLowerCase(Locale.ROOT).replace(" ", "").replace("_", "");
        int cluster = s.indexOf("familycluster");
        if (cluster >= 0) {
            s = s.substring(0, cluster);
        } else if (s.endsWith("family")) {
            s = s.substring(0, s.length() - "family".length());
        }
        return s.startsWith("standard") ? s.substring("standard".length()) : s;
    }

    @Override
    public LongRunningOperation<Compute> resumeCreateOrGet(String resumeToken) {
        if (resumeToken == null || !resumeToken.startsWith(TOKEN_PREFIX) || !resumeToken.contains(":")) {
            throw new ValidationException("resume token", resumeToken, "use a token from a compute create operation "
                    + "of the Azure provider");
        }
        String[] parts = resumeToken.substring(TOKEN_PREFIX.length()).split(":", 2);
        if (parts.length != 2) {
            throw new ValidationException("resume token", resumeToken, "use a token from a compute create operation");
        }
        return ArmOperation.byState(arm, settings, "create compute '" + parts[1] + "'",
                computeUrl(parts[0], parts[1]), () -> get(parts[0], parts[1]), resumeToken, ProgressListener.none());
    }

    @Override
    public Compute get(String workspace, String name) {
        ArmResponse r = arm.send(HttpMethod.GET, computeUrl(workspace, name), null);
        if (r.status() == 404) {
            workspaces.getJson(workspace);
        }
        ArmClient.check(r, "get compute '" + name + "'", "compute", name);
        return toCompute(workspace, r.json());
    }

    /**
     * @param workspace the workspace
     * @param name the compute
     * @return its ARM representation
     */
    JsonNode getJson(String workspace, String name) {
        ArmResponse r = arm.send(HttpMethod.GET, computeUrl(workspace, name), null);
        return ArmClient.check(r, "get compute '" + name + "'", "compute", name).json();
    }

    @Override
    public PagedIterable<Compute> list(String workspace) {
        return Paging.list(arm, arm.url(arm.workspacePath(workspace) + "/computes"), "list computes", "workspace",
                workspace, c -> "AmlCompute".equalsIgnoreCase(Json.text(c, "/properties/computeType"))
                        ? toCompute(workspace, c) : null);
    }

    @Override
    public LongRunningOperation<Compute> beginResize(String workspace, String name, int minNodes, int maxNodes) {
        Compute current = get(workspace, name);
        ObjectNode body = Json.object();
        ObjectNode scale = body.putObject("properties").putObject("properties").putObject("scaleSettings");
        scale.put("maxNodeCount", maxNodes);
        scale.put("minNodeCount", minNodes);
        if (current.idleTimeBeforeScaleDown() != null) {
            scale.put("nodeIdleTimeBeforeScaleDown", current.idleTimeBeforeScaleDown().toString());
        }
        String description = "resize compute '" + name + "'";
        ArmResponse r = arm.send(HttpMethod.PATCH, computeUrl(workspace, name), body);
        ArmClient.check(r, description, "compute", name);
        return ArmOperation.start(arm, settings, description, r, computeUrl(workspace, name),
                () -> get(workspace, name), TOKEN_PREFIX + workspace + ":" + name, ProgressListener.none());
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
        String description = "delete compute '" + name + "'";
        ArmResponse existing = arm.send(HttpMethod.GET, computeUrl(workspace, name), null);
        if (existing.status() == 404) {
            return PollingOperation.completed(description, new Deletion("compute", name, false), "");
        }
        ArmClient.check(existing, "get compute '" + name + "'", "compute", name);
        ArmResponse r = arm.send(HttpMethod.DELETE, computeUrl(workspace, name, "underlyingResourceAction", "Delete"),
                null);
        Deletion done = new Deletion("compute", name, true);
        if (r.status() == 404 || r.status() == 204) {
            return PollingOperation.completed(description, done, "");
        }
        ArmClient.check(r, description, "compute", name);
        return ArmOperation.start(arm, settings, description, r, null, () -> done, "", ProgressListener.none());
    }

    /** @return Azure's size catalog, {@link AzureVmSizes#catalog()} */
    @Override
    public List<ComputeSize> sizeCatalog() {
        return AzureVmSizes.catalog();
    }

    /** Refuses a retired size, naming its retirement date and its replacements with their quota families. */
    @Override
    public void validate(ComputeSpec spec) {
        AzureVmSizes.requireCurrent(spec.size());
    }

    @Override
    public List<ComputeSize> availableSizes(String workspace) {
        return sizesIn(Json.text(workspaces.getJson(workspace), "/location"));
    }

    /**
     * @param location a region
     * @return the sizes AmlCompute offers there: {@link AzureVmSizes} entries where the catalog knows the size, else
     *     the figures Azure reports (GPU memory, disks and NICs then read 0)
     */
    List<ComputeSize> sizesIn(String location) {
        ArmResponse r = arm.send(HttpMethod.GET,
                arm.url(arm.subscriptionProviderPath() + "/locations/" + ArmClient.enc(location) + "/vmSizes"), null);
        ArmClient.check(r, "list VM sizes in " + location, "region", location);
        List<ComputeSize> sizes = new ArrayList<>();
        for (JsonNode s : r.json().path("value")) {
            String n = Json.text(s, "/name");
            JsonNode types = s.path("supportedComputeTypes");
            if (n == null || (types.isArray() && !types.toString().contains("\"AmlCompute\""))) {
                continue;
            }
            ComputeSize known = AzureVmSizes.find(n).orElse(null);
            if (known != null) {
                sizes.add(known);
                continue;
            }
            int vcpus = Json.integer(s, "/vCPUs", 0);
            double memory = s.path("memoryGB").asDouble(0);
            if (vcpus < 1 || memory <= 0) {
                continue;
            }
            sizes.add(new ComputeSize(n, Json.text(s, "/family"), vcpus, memory,
                    (int) (s.path("maxResourceVolumeMB").asLong(0) / 1024), Json.integer(s, "/gpus", 0), 0, 0, 0,
                    null, null, List.of()));
        }
        return sizes;
    }

    Compute toCompute(String workspace, JsonNode c) {
        JsonNode p = c.path("properties");
        String vmSize = Json.text(p, "/properties/vmSize");
        String sizeName = vmSize == null ? "unknown" : vmSize;
        ComputeSize size = vmSize == null ? null : AzureVmSizes.find(vmSize).orElse(null);
        Duration idle = null;
        String idleText = Json.text(p, "/properties/scaleSettings/nodeIdleTimeBeforeScaleDown");
        if (idleText != null) {
            try {
                idle = Duration.parse(idleText);
            } catch (DateTimeParseException e) {
                idle = null;
            }
        }
        String priority = Json.text(p, "/properties/vmPriority");
        ComputeTier tier = priority != null && priority.equalsIgnoreCase("LowPriority") ? ComputeTier.LOW_PRIORITY
                : ComputeTier.DEDICATED;
        String state = Json.text(p, "/provisioningState");
        return new Compute(Json.text(c, "/name"), workspace, size != null ? size.name() : sizeName, size,
                Json.integer(p, "/properties/scaleSettings/minNodeCount", 0),
                Json.integer(p, "/properties/scaleSettings/maxNodeCount", 0), idle, tier,
                ComputeState.fromString(state == null ? "Unknown" : state),
                Json.integer(p, "/properties/currentNodeCount", 0), Json.text(c, "/id"));
    }

    static ResourceNotFoundException notFound(String name, String workspace) {
        return new ResourceNotFoundException("compute", name, "create it in workspace '" + workspace + "' first");
    }
}
