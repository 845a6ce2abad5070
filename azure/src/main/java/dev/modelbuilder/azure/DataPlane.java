package dev.modelbuilder.azure;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import java.net.URI;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The workspace's data-plane services that Resource Manager does not cover, reached with the same ARM token:
 *
 * <ul>
 *   <li>MLflow tracking (the job's {@code services.Tracking.endpoint}, or the workspace's {@code mlFlowTrackingUri},
 *       {@code azureml://} read as {@code https://}) plus the MLflow REST API ({@code /api/2.0/mlflow/runs/get},
 *       {@code /runs/search}): run tags such as AutoML's {@code automl_best_child_run_id}, and metrics;</li>
 *   <li>run history ({@code /history/v1.0/.../workspaces/{ws}/runs/{id}} and {@code .../children}, as azure-ai-ml's
 *       run-history client calls it): why a run failed.</li>
 * </ul>
 *
 * <p>These hosts come from Resource Manager's own answers and must be HTTPS.
 */
final class DataPlane {
    private static final Logger LOG = LoggerFactory.getLogger(DataPlane.class);
    private static final Pattern GENERIC_FAILURE = Pattern.compile("(?is).*\\b(child|children|trial|iteration)\\b.*"
            + "|\\s*(run|job)?\\s*failed\\.?\\s*");

    private final ArmClient arm;

    DataPlane(ArmClient arm) {
        this.arm = arm;
    }

    /**
     * @param trackingUri {@code azureml://host/mlflow/v1.0/subscriptions/.../workspaces/ws?} or an https URL
     * @return the https base of the MLflow REST API, or {@code null} when the URI is unusable
     */
    static String mlflowBase(String trackingUri) {
        if (trackingUri == null || trackingUri.isBlank()) {
            return null;
        }
        String u = trackingUri.trim();
        int q = u.indexOf('?');
        if (q >= 0) {
            u = u.substring(0, q);
        }
        if (u.startsWith("azureml://")) {
            u = "https://" + u.substring("azureml://".length());
        }
        if (!u.startsWith("https://")) {
            return null;
        }
        return u.endsWith("/") ? u.substring(0, u.length() - 1) : u;
    }

    /**
     * @param runId an MLflow run id (an Azure job name is its run id)
     * @return the MLflow {@code run} object, or {@code null} when MLflow does not know it
     */
    JsonNode mlflowRun(String base, String runId) {
        ArmResponse r = arm.sendDataPlane(HttpMethod.GET, base + "/api/2.0/mlflow/runs/get?run_id="
                + ArmClient.enc(runId), null);
        if (r.status() == 404) {
            return null;
        }
        ArmClient.check(r, "read MLflow run " + runId, "run", runId);
        JsonNode run = r.json().path("run");
        return run.isMissingNode() ? null : run;
    }

    /**
     * @return the child runs of an MLflow run (by the {@code mlflow.parentRunId} tag)
     */
    List<JsonNode> mlflowChildren(String base, String experimentId, String parentRunId) {
        ObjectNode body = Json.object();
        body.putArray("experiment_ids").add(experimentId);
        body.put("filter", "tags.mlflow.parentRunId = '" + parentRunId.replace("'", "") + "'");
        body.put("max_results", 1000);
        ArmResponse r = arm.sendDataPlane(HttpMethod.POST, base + "/api/2.0/mlflow/runs/search", body);
        ArmClient.check(r, "list the trials of run " + parentRunId, "run", parentRunId);
        List<JsonNode> runs = new ArrayList<>();
        r.json().path("runs").forEach(runs::add);
        return runs;
    }

    /**
     * @param run an MLflow run object
     * @param key a tag key
     * @return the tag's value, or {@code null}
     */
    static String tag(JsonNode run, String key) {
        for (JsonNode t : run.at("/data/tags")) {
            if (key.equals(Json.text(t, "/key"))) {
                return Json.text(t, "/value");
            }
        }
        return null;
    }

    /**
     * @param run an MLflow run object
     * @return its latest metric values by name
     */
    static Map<String, Double> metrics(JsonNode run) {
        Map<String, Double> out = new LinkedHashMap<>();
        Map<String, Long> stamps = new LinkedHashMap<>();
        for (JsonNode m : run.at("/data/metrics")) {
            String key = Json.text(m, "/key");
            JsonNode v = m.path("value");
            if (key == null || !v.isNumber()) {
                continue;
            }
            long ts = m.path("timestamp").asLong(0) * 1_000_000L + m.path("step").asLong(0);
            if (!stamps.containsKey(key) || stamps.get(key) <= ts) {
                stamps.put(key, ts);
                out.put(key, v.asDouble());
            }
        }
        return out;
    }

    /**
     * Finds out why a run failed: its run-history error, or, when that only says a trial failed, the error of its
     * first failed child run.
     *
     * @param base the MLflow base (its host is the run-history host)
     * @param workspace the workspace
     * @param runId the run
     * @return the service's error, or {@code null} when run history cannot say
     */
    ServiceErrorDetails failure(String base, String workspace, String runId) {
        String history = historyBase(base, workspace);
        if (history == null) {
            return null;
        }
        ServiceErrorDetails own = null;
        ArmResponse r = arm.sendDataPlane(HttpMethod.GET, history + "/runs/" + ArmClient.enc(runId), null);
        if (r.isSuccess()) {
            own = runError(r.json(), r);
        } else {
            LOG.debug("run history has no run {} ({})", runId, r.status());
        }
        if (own != null && own.message() != null && !GENERIC_FAILURE.matcher(own.message()).matches()) {
            return own;
        }
        ServiceErrorDetails fromChildren = failedChild(history, runId, 2);
        return fromChildren != null ? fromChildren : own;
    }

    /**
     * The error of the first failed descendant that says more than "a trial failed". AutoML image jobs have one
     * level more than the parent and its trials: the parent's child is the HyperDrive run {@code <job>_HD}, whose
     * children {@code <job>_HD_<n>} are the trials.
     *
     * @param levels how many levels down to look
     */
    private ServiceErrorDetails failedChild(String history, String runId, int levels) {
        ArmResponse c = arm.sendDataPlane(HttpMethod.GET, history + "/runs/" + ArmClient.enc(runId) + "/children",
                null);
        if (!c.isSuccess()) {
            return null;
        }
        ServiceErrorDetails generic = null;
        for (JsonNode child : c.json().path("value")) {
            String status = Json.text(child, "/status");
            if (status == null || !status.equalsIgnoreCase("Failed")) {
                continue;
            }
            String childId = Json.text(child, "/runId");
            ServiceErrorDetails e = runError(child, c);
            if (e == null && childId != null) {
                ArmResponse cr = arm.sendDataPlane(HttpMethod.GET, history + "/runs/" + ArmClient.enc(childId), null);
                e = cr.isSuccess() ? runError(cr.json(), cr) : null;
            }
            if (e != null && e.message() != null && !GENERIC_FAILURE.matcher(e.message()).matches()) {
                return e;
            }
            ServiceErrorDetails deeper = levels > 1 && childId != null ? failedChild(history, childId, levels - 1)
                    : null;
            if (deeper != null) {
                return deeper;
            }
            generic = generic == null ? e : generic;
        }
        return generic;
    }

    private static ServiceErrorDetails runError(JsonNode run, ArmResponse r) {
        JsonNode error = run.path("error");
        if (error.isMissingNode() || error.isNull()) {
            return null;
        }
        ServiceErrorDetails d = ArmErrors.details(error, 0, r.requestId());
        return d.code() == null && d.message() == null ? null : d;
    }

    private String historyBase(String mlflowBase, String workspace) {
        if (mlflowBase == null) {
            return null;
        }
        URI u = URI.create(mlflowBase);
        return "https://" + u.getAuthority().toLowerCase(Locale.ROOT) + "/history/v1.0" + arm.workspacePath(workspace);
    }
}
