package dev.modelbuilder.azure;

import com.azure.core.http.HttpMethod;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What an endpoint's deployment names: the model version and the server's environment version, put in the workspace
 * once and reused. Blobs go to the default datastore, content-addressed as the training data is ({@link DataUploader}):
 *
 * <pre>
 * modelbuilder/models/&lt;sha256&gt;/MLModel.zip                 the package, its SHA-256 also in the blob's metadata
 * modelbuilder/environments/&lt;context&gt;/Dockerfile, lib/*.jar   the server's build context
 * </pre>
 *
 * <p>The model version ({@code PUT {WS}/models/mb-<endpoint>/versions/<n>}, {@code modelType: custom_model}, the
 * folder as an {@code azureml://datastores/.../paths/...} URI) is tagged with the package's SHA-256: a version of that
 * name with that tag is reused, else the next integer version is registered. The environment version
 * ({@code PUT {WS}/environments/modelbuilder-serve/versions/<sdk version>-<context hash>}) holds the build context's
 * URI (or the image of one's own) and the inference routes; an existing version is reused as it is.
 */
final class EndpointAssets {
    private static final Logger LOG = LoggerFactory.getLogger(EndpointAssets.class);
    static final String SHA256_TAG = "sha256";
    static final String MODEL_PREFIX = "mb-";
    static final String LIVENESS = "/health/live";
    static final String READINESS = "/health";
    static final String SCORING = "/predict";

    private final ArmClient arm;
    private final Datastores datastores;

    EndpointAssets(ArmClient arm, Datastores datastores) {
        this.arm = arm;
        this.datastores = datastores;
    }

    /**
     * A registered asset version.
     *
     * @param name the asset
     * @param version its version
     * @param id its Resource Manager id, as deployments name it
     * @param reused whether it was there already
     */
    record Registered(String name, String version, String id, boolean reused) {
    }

    /**
     * @param endpoint the endpoint's name
     * @return the model's name in the workspace: {@code mb-<endpoint>}
     */
    static String modelName(String endpoint) {
        return MODEL_PREFIX + endpoint;
    }

    /**
     * Uploads the package (unless the datastore holds it already) and registers a model version for it, or finds the
     * version that has it.
     *
     * @param workspace the workspace
     * @param endpoint the endpoint's name
     * @param zip the MLModel.zip
     * @param labels how many labels it has, for the version's tags
     * @param listener upload progress
     * @return the model version
     */
    Registered registerModel(String workspace, String endpoint, Path zip, int labels, ProgressListener listener) {
        String sha = sha256(zip);
        String name = modelName(endpoint);
        String versionsUrl = arm.url(arm.workspacePath(workspace) + "/models/" + ArmClient.enc(name) + "/versions");
        int highest = 0;
        ArmResponse list = arm.send(HttpMethod.GET, versionsUrl, null);
        if (list.status() != 404) {
            ArmClient.check(list, "list versions of model '" + name + "'", "model", name);
            for (JsonNode v : allPages(list, "list versions of model '" + name + "'", name)) {
                String version = Json.text(v, "/name");
                if (sha.equals(Json.text(v, "/properties/tags/" + SHA256_TAG))) {
                    LOG.info("model {}:{} already holds {} (SHA-256 {}): reusing it", name, version, zip, sha);
                    return new Registered(name, version, versionId(workspace, "models", name, version), true);
                }
                if (version != null && version.matches("\\d{1,9}")) {
                    highest = Math.max(highest, Integer.parseInt(version));
                }
            }
        }
        String folder = DataUploader.ROOT + "/models/" + sha;
        Datastores.Store store = datastores.open(workspace, Datastores.DATA_STORE);
        upload(store, folder + "/" + dev.modelbuilder.core.model.EndpointSpec.PACKAGE_FILE, zip, null, sha, listener, new AtomicLong(),
                size(zip));
        String version = String.valueOf(highest + 1);
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("modelType", "custom_model");
        p.put("modelUri", "azureml://datastores/" + Datastores.DATA_STORE + "/paths/" + folder + "/");
        p.put("description", "MLModel.zip served by endpoint '" + endpoint + "' (Model Builder for Java)");
        ObjectNode tags = p.putObject("tags");
        tags.put(SHA256_TAG, sha);
        tags.put("createdBy", "modelbuilder-java");
        tags.put("labels", String.valueOf(labels));
        String url = arm.url(arm.workspacePath(workspace) + "/models/" + ArmClient.enc(name) + "/versions/"
                + ArmClient.enc(version));
        ArmClient.check(arm.send(HttpMethod.PUT, url, body), "register model " + name + ":" + version, "model", name);
        LOG.info("registered model {}:{} ({}, SHA-256 {})", name, version, zip, sha);
        return new Registered(name, version, versionId(workspace, "models", name, version), false);
    }

