package dev.modelbuilder.azure.testing;

import com.azure.storage.blob.BlobContainerClient;
import com.azure.storage.blob.models.BlobItem;
import com.azure.storage.blob.models.ListBlobsOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Model versions and environment versions of the {@link ArmEmulator} (immutable once written: a second PUT with
 * another body is 409), and what a deployment does with them before it starts: "build" the environment's image (the
 * build context must be in the datastore: a Dockerfile and the jars under {@code lib/}) and "download" the model (its
 * blob must hold the SHA-256 its version is tagged with).
 */
public abstract class ModelAssetResources extends JobResources {
    static final Pattern MODEL_VERSIONS = p(WS + "/models/([^/]+)/versions");
    static final Pattern MODEL_VERSION = p(WS + "/models/([^/]+)/versions/([^/]+)");
    static final Pattern ENV_VERSION = p(WS + "/environments/([^/]+)/versions/([^/]+)");
    private static final Pattern ASSET_ID = p("^" + WS + "/(models|environments)/([^/]+)/versions/([^/]+)$");

    private Map<String, ObjectNode> assetVersions;
    private List<String> builtContexts;

    ModelAssetResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    @Override
    public synchronized void reset() {
        super.reset();
        if (assetVersions == null) {
            assetVersions = new LinkedHashMap<>();
            builtContexts = new CopyOnWriteArrayList<>();
        }
        assetVersions.clear();
        builtContexts.clear();
    }

    /** @return the build contexts that deployments built images from */
    public List<String> builtContexts() {
        return List.copyOf(builtContexts);
    }

