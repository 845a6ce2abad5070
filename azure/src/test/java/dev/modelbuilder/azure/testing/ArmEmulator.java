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

/**
 * An Azure Resource Manager emulator for Microsoft.MachineLearningServices (api-version 2024-04-01) on
 * {@code https://127.0.0.1:<port>}, following the documented contract: ARM template deployments for workspaces,
 * {@code 201/202} with {@code Azure-AsyncOperation} and {@code Location} polling URLs (long and signed, like Azure
 * Machine Learning's, and checked for tampering), {@code Retry-After}, provisioning states, job status progression,
 * ARM error bodies, paging by {@code nextLink}, bearer tokens checked against {@link TestCredential}. It also serves the
 * workspace data-plane calls the provider makes (MLflow REST, run history).
 *
 * <p>Every request to an operation of the 2024-04-01 spec, and every answer, is validated with {@link SpecValidator};
 * an invalid request is answered 400 and recorded in {@link #violations()}, as is an invalid answer (an emulator bug).
 * Template deployments are checked by hand, and the workspace inside the template is validated as a workspace PUT.
 *
 * <p>Data lives in Azurite: the workspace's datastores point at the development account; "training" reads the
 * uploaded MLTable and images back from it (checking their SHA-256), and writes the trial's {@code model.onnx} and
 * {@code labels.json} to the artifact container, where the provider downloads them. Managed online endpoints, their
 * deployments, model and environment versions are {@link EndpointResources}.
 */
public final class ArmEmulator extends EndpointResources {
    /**
     * Starts the emulator.
     *
     * @param azurite the blob storage behind the datastores, or {@code null} for tests that upload nothing
     */
    public ArmEmulator(Azurite azurite) {
        this(azurite, TestCertificates.create());
    }


