package dev.modelbuilder.azure;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.Page;
import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunError;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.spi.RunOperations;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Training runs as Azure Machine Learning jobs: submit (upload, data asset, AutoML job), attach, get, list (the
 * workspace's or an experiment's), cancel, delete.
 */
final class AzureRuns implements RunOperations {
    private static final Logger LOG = LoggerFactory.getLogger(AzureRuns.class);

    final ArmClient arm;
    final ProviderParameters settings;
    final AzureWorkspaces workspaces;
    final AzureComputes computes;
    final DataUploader uploader;
    final DataPlane dataPlane;
    final ModelDownloader downloader;
    private final AzureExperiments experiments;

    AzureRuns(ArmClient arm, ProviderParameters settings, AzureWorkspaces workspaces, AzureComputes computes,
            DataUploader uploader, DataPlane dataPlane, ModelDownloader downloader, AzureExperiments experiments) {
        this.arm = arm;
        this.settings = settings;
        this.workspaces = workspaces;
        this.computes = computes;
        this.uploader = uploader;
        this.dataPlane = dataPlane;
        this.downloader = downloader;
        this.experiments = experiments;
    }

    String jobUrl(String workspace, String id) {
        return arm.url(arm.workspacePath(workspace) + "/jobs/" + ArmClient.enc(id));
    }