    /**
     * @param workspace the workspace
     * @param model the model's name
     * @return its versions, by version
     */
    public synchronized Map<String, JsonNode> modelVersions(String workspace, String model) {
        Map<String, JsonNode> out = new LinkedHashMap<>();
        String prefix = assetKey(workspace, "models", model, "");
        assetVersions.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                out.put(k.substring(prefix.length()), v.deepCopy());
            }
        });
        return out;
    }

    /**
     * Answers the requests for model and environment versions of an existing workspace.
     *
     * @return the answer, or {@code null} when the path names no model or environment version
     */
    Reply assetDispatch(String method, String path, Workspace w, Map<String, String> query, JsonNode json) {
        Matcher m;
        if ((m = MODEL_VERSIONS.matcher(path)).matches()) {
            String prefix = assetKey(w.name, "models", m.group(4), "");
            List<JsonNode> all = assetVersions.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                    .map(e -> (JsonNode) e.getValue()).toList();
            return all.isEmpty() ? notFound("model", m.group(4)) : page(all, path, query, 2);
        }
        if ((m = MODEL_VERSION.matcher(path)).matches()) {
            return method.equals("PUT") ? putAsset(w, "models", m.group(4), m.group(5), json)
                    : getAsset(w, "models", m.group(4), m.group(5));
        }
        if ((m = ENV_VERSION.matcher(path)).matches()) {
            return method.equals("PUT") ? putAsset(w, "environments", m.group(4), m.group(5), json)
                    : getAsset(w, "environments", m.group(4), m.group(5));
        }
        return null;
    }

    private static String assetKey(String workspace, String kind, String name, String version) {
        return workspace.toLowerCase(java.util.Locale.ROOT) + "/" + kind + "/" + name + "/" + version;
    }

    static Reply notFound(String type, String name) {
        return error(404, "UserError", "The " + type + " '" + name + "' was not found.");
    }

    void checkFields(String definition, JsonNode body) {
        for (String unknown : SpecFields.unknown(definition, body)) {
            violations.add("request: " + definition + " has no field " + unknown);
        }
    }

    private Reply putAsset(Workspace w, String kind, String name, String version, JsonNode json) {
        checkFields(kind.equals("models") ? "ModelVersionResource" : "EnvironmentVersionResource", json);
        String k = assetKey(w.name, kind, name, version);
        ObjectNode existing = assetVersions.get(k);
        JsonNode props = json.path("properties");
        if (existing != null) {
            ObjectNode mine = props.deepCopy();
            ObjectNode theirs = existing.path("properties").deepCopy();
            theirs.remove("provisioningState");
            if (!mine.equals(theirs)) {
                return error(409, "UserError", "A " + kind.substring(0, kind.length() - 1) + " version " + name + ":"
                        + version + " already exists with other properties; versions are immutable.");
            }
            return Reply.json(200, existing);
        }
        if (kind.equals("environments") && props.has("build") && props.has("image")) {
            return error(400, "UserError", "An environment has either an image or a build context, not both.");
        }
        ObjectNode r = JSON.createObjectNode();
        r.put("id", wsId(w) + "/" + kind + "/" + name + "/versions/" + version);
        r.put("name", version);
        r.put("type", "Microsoft.MachineLearningServices/workspaces/" + kind + "/versions");
        ObjectNode p = props.deepCopy();
        p.put("provisioningState", "Succeeded");
        if (kind.equals("environments")) {
            p.put("environmentType", "UserCreated");
        }
        r.set("properties", p);
        r.set("systemData", systemData(Instant.now(), Instant.now()));
        assetVersions.put(k, r);
        return Reply.json(201, r);
    }

    private Reply getAsset(Workspace w, String kind, String name, String version) {
        ObjectNode r = assetVersions.get(assetKey(w.name, kind, name, version));
        return r == null ? notFound(kind.substring(0, kind.length() - 1), name + ":" + version) : Reply.json(200, r);
    }

    ObjectNode assetById(String id) {
        Matcher m = ASSET_ID.matcher(id == null ? "" : id);
        return m.matches() ? assetVersions.get(assetKey(m.group(3), m.group(4), m.group(5), m.group(6))) : null;
    }

    static String nameOf(String assetId) {
        Matcher m = ASSET_ID.matcher(assetId);
        return m.matches() ? m.group(5) : "model";
    }

    /** @return why the environment's image cannot be built, or {@code null} */
    String build(Workspace w, JsonNode env) {
        JsonNode build = env.path("properties").path("build");
        if (!build.isObject()) {
            return null;
        }
        String uri = build.path("contextUri").asText();
        if (blobs == null) {
            return "no storage behind the emulator";
        }
        BlobContainerClient container = blobs.getBlobContainerClient(w.blobContainer());
        String base = container.getBlobContainerUrl() + "/";
        if (!uri.startsWith(base)) {
            return "The build context " + uri + " is not in the workspace's default storage.";
        }
        String prefix = uri.substring(base.length());
        List<String> names = new ArrayList<>();
        for (BlobItem b : container.listBlobs(new ListBlobsOptions().setPrefix(prefix), null)) {
            names.add(b.getName().substring(prefix.length()));
        }
        String dockerfile = build.path("dockerfilePath").asText("Dockerfile");
        if (!names.contains(dockerfile) || names.stream().noneMatch(n -> n.startsWith("lib/") && n.endsWith(".jar"))) {
            return "The build context holds no " + dockerfile + " or no jars; the build log is available in the "
                    + "workspace blob store under the path /azureml/ImageLogs/" + UUID.randomUUID() + "/build.log";
        }
        String text = container.getBlobClient(prefix + dockerfile).downloadContent().toString();
        if (!text.contains("FROM ") || !text.contains("ENTRYPOINT")) {
            return "The Dockerfile names no base image or entry point.";
        }
        builtContexts.add(uri);
        return null;
    }

    /** @return why the model cannot be downloaded, or {@code null} */
    String download(Workspace w, JsonNode model) {
        String uri = model.path("properties").path("modelUri").asText();
        Matcher m = Pattern.compile("^azureml://datastores/([^/]+)/paths/(.+)$").matcher(uri);
        if (!m.matches()) {
            return "Unable to download user model: " + uri + " is not an azureml://datastores/.../paths/... URI";
        }
        if (blobs == null) {
            return null;
        }
        BlobContainerClient container = blobs.getBlobContainerClient(w.blobContainer());
        String folder = m.group(2).endsWith("/") ? m.group(2) : m.group(2) + "/";
        String sha = model.path("properties").path("tags").path("sha256").asText(null);
        for (BlobItem b : container.listBlobs(new ListBlobsOptions().setPrefix(folder), null)) {
            if (b.getName().endsWith(".zip")) {
                byte[] bytes = container.getBlobClient(b.getName()).downloadContent().toBytes();
                try {
                    String actual = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
                    if (sha != null && !sha.equals(actual)) {
                        violations.add("model version tagged sha256 " + sha + " holds a package of SHA-256 " + actual);
                    }
                } catch (java.security.NoSuchAlgorithmException e) {
                    throw new IllegalStateException(e);
                }
                return null;
            }
        }
        return "Unable to download user model: nothing under " + uri;
    }
}