    /**
     * Starts the emulator with a given certificate (the one an HTTPS Azurite serves, so that one client trusts
     * both).
     *
     * @param azurite the blob storage behind the datastores, or {@code null}
     * @param certificates the certificate to serve
     */
    public ArmEmulator(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ routing

    @Override
    Reply dispatch(String method, String path, Map<String, String> query, String body) {
        Matcher m;
        if ((m = SUBSCRIPTION_ONLY.matcher(path)).matches() && method.equals("GET")) {
            return subscription(m.group(1), query);
        }
        Reply endpointReply = endpointDispatch(method, path, query, body);
        if (endpointReply != null) {
            return endpointReply;
        }
        if ((m = DEPLOYMENT_OP.matcher(path)).matches() && method.equals("GET")) {
            return asyncStatus(m.group(4), query, false);
        }
        if ((m = DEPLOYMENT.matcher(path)).matches()) {
            if (!resourceGroupExists(m)) {
                return rgNotFound(m.group(2));
            }
            return method.equals("PUT") ? putDeployment(m.group(2), m.group(3), body, query)
                    : getDeployment(m.group(2), m.group(3));
        }
        if ((m = COMPUTE_OP.matcher(path)).matches() || (m = WORKSPACE_OP.matcher(path)).matches()
                || (m = MFE_OP.matcher(path)).matches()) {
            Reply bad = checkSignature(m.group(3), query);
            if (bad != null) {
                return bad;
            }
            return asyncStatus(m.group(3), query, "location".equals(query.get("type"))
                    || MFE_OP.matcher(path).matches());
        }
        if ((m = VM_SIZES.matcher(path)).matches()) {
            return vmSizes(m.group(2));
        }
        if ((m = USAGES.matcher(path)).matches()) {
            return usages(m.group(2));
        }
        if ((m = MLFLOW.matcher(path)).matches()) {
            Workspace w = workspace(m.group(3));
            return w == null ? mlflowNotFound("workspace") : mlflow(w, m.group(4), query, body);
        }
        if ((m = HISTORY.matcher(path)).matches()) {
            Workspace w = workspace(m.group(3));
            return w == null ? error(404, "NotFound", "workspace not found") : history(w, m.group(4),
                    m.group(5) != null);
        }
        if ((m = WORKSPACES.matcher(path)).matches()) {
            if (!resourceGroupExists(m)) {
                return rgNotFound(m.group(2));
            }
            return listWorkspaces(m.group(2), path, query);
        }
        if ((m = WORKSPACE.matcher(path)).matches()) {
            if (!resourceGroupExists(m)) {
                return rgNotFound(m.group(2));
            }
            return method.equals("DELETE") ? deleteWorkspace(m.group(3), query) : getWorkspace(m.group(3));
        }
        if (!(m = Pattern.compile("(?i)^" + WS).matcher(path)).find()) {
            return error(404, "NotFound", "no such route: " + method + " " + path);
        }
        if (!resourceGroupExists(m)) {
            return rgNotFound(m.group(2));
        }
        Workspace w = workspace(m.group(3));
        if (w == null) {
            return error(404, "ParentResourceNotFound", "Failed to perform '" + method + "' on resources under "
                    + "'Microsoft.MachineLearningServices/workspaces/" + m.group(3) + "' because the parent resource "
                    + "was not found.");
        }
        if ((m = COMPUTES.matcher(path)).matches()) {
            return page(w.computes.values().stream().map(c -> (JsonNode) c).toList(), path, query, 2);
        }
        if ((m = COMPUTE.matcher(path)).matches()) {
            return switch (method) {
                case "PUT" -> putCompute(w, m.group(4), body);
                case "PATCH" -> patchCompute(w, m.group(4), body);
                case "DELETE" -> deleteCompute(w, m.group(4), query);
                default -> getCompute(w, m.group(4));
            };
        }
        if ((m = SECRETS.matcher(path)).matches()) {
            if (sharedKeyDisabled) {
                return error(403, "KeyBasedAuthenticationNotPermitted", "Key based authentication is not permitted "
                        + "on this storage account.");
            }
            ObjectNode s = JSON.createObjectNode();
            if (sasSecrets) {
                s.put("secretsType", "Sas");
                s.put("sasToken", blobs.getBlobContainerClient(w.blobContainer()).generateSas(
                        new com.azure.storage.blob.sas.BlobServiceSasSignatureValues(
                                java.time.OffsetDateTime.now().plusHours(1),
                                new com.azure.storage.blob.sas.BlobContainerSasPermission().setReadPermission(true)
                                        .setListPermission(true))));
            } else {
                s.put("secretsType", "AccountKey");
                s.put("key", Azurite.KEY);
            }
            secretsHandedOut.add(s.path(sasSecrets ? "sasToken" : "key").asText());
            return datastore(w, m.group(4)) == null ? error(404, "UserError", "datastore not found")
                    : Reply.json(200, s);
        }
        if ((m = DATASTORE.matcher(path)).matches()) {
            if (method.equals("PUT")) {
                return putDatastore(w, m.group(4), body);
            }
            ObjectNode d = datastore(w, m.group(4));
            return d == null ? error(404, "UserError", "Could not find datastore: " + m.group(4)) : Reply.json(200, d);
        }
        if ((m = DATA_VERSION.matcher(path)).matches()) {
            return method.equals("PUT") ? putData(w, m.group(4), m.group(5), body) : getData(w, m.group(4),
                    m.group(5));
        }
        if ((m = CANCEL.matcher(path)).matches()) {
            return cancelJob(w, m.group(4));
        }
        if ((m = JOBS.matcher(path)).matches()) {
            return page(w.jobs.values().stream().map(j -> (JsonNode) jobBody(w, j)).toList(), path, query, 3);
        }
        if ((m = JOB.matcher(path)).matches()) {
            return switch (method) {
                case "PUT" -> putJob(w, m.group(4), body);
                case "DELETE" -> deleteJob(w, m.group(4));
                default -> getJob(w, m.group(4));
            };
        }
        return error(404, "NotFound", "no such route: " + method + " " + path);
    }
}
