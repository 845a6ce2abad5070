package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.FileAccessException;
import com.azure.core.http.HttpMethod;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobHttpHeaders;
import com.azure.storage.blob.models.BlobProperties;
import com.azure.storage.blob.models.BlobStorageException;
import com.azure.storage.blob.options.BlobParallelUploadOptions;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.dataset.LabeledImage;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.AuthorizationException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.model.WorkStep;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts a validated image folder into the workspace's default datastore ({@code workspaceblobstore}) as an MLTable
 * data asset, the layout AutoML image jobs read:
 *
 * <pre>
 * modelbuilder/images/&lt;sha256&gt;.&lt;ext&gt;            every image, named by the SHA-256 of its content
 * modelbuilder/datasets/&lt;hash&gt;/annotations.jsonl  one line per image: image_url, image_details, label
 * modelbuilder/datasets/&lt;hash&gt;/MLTable            read_json_lines, image_url as stream_info
 * </pre>
 *
 * <p>Content-addressed names make uploads idempotent and incremental: an image whose blob already exists with the
 * same SHA-256 (kept in the blob's metadata) is skipped, so submitting the same or a grown dataset again uploads only
 * what is new, and a retried upload never duplicates anything. Uploads run in parallel and carry a Content-MD5 that
 * the service checks. The data asset ({@code PUT {WS}/data/{name}/versions/{version}}, type {@code mltable}) is
 * versioned by the annotations' hash.
 *
 * <p>When the storage account refuses shared keys, the blobs are written by token, and the annotations and the data
 * asset name {@value #IDENTITY_DATASTORE}, a datastore without stored credentials over the same container, so that
 * the trials read the data with the compute's managed identity instead of the refused key ({@link #access}).
 */
final class DataUploader {
    private static final Logger LOG = LoggerFactory.getLogger(DataUploader.class);
    static final String SHA256_METADATA = "sha256";
    static final String ROOT = "modelbuilder";

    /**
     * What was uploaded.
     *
     * @param assetName the data asset
     * @param assetVersion its version
     * @param folderPath the MLTable folder's path in the datastore
     * @param images images in the dataset
     * @param uploaded images sent
     * @param skipped images already there
     * @param bytesUploaded bytes sent
     */
    record Uploaded(String assetName, String assetVersion, String folderPath, int images, int uploaded, int skipped,
            long bytesUploaded, Access access) {
        /** What was uploaded through the default datastore with its stored credentials. */
        Uploaded(String assetName, String assetVersion, String folderPath, int images, int uploaded, int skipped,
                long bytesUploaded) {
            this(assetName, assetVersion, folderPath, images, uploaded, skipped, bytesUploaded,
                    new Access(Datastores.DATA_STORE, false, false, null));
        }

        /** @return the job input URI of the data asset */
        String assetUri() {
            return "azureml:" + assetName + ":" + assetVersion;
        }
    }

    /**
     * How the job's trials will reach the uploaded data.
     *
     * @param datastore the datastore the annotations and the data asset name
     * @param byIdentity whether that datastore stores no credentials, so that the trials read it with the compute's
     *     managed identity (Learn, "Data administration": a job reads a datastore with its stored credentials when it
     *     has some, else with the compute's managed identity or the user's identity)
     * @param keysRefused whether the workspace's default datastore stores a key that the account refuses
     * @param account the storage account
     */
    record Access(String datastore, boolean byIdentity, boolean keysRefused, String account) {
    }

    /**
     * The datastore registered, without credentials, over the default datastore's container when the account refuses
     * shared keys: the trials read the data through it with the compute's identity.
     */
    static final String IDENTITY_DATASTORE = "modelbuilderblobstore";

    private final ArmClient arm;
    private final Datastores datastores;
    private final ExecutorService executor;
    private final Map<String, Boolean> identityDatastores = new java.util.concurrent.ConcurrentHashMap<>();

    DataUploader(ArmClient arm, Datastores datastores, ExecutorService executor) {
        this.arm = arm;
        this.datastores = datastores;
        this.executor = executor;
    }

    /**
     * Finds out how the trials will read the data: through the default datastore with its stored key or SAS, or, when
     * it has none or the account refuses them, by identity; for a refused key, registers (once per provider and
     * workspace) {@value #IDENTITY_DATASTORE}, an Azure Blob datastore without credentials (credentials type
     * {@code None}, the REST description's {@code NoneDatastoreCredentials}) over the same account and container.
     *
     * @param workspace the workspace
     * @return how the trials reach the data
     */
    Access access(String workspace) {
        Datastores.Store store;
        try {
            store = datastores.open(workspace, Datastores.DATA_STORE);
        } catch (RuntimeException e) {
            throw ArmErrors.unexpected("open datastore '" + Datastores.DATA_STORE + "'", e);
        }
        if (store.credentialLess()) {
            return new Access(Datastores.DATA_STORE, true, false, store.account());
        }
        if (!store.keysRefused()) {
            return new Access(Datastores.DATA_STORE, false, false, store.account());
        }
        identityDatastores.computeIfAbsent(workspace, w -> {
            registerIdentityDatastore(w, store);
            return Boolean.TRUE;
        });
        return new Access(IDENTITY_DATASTORE, true, true, store.account());
    }

    private void registerIdentityDatastore(String workspace, Datastores.Store store) {
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("datastoreType", "AzureBlob");
        p.put("accountName", store.account());
        p.put("containerName", store.containerName());
        p.put("endpoint", store.endpointSuffix());
        p.put("protocol", store.protocol());
        p.putObject("credentials").put("credentialsType", "None");
        p.put("description", "The container of " + Datastores.DATA_STORE + " without stored credentials, so that jobs "
                + "read it with the compute's managed identity: storage account " + store.account() + " refuses "
                + "shared keys (created by Model Builder for Java)");
        p.putObject("tags").put("createdBy", "modelbuilder-java");
        ArmResponse r = arm.send(HttpMethod.PUT, arm.url(arm.workspacePath(workspace) + "/datastores/"
                + IDENTITY_DATASTORE), body);
        ArmClient.check(r, "register datastore '" + IDENTITY_DATASTORE + "'", "datastore", IDENTITY_DATASTORE);
        LOG.info("storage account {} refuses shared keys; registered datastore '{}' (no stored credentials) over "
                + "container {} of workspace '{}'", store.account(), IDENTITY_DATASTORE, store.containerName(),
                workspace);
    }

    Uploaded upload(String workspace, ImageDataset dataset, ProgressListener listener) {
        return upload(workspace, dataset, false, access(workspace), listener);
    }

    /**
     * @param workspace the workspace
     * @param dataset the validated dataset
     * @param access how the trials will reach it ({@link #access})
     * @param listener progress
     * @return what was uploaded
     */
    Uploaded upload(String workspace, ImageDataset dataset, Access access, ProgressListener listener) {
        return upload(workspace, dataset, false, access, listener);
    }

    /**
     * Uploads the images and the MLTable of a single-label or multi-label dataset.
     *
     * @param workspace the workspace
     * @param dataset the images
     * @param multiLabel whether the MLTable's {@code label} column holds lists of labels
     *     ({@code ImageClassificationMultilabel}) rather than one label
     * @param access how to reach the datastore
     * @param listener progress
     * @return where the data is
     */
    Uploaded upload(String workspace, ImageDataset dataset, boolean multiLabel, Access access,
            ProgressListener listener) {
        long start = System.nanoTime();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.UPLOAD_DATA));
        try {
            Uploaded u = doUpload(workspace, dataset, multiLabel, access, listener);
            ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.UPLOAD_DATA,
                    Duration.ofNanos(System.nanoTime() - start)));
            return u;
        } catch (RuntimeException e) {
            ModelBuilderException failure = ArmErrors.unexpected("upload " + dataset.source(), e);
            ProgressListener.emit(listener, new ProgressEvent.StepFailed(WorkStep.UPLOAD_DATA, failure.getMessage()));
            throw failure;
        }
    }

    private Uploaded doUpload(String workspace, ImageDataset dataset, boolean multiLabel, Access access,
            ProgressListener listener) {
        Datastores.Store store = datastores.open(workspace, Datastores.DATA_STORE);
        List<LabeledImage> images = dataset.images();
        long totalBytes = dataset.totalBytes();
        AtomicInteger filesDone = new AtomicInteger();
        AtomicInteger uploaded = new AtomicInteger();
        AtomicLong bytesDone = new AtomicLong();
        AtomicLong bytesSent = new AtomicLong();
        Object progressLock = new Object();
        List<Future<String>> futures = new ArrayList<>();
        for (LabeledImage image : images) {
            futures.add(executor.submit(() -> {
                String blobName = uploadImage(store, image, uploaded, bytesSent);
                synchronized (progressLock) {
                    int files = filesDone.incrementAndGet();
                    long bytes = bytesDone.addAndGet(image.sizeBytes());
                    ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.UPLOAD_DATA, files,
                            images.size(), "files"));
                    ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.UPLOAD_DATA, bytes,
                            totalBytes, "bytes"));
                }
                return blobName;
            }));
        }
        List<String> blobNames = new ArrayList<>();
        try {
            for (Future<String> f : futures) {
                blobNames.add(f.get());
            }
        } catch (InterruptedException e) {
            futures.forEach(f -> f.cancel(true));
            Thread.currentThread().interrupt();
            throw new ModelBuilderException("interrupted while uploading " + dataset.source(), e);
        } catch (ExecutionException e) {
            futures.forEach(f -> f.cancel(true));
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ModelBuilderException("upload of " + dataset.source() + " failed: " + cause, cause);
        }

        StringBuilder jsonl = new StringBuilder();
        String prefix = "azureml://subscriptions/" + arm.subscriptionId() + "/resourcegroups/" + arm.resourceGroup()
                + "/workspaces/" + workspace + "/datastores/" + access.datastore() + "/paths/";
        for (int i = 0; i < images.size(); i++) {
            LabeledImage image = images.get(i);
            ObjectNode line = Json.object();
            line.put("image_url", prefix + blobNames.get(i));
            ObjectNode details = line.putObject("image_details");
            details.put("format", extension(image));
            details.put("width", image.info().width() + "px");
            details.put("height", image.info().height() + "px");
            if (multiLabel) {
                // ImageClassificationMultilabel reads a list of strings ([] for an image with none of the labels)
                com.fasterxml.jackson.databind.node.ArrayNode list = line.putArray("label");
                image.labels().forEach(list::add);
            } else {
                line.put("label", image.label());
            }
            jsonl.append(line).append('\n');
        }
        byte[] annotations = jsonl.toString().getBytes(StandardCharsets.UTF_8);
        String hash = Names.sha256Hex(annotations);
        String folder = ROOT + "/datasets/" + hash.substring(0, 32);
        String mltable = "paths:\n"
                + "  - file: ./annotations.jsonl\n"
                + "transformations:\n"
                + "  - read_json_lines:\n"
                + "      encoding: utf8\n"
                + "      invalid_lines: error\n"
                + "      include_path_column: false\n"
                + "  - convert_column_types:\n"
                + "      - columns: image_url\n"
                + "        column_type: stream_info\n";
        putSmall(store, folder + "/annotations.jsonl", annotations, "application/jsonl");
        putSmall(store, folder + "/MLTable", mltable.getBytes(StandardCharsets.UTF_8), "text/yaml");

        String assetName = Names.sanitize("modelbuilder-" + dataset.source().getFileName(), 200)
                .toLowerCase(Locale.ROOT);
        String version = hash.substring(0, 16);
        ensureDataAsset(workspace, assetName, version, folder, dataset, access.datastore());
        int sent = uploaded.get();
        LOG.info("dataset {}: {} images, {} uploaded, {} already in datastore '{}' ({} bytes sent); data asset {}:{}",
                dataset.source(), images.size(), sent, images.size() - sent, Datastores.DATA_STORE, bytesSent.get(),
                assetName, version);
        return new Uploaded(assetName, version, folder, images.size(), sent, images.size() - sent, bytesSent.get(),
                access);
    }

    private String uploadImage(Datastores.Store store, LabeledImage image, AtomicInteger uploaded,
            AtomicLong bytesSent) {
        String sha = sha256(image);
        String blobName = ROOT + "/images/" + sha + "." + extension(image);
        BlobClient blob = store.client().getBlobClient(blobName);
        try {
            BlobProperties props = blob.getProperties();
            if (sha.equals(props.getMetadata().get(SHA256_METADATA)) && props.getBlobSize() == image.sizeBytes()) {
                return blobName;
            }
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw storageError("check " + blobName, store, e);
            }
        }
        try {
            blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromFile(image.path()))
                    .setComputeMd5(true)
                    .setHeaders(new BlobHttpHeaders().setContentType(contentType(image)))
                    .setMetadata(Map.of(SHA256_METADATA, sha)), null, Context.NONE);
        } catch (BlobStorageException e) {
            throw storageError("upload " + image.relativePath(), store, e);
        } catch (UncheckedIOException e) {
            throw new FileAccessException(image.path(), "cannot read " + image.path() + ": " + e.getCause().getMessage(),
                    e);
        }
        uploaded.incrementAndGet();
        bytesSent.addAndGet(image.sizeBytes());
        return blobName;
    }

    private static void putSmall(Datastores.Store store, String blobName, byte[] content, String contentType) {
        BlobClient blob = store.client().getBlobClient(blobName);
        String sha = Names.sha256Hex(content);
        try {
            if (sha.equals(blob.getProperties().getMetadata().get(SHA256_METADATA))) {
                return;
            }
        } catch (BlobStorageException e) {
            if (e.getStatusCode() != 404) {
                throw storageError("check " + blobName, store, e);
            }
        }
        try {
            blob.uploadWithResponse(new BlobParallelUploadOptions(BinaryData.fromBytes(content)).setComputeMd5(true)
                    .setHeaders(new BlobHttpHeaders().setContentType(contentType))
                    .setMetadata(Map.of(SHA256_METADATA, sha)), null, Context.NONE);
        } catch (BlobStorageException e) {
            throw storageError("upload " + blobName, store, e);
        }
    }

    private void ensureDataAsset(String workspace, String name, String version, String folder,
            ImageDataset dataset, String datastore) {
        String url = arm.url(arm.workspacePath(workspace) + "/data/" + ArmClient.enc(name) + "/versions/"
                + ArmClient.enc(version));
        ArmResponse existing = arm.send(HttpMethod.GET, url, null);
        if (existing.isSuccess()) {
            return;
        }
        if (existing.status() != 404) {
            ArmClient.check(existing, "get data asset " + name + ":" + version, "data asset", name);
        }
        ObjectNode body = Json.object();
        ObjectNode p = body.putObject("properties");
        p.put("dataType", "mltable");
        p.put("dataUri", "azureml://datastores/" + datastore + "/paths/" + folder + "/");
        p.put("description", "Image classification dataset from " + dataset.source().getFileName() + ": "
                + dataset.size() + " images, labels " + String.join(", ", dataset.labels()));
        ObjectNode tags = p.putObject("tags");
        tags.put("createdBy", "modelbuilder-java");
        tags.put("labels", String.valueOf(dataset.labels().size()));
        p.putArray("referencedUris").add("./annotations.jsonl");
        ArmResponse r = arm.send(HttpMethod.PUT, url, body);
        ArmClient.check(r, "create data asset " + name + ":" + version, "data asset", name);
    }

    static RemoteOperationException storageError(String action, Datastores.Store store, BlobStorageException e) {
        String code = e.getErrorCode() == null ? null : e.getErrorCode().toString();
        String requestId = e.getResponse() == null ? null
                : e.getResponse().getHeaderValue(com.azure.core.http.HttpHeaderName.X_MS_REQUEST_ID);
        String message = e.getServiceMessage() == null ? null : Redact.text(e.getServiceMessage().lines().findFirst()
                .orElse(""));
        ServiceErrorDetails details = new ServiceErrorDetails(e.getStatusCode(), code, message, requestId);
        if (store.byToken() && e.getStatusCode() == 403) {
            return new AuthorizationException(action + " in storage account " + store.account() + ", container "
                    + store.containerName() + " was refused to your identity, which storage reaches by token (the "
                    + "account takes no shared keys): assign it the role Storage Blob Data Contributor on storage "
                    + "account " + store.account() + ", e.g. az role assignment create --role \"Storage Blob Data "
                    + "Contributor\" --assignee <you> --scope <the account's resource id>", details);
        }
        return new RemoteOperationException(action + " in storage account " + store.account() + ", container "
                + store.containerName() + " failed", details);
    }

    private static String sha256(LabeledImage image) {
        try (InputStream in = new DigestInputStream(Files.newInputStream(image.path()),
                MessageDigest.getInstance("SHA-256"))) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        } catch (IOException e) {
            throw new FileAccessException(image.path(), "cannot read " + image.path() + ": " + e.getMessage(), e);
        } catch (NoSuchAlgorithmException e) {
            throw new ModelBuilderException("SHA-256 is missing from this JVM", e);
        }
    }

    static String extension(LabeledImage image) {
        return switch (image.info().format()) {
            case JPEG -> "jpg";
            case PNG -> "png";
            case BMP -> "bmp";
            case GIF -> "gif";
            case WEBP -> "webp";
            case TIFF -> "tiff";
        };
    }

    private static String contentType(LabeledImage image) {
        return switch (image.info().format()) {
            case JPEG -> "image/jpeg";
            case PNG -> "image/png";
            case BMP -> "image/bmp";
            case GIF -> "image/gif";
            case WEBP -> "image/webp";
            case TIFF -> "image/tiff";
        };
    }
}