    @Override
    public TrainingRun submit(String workspace, String experiment, TrainingSpec training,
            ImageDataset dataset, ProgressListener listener) {
        AzureTrainingOptions options = training.optionsFor(AzureMlProvider.NAME, AzureTrainingOptions.class,
                AzureTrainingOptions::defaults);
        ProgressListener events = listener == null ? ProgressListener.none() : listener;
        String computeName = training.computeName();
        if (computeName == null) {
            throw new ValidationException("compute", null, "name the GPU compute cluster to train on, e.g. "
                    + "withCompute(\"gpu-cluster\")");
        }
        JsonNode ws = workspaces.getJson(workspace);

        long provisionStart = System.nanoTime();
        ProgressListener.emit(events, new ProgressEvent.StepStarted(WorkStep.PROVISION_COMPUTE));
        JsonNode compute;
        DataUploader.Access access;
        try {
            compute = computes.getJson(workspace, computeName);
            String vmSize = Json.text(compute, "/properties/properties/vmSize");
            ComputeSize size = vmSize == null ? null : AzureVmSizes.find(vmSize).orElse(null);
            if (size != null && !size.hasGpu()) {
                throw new ValidationException("compute", computeName, "its size " + vmSize + " has no GPU; AutoML "
                        + "image classification needs a GPU size such as " + AzureVmSizes.STANDARD_NC4AS_T4_V3.name());
            }
            access = uploader.access(workspace);
            if (access.byIdentity()) {
                requireIdentity(workspace, ws, computeName, compute, access, events);
            }
        } catch (RuntimeException e) {
            ProgressListener.emit(events, new ProgressEvent.StepFailed(WorkStep.PROVISION_COMPUTE,
                    e.getMessage()));
            throw e;
        }
        ProgressListener.emit(events, new ProgressEvent.StepCompleted(WorkStep.PROVISION_COMPUTE,
                Duration.ofNanos(System.nanoTime() - provisionStart)));

        DataUploader.Uploaded data = uploader.upload(workspace, dataset, training.isMultiLabel(), access, events);
        String id = Names.sanitize(experiment, 40).toLowerCase(Locale.ROOT) + "-"
                + HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextLong()).substring(0, 12);
        String dataAssetId = arm.workspacePath(workspace) + "/data/" + data.assetName() + "/versions/"
                + data.assetVersion();
        ObjectNode body = AutoMlJob.body(experiment, Json.text(compute, "/id"), training, options, data,
                dataAssetId, dataset.labels());
        ProgressListener.emit(events, new ProgressEvent.StepStarted(WorkStep.QUEUE));
        LOG.info("submitting job {} in experiment '{}' on compute '{}'", id, experiment, computeName);
        ArmResponse r = arm.send(HttpMethod.PUT, jobUrl(workspace, id), body);
        try {
            ArmClient.check(r, "submit run " + id, "run", id);
        } catch (RuntimeException e) {
            ProgressListener.emit(events, new ProgressEvent.StepFailed(WorkStep.QUEUE, e.getMessage()));
            throw e;
        }
        experiments.remember(workspace, experiment);
        JsonNode job = r.json().has("properties") ? r.json() : getJobJson(workspace, id);
        return new AzureTrainingRun(this, workspace, job, events, true);
    }

    /**
     * The trials read data in a datastore without stored credentials with the compute's managed identity (Learn,
     * "Set up authentication between Azure Machine Learning and other services", access data for training jobs on
     * compute using managed identity: the compute needs an identity and the role Storage Blob Data Reader on the
     * account). A compute without an identity is refused here, before anything is uploaded. The role is not checked
     * (reading role assignments needs rights a data scientist seldom has) and never assigned: the listener and the
     * log are told the exact {@code az role assignment create} command.
     */
    private void requireIdentity(String workspace, JsonNode ws, String computeName, JsonNode compute,
            DataUploader.Access access, ProgressListener events) {
        String why = access.keysRefused() ? "storage account " + access.account() + " takes no shared keys"
                : "datastore '" + Datastores.DATA_STORE + "' stores no credentials (identity-based)";
        String principal = Json.text(compute, "/identity/principalId");
        if (principal == null) {
            throw new ValidationException("compute", computeName, "it has no managed identity, and the trials read "
                    + "the training data with it because " + why + ": create the compute again with this SDK "
                    + "(computes().delete(\"" + computeName + "\") then define(\"" + computeName + "\")...create(); "
                    + "it gives clusters a system-assigned identity), or give it one in Azure Machine Learning studio "
                    + "(Compute, Compute clusters, " + computeName + ", Managed identity)");
        }
        String scope = storageAccountId(ws, access.account());
        String line = why + ", so the trials read the training data with the managed identity of compute '"
                + computeName + "' (principal " + principal + "), which needs the role Storage Blob Data Reader on "
                + "storage account " + access.account() + "; without it the run fails with "
                + "AuthorizationPermissionMismatch. Model Builder never assigns roles; if it is not assigned yet, "
                + "run once: az role assignment create --assignee-object-id " + principal
                + " --assignee-principal-type ServicePrincipal --role \"Storage Blob Data Reader\" --scope " + scope;
        LOG.warn("workspace '{}': {}", workspace, line);
        ProgressListener.emit(events, new ProgressEvent.LogLine(AzureMlProvider.NAME, line));
    }

    /**
     * @return the ARM id of the storage account: the workspace's {@code storageAccount} when it is that account (as
     *     for the default datastore), else the account under the resource group of the workspace's storage
     */
    private String storageAccountId(JsonNode ws, String account) {
        String workspaceStorage = Json.text(ws, "/properties/storageAccount");
        if (workspaceStorage != null && workspaceStorage.toLowerCase(Locale.ROOT)
                .endsWith("/storageaccounts/" + account.toLowerCase(Locale.ROOT))) {
            return workspaceStorage;
        }
        String group = arm.resourceGroup();
        if (workspaceStorage != null) {
            java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?i)/resourceGroups/([^/]+)/")
                    .matcher(workspaceStorage);
            if (m.find()) {
                group = m.group(1);
            }
        }
        return "/subscriptions/" + arm.subscriptionId() + "/resourceGroups/" + group
                + "/providers/Microsoft.Storage/storageAccounts/" + account;
    }

    @Override
    public TrainingRun attach(String workspace, String runId, ProgressListener listener) {
        JsonNode job = getJobJson(workspace, runId);
        return new AzureTrainingRun(this, workspace, job, listener == null ? ProgressListener.none() : listener,
                false);
    }

    @Override
    public Run get(String workspace, String runId) {
        JsonNode job = getJobJson(workspace, runId);
        RunStatus status = RunStatus.fromString(Json.text(job, "/properties/status"));
        RunError error = null;
        if (status.equals(RunStatus.FAILED)) {
            error = failure(workspace, job, WorkStep.TRAIN);
        }
        return toRun(workspace, job, Map.of(), error);
    }

    JsonNode getJobJson(String workspace, String runId) {
        ArmResponse r = arm.send(HttpMethod.GET, jobUrl(workspace, runId), null);
        if (r.status() == 404) {
            workspaces.getJson(workspace);
            throw new ResourceNotFoundException("run", runId, "workspace '" + workspace + "' has no job of that name ("
                    + ArmErrors.details(r).describe() + ")");
        }
        ArmClient.check(r, "get run " + runId, "run", runId);
        return r.json();
    }

    /**
     * @param workspace the workspace
     * @return every job of the workspace, page by page (the service does not filter by experiment)
     */
    PagedIterable<JsonNode> jobs(String workspace) {
        return Paging.list(arm, arm.url(arm.workspacePath(workspace) + "/jobs", "listViewType", "All"), "list runs",
                "workspace", workspace, j -> j);
    }

    @Override
    public PagedIterable<Run> list(String workspace, String experiment) {
        return runs(workspace, job -> experiment.equals(experimentOf(job)));
    }

    @Override
    public PagedIterable<Run> list(String workspace) {
        return runs(workspace, job -> true);
    }

    /** The jobs the filter keeps as runs, newest first within each page the service returns. */
    private PagedIterable<Run> runs(String workspace, java.util.function.Predicate<JsonNode> filter) {
        PagedIterable<JsonNode> all = jobs(workspace);
        return new PagedIterable<>(token -> {
            var page = all.iterableByPage(token).iterator().next();
            List<Run> runs = page.items().stream()
                    .filter(filter)
                    .map(j -> toRun(workspace, j, Map.of(), null))
                    .sorted(Comparator.comparing((Run run) -> run.createdAt() == null ? Instant.EPOCH : run.createdAt())
                            .reversed())
                    .collect(Collectors.toList());
            return new Page<>(runs, page.continuationToken());
        });
    }

    /**
     * Deletes a job, cancelling it first when it still runs ({@link RunDeletion}); succeeds when there is none.
     */
    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String runId) {
        String description = "delete run '" + runId + "'";
        ArmResponse existing = arm.send(HttpMethod.GET, jobUrl(workspace, runId), null);
        if (existing.status() == 404) {
            workspaces.getJson(workspace);
            return PollingOperation.completed(description, new Deletion("run", runId, false), "");
        }
        ArmClient.check(existing, "get run " + runId, "run", runId);
        return RunDeletion.start(this, workspace, List.of(runId), description, new Deletion("run", runId, true));
    }

    @Override
    public void cancel(String workspace, String runId) {
        JsonNode job = getJobJson(workspace, runId);
        if (RunStatus.fromString(Json.text(job, "/properties/status")).isTerminal()) {
            return;
        }
        ArmResponse r = arm.send(HttpMethod.POST, arm.url(arm.workspacePath(workspace) + "/jobs/"
                + ArmClient.enc(runId) + "/cancel"), null);
        ArmClient.check(r, "cancel run " + runId, "run", runId);
        LOG.info("asked to cancel run {}", runId);
    }

    static String experimentOf(JsonNode job) {
        String e = Json.text(job, "/properties/experimentName");
        return e == null ? "Default" : e;
    }

    Run toRun(String workspace, JsonNode job, Map<String, Double> metrics, RunError error) {
        return toRun(workspace, job, metrics, error, null, null);
    }

    /**
     * Builds the run. The studio link is the job's {@code services.Studio.endpoint} with the tenant added
     * ({@code &tid=}, {@link ArmClient#withTenant}). Start and end come from the job's
     * {@code properties.properties.StartTimeUtc} and
     * {@code EndTimeUtc} ({@code yyyy-MM-dd HH:mm:ss}, UTC), as the service writes them; a job GET carries no
     * {@code systemData.lastModifiedAt}. MLflow's times stand in while the job does not name them.
     *
     * @param started when training started by MLflow, or {@code null}
     * @param ended when the run ended by MLflow, or {@code null}
     */
    Run toRun(String workspace, JsonNode job, Map<String, Double> metrics, RunError error, Instant started,
            Instant ended) {
        RunStatus status = RunStatus.fromString(Json.text(job, "/properties/status"));
        Instant created = Json.instant(job, "/systemData/createdAt");
        Instant start = serviceTime(Json.text(job, "/properties/properties/StartTimeUtc"));
        Instant end = serviceTime(Json.text(job, "/properties/properties/EndTimeUtc"));
        return new Run(Json.text(job, "/name"), experimentOf(job), workspace, status, created,
                start != null ? start : started, status.isTerminal() ? (end != null ? end : ended) : null,
                arm.withTenant(Json.text(job, "/properties/services/Studio/endpoint")), metrics, error);
    }

    /**
     * @param text a time as the service writes job times ({@code 2024-05-01 10:02:03}, UTC, maybe with a
     *     fraction), or ISO-8601
     * @return the instant, or {@code null} when absent or unreadable
     */
    static Instant serviceTime(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        String t = text.trim();
        try {
            if (t.length() > 10 && t.charAt(10) == ' ') {
                t = t.substring(0, 10) + "T" + t.substring(11);
            }
            if (t.endsWith("Z") || t.matches(".*[+-]\\d\\d:\\d\\d$")) {
                return java.time.OffsetDateTime.parse(t).toInstant();
            }
            return java.time.LocalDateTime.parse(t).toInstant(java.time.ZoneOffset.UTC);
        } catch (java.time.format.DateTimeParseException e) {
            LOG.debug("unreadable job time '{}'", text);
            return null;
        }
    }

    String trackingBase(String workspace, JsonNode job) {
        String base = DataPlane.mlflowBase(Json.text(job, "/properties/services/Tracking/endpoint"));
        if (base == null) {
            base = DataPlane.mlflowBase(Json.text(workspaces.getJson(workspace), "/properties/mlFlowTrackingUri"));
        }
        return base;
    }

    /**
     * @return why a failed job failed, with the step it failed in
     */
    RunError failure(String workspace, JsonNode job, WorkStep step) {
        String name = Json.text(job, "/name");
        try {
            var d = dataPlane.failure(trackingBase(workspace, job), workspace, name);
            if (d != null) {
                return new RunError(d.code() == null ? "JobFailed" : d.code(),
                        d.message() == null ? "the job failed" : d.message(), step);
            }
        } catch (ModelBuilderException e) {
            LOG.warn("cannot read why run {} failed: {}", name, e.getMessage());
        }
        String link = Json.text(job, "/properties/services/Studio/endpoint");
        return new RunError("JobFailed", "the job failed without an error the service would tell"
                + (link == null ? "" : "; see its logs at " + link), step);
    }
}
