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

/** Datastores and data asset versions of the {@link ArmEmulator}. */
public abstract class DataResources extends ComputeResources {

    DataResources(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ data

    ObjectNode datastore(Workspace w, String name) {
        ObjectNode registered = w.datastores.get(name);
        if (registered != null) {
            return registered;
        }
        boolean data = name.equals("workspaceblobstore");
        if (!data && !name.equals("workspaceartifactstore")) {
            return null;
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("id", wsId(w) + "/datastores/" + name);
        d.put("name", name);
        d.put("type", "Microsoft.MachineLearningServices/workspaces/datastores");
        d.set("systemData", systemData(w.created, w.created));
        ObjectNode p = d.putObject("properties");
        p.put("datastoreType", "AzureBlob");
        p.put("accountName", Azurite.ACCOUNT);
        p.put("containerName", data ? w.blobContainer() : w.artifactContainer());
        p.put("endpoint", "core.windows.net");
        p.put("protocol", "https");
        p.put("serviceDataAccessAuthIdentity", "None");
        p.put("isDefault", data);
        p.put("description", data ? "default blob datastore" : "artifact store");
        p.putObject("tags");
        p.putObject("properties");
        ObjectNode cred = p.putObject("credentials");
        if (identityDatastores) {
            cred.put("credentialsType", "None");
        } else {
            cred.put("credentialsType", "AccountKey");
            cred.putObject("secrets").put("secretsType", "AccountKey");
        }
        return d;
    }

    /**
     * Datastores_CreateOrUpdate for an Azure Blob datastore over the workspace's own storage account (the only account
     * the emulator has): kept with the credentials it was given ({@code None} makes it identity-based), answered 201
     * the first time and 200 after.
     */
    Reply putDatastore(Workspace w, String name, String body) {
        JsonNode props = read(body).path("properties");
        if (!"AzureBlob".equals(props.path("datastoreType").asText())) {
            return error(400, "UserError", "only AzureBlob datastores are emulated");
        }
        if (!Azurite.ACCOUNT.equals(props.path("accountName").asText())) {
            return error(400, "UserError", "Storage account " + props.path("accountName").asText()
                    + " was not found.");
        }
        boolean existed = w.datastores.containsKey(name);
        ObjectNode d = JSON.createObjectNode();
        d.put("id", wsId(w) + "/datastores/" + name);
        d.put("name", name);
        d.put("type", "Microsoft.MachineLearningServices/workspaces/datastores");
        d.set("systemData", systemData(Instant.now(), Instant.now()));
        ObjectNode p = ((ObjectNode) props).deepCopy();
        p.put("isDefault", false);
        if (!p.has("serviceDataAccessAuthIdentity")) {
            p.put("serviceDataAccessAuthIdentity", "None");
        }
        d.set("properties", p);
        w.datastores.put(name, d);
        return Reply.json(existed ? 200 : 201, d);
    }

    Reply getData(Workspace w, String name, String version) {
        ObjectNode d = w.data.get(name + ":" + version);
        return d == null ? error(404, "UserError", "Could not find asset with ID: azureml://locations/" + w.location
                + "/workspaces/" + w.workspaceId + "/data/" + name + "/versions/" + version) : Reply.json(200, d);
    }

    Reply putData(Workspace w, String name, String version, String body) {
        JsonNode props = read(body).path("properties");
        String uri = props.path("dataUri").asText();
        java.util.regex.Matcher store = Pattern.compile("azureml://datastores/([^/]+)/paths/.+").matcher(uri);
        if (!store.matches() || datastore(w, store.group(1)) == null) {
            return error(400, "UserError", "dataUri must name a path in a datastore: " + uri);
        }
        ObjectNode existing = w.data.get(name + ":" + version);
        if (existing != null) {
            if (!existing.path("properties").path("dataUri").asText().equals(uri)) {
                return error(409, "UserError", "Conflict: asset " + name + ":" + version + " exists with another "
                        + "dataUri; versions are immutable");
            }
            return Reply.json(200, existing);
        }
        ObjectNode d = JSON.createObjectNode();
        d.put("id", wsId(w) + "/data/" + name + "/versions/" + version);
        d.put("name", version);
        d.put("type", "Microsoft.MachineLearningServices/workspaces/data/versions");
        d.set("systemData", systemData(Instant.now(), Instant.now()));
        ObjectNode p = ((ObjectNode) props).deepCopy();
        p.put("isAnonymous", false);
        p.put("isArchived", false);
        d.set("properties", p);
        w.data.put(name + ":" + version, d);
        return Reply.json(201, d);
    }
}
