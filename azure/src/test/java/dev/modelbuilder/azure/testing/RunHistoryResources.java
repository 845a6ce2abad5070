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

/** The workspace data plane of the {@link ArmEmulator}: MLflow REST and run history. */
public abstract class RunHistoryResources extends DataResources {

    RunHistoryResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ MLflow, history

    ObjectNode mlflowRun(Workspace w, String runId) {
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

    static ObjectNode info(ObjectNode run) {
        return (ObjectNode) run.get("info");
    }

    static void logMetric(ObjectNode run, String key, double value) {
        ((ArrayNode) run.path("data").path("metrics")).addObject().put("key", key).put("value", value)
                .put("timestamp", System.currentTimeMillis()).put("step", 0);
    }

    static ObjectNode publicRun(ObjectNode run) {
        ObjectNode copy = run.deepCopy();
        copy.remove("parent");
        copy.remove("error");
        return copy;
    }

    static Reply mlflowNotFound(String what) {
        ObjectNode e = JSON.createObjectNode();
        e.put("error_code", "RESOURCE_DOES_NOT_EXIST");
        e.put("message", what + " not found");
        return Reply.json(404, e);
    }

    Reply mlflow(Workspace w, String op, Map<String, String> query, String body) {
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

    Reply history(Workspace w, String runId, boolean children) {
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

    static ObjectNode historyRun(ObjectNode run) {
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
}