    /**
     * Registers the server's environment version (uploading its build context first), or finds it.
     *
     * @param workspace the workspace
     * @param image an image of one's own, or {@code null} to build one from the context
     * @param context the build context, or {@code null} with an image
     * @param listener upload progress
     * @return the environment version
     */
    Registered registerEnvironment(String workspace, String image, ServerImage.Context context,
            ProgressListener listener) {
        String identity = image != null ? sha256(image.getBytes(java.nio.charset.StandardCharsets.UTF_8))
                : context.sha256();
        String version = ServerImage.environmentVersion(image != null ? "image" : ServerImage.version(), identity);
        String name = ServerImage.ENVIRONMENT;
        String url = arm.url(arm.workspacePath(workspace) + "/environments/" + name + "/versions/"
                + ArmClient.enc(version));
        ArmResponse existing = arm.send(HttpMethod.GET, url, null);
        if (existing.isSuccess()) {
            LOG.info("environment {}:{} is there already: reusing it", name, version);
            return new Registered(name, version, versionId(workspace, "environments", name, version), true);
        }
        if (existing.status() != 404) {
            ArmClient.check(existing, "get environment " + name + ":" + version, "environment", name);
        }
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("description", "The server of Model Builder for Java " + ServerImage.version() + " (modelbuilder serve): "
                + "scores an MLModel.zip mounted at AZUREML_MODEL_DIR");
        if (image != null) {
            p.put("image", image);
        } else {
            Datastores.Store store = datastores.open(workspace, Datastores.DATA_STORE);
            String folder = DataUploader.ROOT + "/environments/" + context.sha256().substring(0, 32);
            AtomicLong done = new AtomicLong();
            long total = context.size();
            byte[] dockerfile = context.dockerfile().getBytes(java.nio.charset.StandardCharsets.UTF_8);
            upload(store, folder + "/Dockerfile", null, dockerfile, sha256(dockerfile), listener, done, total);
            for (ServerImage.Jar jar : context.jars()) {
                upload(store, folder + "/lib/" + jar.name(), jar.file(), jar.packed(), jar.sha256(), listener, done,
                        total);
            }
            ObjectNode build = p.putObject("build");
            build.put("contextUri", store.client().getBlobContainerUrl() + "/" + folder + "/");
            build.put("dockerfilePath", "Dockerfile");
        }
        ObjectNode inference = p.putObject("inferenceConfig");
        route(inference.putObject("livenessRoute"), LIVENESS);
        route(inference.putObject("readinessRoute"), READINESS);
        route(inference.putObject("scoringRoute"), SCORING);
        p.put("osType", "Linux");
        ObjectNode tags = p.putObject("tags");
        tags.put("createdBy", "modelbuilder-java");
        tags.put("sdkVersion", ServerImage.version());
        ArmClient.check(arm.send(HttpMethod.PUT, url, body), "register environment " + name + ":" + version,
                "environment", name);
        LOG.info("registered environment {}:{} ({})", name, version, image != null ? "image " + image
                : "built by Azure Machine Learning from the server's " + context.jars().size() + " jars");
        return new Registered(name, version, versionId(workspace, "environments", name, version), false);
    }

    /** @return the {@code value} items of a list answer and of the pages its {@code nextLink}s lead to */
    private java.util.List<JsonNode> allPages(ArmResponse first, String action, String name) {
        java.util.List<JsonNode> items = new java.util.ArrayList<>();
        ArmResponse page = first;
        for (int pages = 0; pages < 1000; pages++) {
            page.json().path("value").forEach(items::add);
            String next = Json.text(page.json(), "/nextLink");
            if (next == null || next.isBlank()) {
                break;
            }
            page = ArmClient.check(arm.follow(next), action, "model", name);
        }
        return items;
    }

    private static void route(ObjectNode route, String path) {
        route.put("path", path);
        route.put("port", ServerImage.PORT);
    }

    private String versionId(String workspace, String kind, String name, String version) {
        return arm.workspacePath(workspace) + "/" + kind + "/" + ArmClient.enc(name) + "/versions/"
                + ArmClient.enc(version);
    }

    /** Puts one blob, unless the datastore holds it with the same SHA-256 already; reports bytes done. */
    private static void upload(Datastores.Store store, String blobName, Path file, byte[] bytes, String sha,
            ProgressListener listener, AtomicLong done, long total) {
        BlobClient blob = store.client().getBlobClient(blobName);
        long size = file != null ? size(file) : bytes.length;
        try {
            BlobProperties props = blob.getProperties();
            if (sha.equals(props.getMetadata().get(DataUploader.SHA256_METADATA)) && props.getBlobSize() == size) {
                report(listener, done.addAndGet(size), total);
                return;
            }
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw DataUploader.storageError("check " + blobName, store, e);
            }
        }
        try {
            blob.uploadWithResponse(new BlobParallelUploadOptions(file != null ? BinaryData.fromFile(file)
                    : BinaryData.fromBytes(bytes)).setComputeMd5(true)
                    .setHeaders(new BlobHttpHeaders().setContentType(blobName.endsWith(".jar") || blobName.endsWith(
                            ".zip") ? "application/zip" : "text/plain"))
                    .setMetadata(Map.of(DataUploader.SHA256_METADATA, sha)), null, Context.NONE);
        } catch (BlobStorageException e) {
            throw DataUploader.storageError("upload " + blobName, store, e);
        } catch (UncheckedIOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getCause().getMessage(), e);
        }
        report(listener, done.addAndGet(size), total);
    }

    private static void report(ProgressListener listener, long done, long total) {
        ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.UPLOAD_MODEL, done, total, "bytes"));
    }

    private static long size(Path file) {
        try {
            return Files.size(file);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getMessage(), e);
        }
    }

    static String sha256(Path file) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new ModelBuilderException("SHA-256 is missing from this JVM", e);
        }
    }

    static String sha256(byte[] bytes) {
        return Names.sha256Hex(bytes);
    }
}
