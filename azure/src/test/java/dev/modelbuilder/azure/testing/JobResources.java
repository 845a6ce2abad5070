package dev.modelbuilder.azure.testing;

import com.azure.storage.blob.BlobContainerClient;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** AutoML jobs of the {@link ArmEmulator}: submission checks, lifecycle, "training" on the uploaded data. */
public abstract class JobResources extends RunHistoryResources {

    JobResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ jobs

    /**
     * A job input naming a data version, as the service takes it: the version's ARM id (what azure-ai-ml sends for a
     * standalone job), with or without the {@code azureml:} prefix, or the short {@code azureml:<name>:<version>}.
     */
    ObjectNode dataAsset(Workspace w, String uri) {
        Matcher id = Pattern.compile("(?i)(?:azureml:)?" + Pattern.quote(wsId(w)) + "/data/([^/]+)/versions/([^/]+)")
                .matcher(uri);
        if (id.matches()) {
            return w.data.get(id.group(1) + ":" + id.group(2));
        }
        Matcher asset = Pattern.compile("azureml:([^:/]+):([^:/]+)").matcher(uri);
        return asset.matches() ? w.data.get(asset.group(1) + ":" + asset.group(2)) : null;
    }

    Reply putJob(Workspace w, String name, String body) {
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
        String spaceProblem = SearchSpaces.searchSpaceProblem(task.path("searchSpace"));
        if (spaceProblem != null) {
            return error(400, "UserError", spaceProblem);
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

    /** Starts a trial run under {@code <job>_HD}: its sampled hyperparameters as MLflow params. */
    ObjectNode trialRun(Workspace w, Job j, int index) {
        ObjectNode child = mlflowRun(w, j.name + "_HD_" + index);
        child.put("parent", j.name + "_HD");
        Map<String, String> params = j.trialParameters.computeIfAbsent(index,
                i -> SearchSpaces.sample(j.properties.path("taskDetails"), j.name, i));
        ArrayNode list = (ArrayNode) child.path("data").path("params");
        if (list.isEmpty()) {
            params.forEach((k, v) -> list.addObject().put("key", k).put("value", v));
        }
        return child;
    }

    ObjectNode jobBody(Workspace w, Job j) {
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

    Reply getJob(Workspace w, String name) {
        Job j = w.jobs.get(name);
        if (j == null) {
            return error(404, "UserError", "Job " + name + " was not found in workspace " + w.name + ".");
        }
        advance(w, j);
        return Reply.json(200, jobBody(w, j));
    }

    void advance(Workspace w, Job j) {
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
            if (j.properties.at("/taskDetails/limitSettings/maxTrials").asInt(1) > 1) {
                // several trials: the HyperDrive run <job>_HD and its first trials, one done and one still going,
                // each with the accuracy it logged so far
                ObjectNode sweep = mlflowRun(w, j.name + "_HD");
                info(sweep).put("status", "RUNNING");
                sweep.put("parent", j.name);
                ObjectNode done = trialRun(w, j, 0);
                info(done).put("status", "FINISHED").put("end_time", System.currentTimeMillis());
                logMetric(done, "accuracy", 0.71);
                ObjectNode going = trialRun(w, j, 1);
                info(going).put("status", "RUNNING");
                logMetric(going, "accuracy", 0.64);
            }
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

    void fail(Workspace w, Job j, String code, String message) {
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
    String train(Workspace w, Job j) {
        if (blobs == null) {
            return "no blob storage behind the emulator";
        }
        JsonNode asset = dataAsset(w, j.properties.path("taskDetails").path("trainingData").path("uri").asText());
        String folder = asset.path("properties").path("dataUri").asText().replaceFirst("^azureml://datastores/[^/]+/paths/",
                "");
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
        Pattern imageUrl = Pattern.compile(Pattern.quote("azureml://subscriptions/" + SUBSCRIPTION + "/resourcegroups/"
                + w.resourceGroup + "/workspaces/" + w.name + "/datastores/") + "([^/]+)/paths/(.+)");
        Set<String> labels = new TreeSet<>();
        Set<String> stores = new TreeSet<>();
        // ImageClassificationMultilabel reads a list of strings per image, ImageClassification one string
        boolean multiLabel = "ImageClassificationMultilabel".equals(j.properties.path("taskDetails")
                .path("taskType").asText());
        int lines = 0;
        for (String line : annotations.split("\n")) {
            if (line.isBlank()) {
                continue;
            }
            lines++;
            JsonNode a = read(line);
            String url = a.path("image_url").asText();
            JsonNode labelNode = a.path("label");
            List<String> rowLabels = null;
            if (!multiLabel && labelNode.isTextual()) {
                rowLabels = List.of(labelNode.asText());
            } else if (multiLabel && labelNode.isArray()) {
                List<String> list = new java.util.ArrayList<>();
                labelNode.forEach(l -> list.add(l.isTextual() ? l.asText() : null));
                rowLabels = list.contains(null) ? null : list;
            }
            Matcher u = imageUrl.matcher(url);
            ObjectNode store = u.matches() ? datastore(w, u.group(1)) : null;
            if (store == null || rowLabels == null
                    || !w.blobContainer().equals(store.at("/properties/containerName").asText())) {
                return "annotation line " + lines + " is invalid: " + line;
            }
            stores.add(u.group(1));
            String blob = u.group(2);
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
            labels.addAll(rowLabels);
        }
        if (labels.size() < 2 || lines < 2) {
            return "the dataset needs at least 2 labels";
        }
        String access = dataAccessProblem(w, j, stores);
        if (access != null) {
            return access;
        }
        List<String> ordered = List.copyOf(labels);
        JsonNode task = j.properties.path("taskDetails");
        boolean normalizing = task.at("/modelSettings/enableOnnxNormalization").asBoolean(false);
        boolean autoMode = task.at("/modelSettings/modelName").isMissingNode()
                && (task.path("searchSpace").isMissingNode() || task.path("searchSpace").isEmpty());
        // AutoMode chooses the models and their sizes itself: its best trial here was trained at 288 x 288
        int size = autoMode ? AUTO_MODE_CROP : task.at("/modelSettings/validationCropSize").asInt(224);
        j.modelSeed = ordered.hashCode();
        j.modelSize = size;
        byte[] model;
        try {
            model = ordered.equals(TINY_LABELS) && !normalizing && size == 224
                    ? Files.readAllBytes(ImageClassificationFixtures.tinyModel())
                    : OnnxModels.classifier(ordered.size(), j.modelSeed, size, normalizing);
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
            ObjectNode child = trialRun(w, j, i);
            info(child).put("status", "FINISHED").put("end_time", System.currentTimeMillis());
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

    /** The crop size of AutoMode's best trial in the emulator (AutoML chooses it; the job does not say). */
    static final int AUTO_MODE_CROP = 288;

    /**
     * How the job's trials reach the training data, as Learn's "Data administration" table and "identity-based data
     * access" describe it: a datastore with stored credentials is read with them (refused by an account that takes no
     * shared keys); a datastore without credentials is read with the compute's managed identity (the job's identity
     * {@code Managed}, or none: the compute's identity is the fallback), which needs an identity and the role Storage
     * Blob Data Reader on the account.
     *
     * @return why the trials cannot read the data, or {@code null}
     */
    String dataAccessProblem(Workspace w, Job j, Set<String> stores) {
        for (String name : stores) {
            ObjectNode store = datastore(w, name);
            boolean credentialLess = "None".equals(store.at("/properties/credentials/credentialsType").asText());
            if (!credentialLess) {
                if (sharedKeyDisabled) {
                    return "KeyBasedAuthenticationNotPermitted: Key based authentication is not permitted on this "
                            + "storage account. (reading datastore " + name + " with its stored account key)";
                }
                continue;
            }
            String identity = j.properties.at("/identity/identityType").asText("");
            if (!identity.isEmpty() && !identity.equals("Managed")) {
                return "UserError: identity " + identity + " cannot read the credential-less datastore " + name
                        + " in an AutoML job";
            }
            String computeId = j.properties.path("computeId").asText();
            JsonNode compute = w.computes.values().stream().filter(c -> c.path("id").asText()
                    .equalsIgnoreCase(computeId)).findFirst().orElse(null);
            String principal = compute == null ? "" : compute.at("/identity/principalId").asText("");
            if (principal.isEmpty()) {
                return "UserError: compute " + computeId + " has no managed identity to read the credential-less "
                        + "datastore " + name;
            }
            if (!storageReaders.contains(principal)) {
                return "AuthorizationPermissionMismatch: This request is not authorized to perform this operation "
                        + "using this permission. (the managed identity " + principal + " of the compute reading "
                        + "datastore " + name + ")";
            }
        }
        return null;
    }

    static String hex(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * Jobs_Delete of the REST description: a long-running operation ({@code final-state-via: location}) answered 202
     * with a signed {@code Location} under {@code locations/{region}/mfeOperationResults} (the resource type the
     * provider registers for it), {@code Retry-After} and {@code x-ms-async-operation-timeout}; the job stays visible
     * until the operation completes. A job that does not exist answers 204, as Resource Manager's delete contract
     * asks.
     */
    Reply deleteJob(Workspace w, String name) {
        Job j = w.jobs.get(name);
        if (j == null) {
            return Reply.json(204, null);
        }
        if (!Set.of("Completed", "Failed", "Canceled").contains(j.status)) {
            jobsDeletedWhileActive.add(name);
        }
        AsyncOp op = newOperation(() -> {
            w.jobs.remove(name);
            String run = w.workspaceId + "/" + name;
            mlflowRuns.keySet().removeIf(k -> k.equals(run) || k.startsWith(run + "_HD"));
        });
        String opPath = "/subscriptions/" + SUBSCRIPTION + "/providers/Microsoft.MachineLearningServices/locations/"
                + w.location + "/mfeOperationResults/" + op.id;
        return Reply.json(202, null).header("Location", signedUrl(opPath, op.id, ""))
                .header("Retry-After", "10").header("x-ms-async-operation-timeout", "PT30M");
    }

    Reply cancelJob(Workspace w, String name) {
        Job j = w.jobs.get(name);
        if (j == null) {
            return error(404, "UserError", "Job " + name + " was not found.");
        }
        if (!Set.of("Completed", "Failed", "Canceled").contains(j.status)) {
            j.status = "CancelRequested";
        }
        // as Job/cancel.json: 202 Accepted with a Location header naming the job
        return Reply.json(202, null).header("Location", endpoint + wsId(w) + "/jobs/" + name + "?api-version=" + API);
    }
}
