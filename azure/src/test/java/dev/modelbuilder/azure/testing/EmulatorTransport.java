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
 * The {@link ArmEmulator}'s transport: HTTPS exchange, fault injection, authentication, spec validation, ARM errors,
 * paging, and long-running operations with signed polling URLs.
 */
public abstract class EmulatorTransport extends EmulatorControls {

    EmulatorTransport(Azurite azurite, TestCertificates certificates) {
        super(azurite, certificates);
    }

    // ------------------------------------------------------------------------------------------------ transport

    void handle(HttpExchange ex) {
        String method = ex.getRequestMethod();
        URI uri = ex.getRequestURI();
        String path = URLDecoder.decode(uri.getRawPath(), StandardCharsets.UTF_8);
        int urlLength = uri.toString().length();
        Fault fault = null;
        try {
            Map<String, String> query = query(uri.getRawQuery());
            byte[] body = ex.getRequestBody().readAllBytes();
            fault = faults.next(method + " " + path);
            if (fault == Fault.DROP_BEFORE) {
                drop(ex, method, path, fault, urlLength);
                return;
            }
            if (fault == Fault.SLOW) {
                Thread.sleep(faults.slowDelay().toMillis());
            }
            Reply reply = switch (fault == null ? Fault.SLOW : fault) {
                case THROTTLE -> error(429, "TooManyRequests", "The request is being throttled.")
                        .header("Retry-After", "3");
                case THROTTLE_MS -> error(429, "TooManyRequests", "The request is being throttled.")
                        .header("x-ms-retry-after-ms", "250");
                case SERVER_ERROR -> error(500, "InternalServerError", "Encountered an internal server error.");
                case UNAVAILABLE -> error(503, "ServiceUnavailable", "The service is temporarily unavailable.")
                        .header("Retry-After", "1");
                default -> null;
            };
            if (reply == null) {
                reply = authenticate(ex);
            }
            if (reply == null) {
                reply = scriptedError(method, path);
            }
            if (reply == null) {
                reply = validatedDispatch(method, path, query, body);
            }
            if (fault == Fault.DROP_AFTER) {
                drop(ex, method, path, fault, urlLength);
                return;
            }
            if (fault == Fault.GATEWAY_TIMEOUT_AFTER) {
                reply = error(504, "GatewayTimeout", "The gateway did not receive a response within the time limit.");
            }
            send(ex, reply, method, path, fault, urlLength);
        } catch (Throwable t) {
            violations.add("emulator error on " + method + " " + path + ": " + t);
            try {
                send(ex, error(500, "EmulatorError", String.valueOf(t)), method, path, fault, urlLength);
            } catch (RuntimeException ignored) {
                ex.close();
            }
        }
    }

    void drop(HttpExchange ex, String method, String path, Fault fault, int urlLength) {
        interactions.add(new Interaction(method, path, 0, fault, urlLength));
        ex.close();
    }

    void send(HttpExchange ex, Reply reply, String method, String path, Fault fault, int urlLength) {
        interactions.add(new Interaction(method, path, reply.status(), fault, urlLength));
        try {
            ex.getResponseHeaders().set("x-ms-request-id", UUID.randomUUID().toString());
            ex.getResponseHeaders().set("x-ms-correlation-request-id", UUID.randomUUID().toString());
            if (reply.body().length > 0) {
                ex.getResponseHeaders().set("Content-Type", "application/json; charset=utf-8");
            }
            reply.headers().forEach((k, v) -> ex.getResponseHeaders().set(k, v));
            ex.sendResponseHeaders(reply.status(), reply.body().length == 0 ? -1 : reply.body().length);
            if (reply.body().length > 0) {
                try (OutputStream out = ex.getResponseBody()) {
                    out.write(reply.body());
                }
            }
        } catch (IOException e) {
            // the client went away (e.g. it timed out on a slow answer)
        } finally {
            ex.close();
        }
    }

    static Map<String, String> query(String raw) {
        Map<String, String> q = new LinkedHashMap<>();
        if (raw == null || raw.isEmpty()) {
            return q;
        }
        for (String part : raw.split("&")) {
            int eq = part.indexOf('=');
            String k = URLDecoder.decode(eq < 0 ? part : part.substring(0, eq), StandardCharsets.UTF_8);
            String v = eq < 0 ? "" : URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8);
            q.put(k, v);
        }
        return q;
    }

    Reply authenticate(HttpExchange ex) {
        String auth = ex.getRequestHeaders().getFirst("Authorization");
        if (auth == null || !auth.startsWith("Bearer ")) {
            return unauthorized("AuthenticationFailed", "Authentication failed. The 'Authorization' header is missing.");
        }
        String token = auth.substring("Bearer ".length());
        TestCredential.Issued issued = credential.lookup(token);
        if (issued == null || revoked.contains(token)) {
            return unauthorized("InvalidAuthenticationToken", "The access token is invalid.");
        }
        if (Instant.now().isAfter(issued.expiresAt())) {
            return unauthorized("ExpiredAuthenticationToken", "The access token expiry UTC time '"
                    + issued.expiresAt() + "' is earlier than current UTC time '" + Instant.now() + "'.");
        }
        if (!issued.scope().equals(endpoint + "/.default")) {
            return unauthorized("InvalidAuthenticationTokenAudience", "The access token has been obtained for wrong "
                    + "audience or resource '" + issued.scope() + "'.");
        }
        return null;
    }

    Reply scriptedError(String method, String path) {
        for (Object[] e : scriptedErrors) {
            java.util.concurrent.atomic.AtomicInteger left = (java.util.concurrent.atomic.AtomicInteger) e[5];
            if (e[0].equals(method) && ((Pattern) e[1]).matcher(path).find() && left.getAndDecrement() > 0) {
                return error((Integer) e[2], (String) e[3], (String) e[4]);
            }
        }
        return null;
    }

    static Reply unauthorized(String code, String message) {
        return error(401, code, message).header("WWW-Authenticate", "Bearer authorization_uri=\""
                + "https://login.microsoftonline.com/" + TENANT + "\", error=\"invalid_token\", error_description=\""
                + message + "\"");
    }

    static Reply error(int status, String code, String message) {
        ObjectNode body = JSON.createObjectNode();
        ObjectNode e = body.putObject("error");
        e.put("code", code);
        e.put("message", message);
        return Reply.json(status, body);
    }

    Reply validatedDispatch(String method, String path, Map<String, String> query, byte[] body) {
        String text = new String(body, StandardCharsets.UTF_8);
        boolean covered = spec.covers(path) && !path.startsWith("/mlflow") && !path.startsWith("/history");
        if (covered) {
            List<String> problems = spec.validateRequest(method, path, query, text);
            if (!problems.isEmpty()) {
                violations.addAll(problems.stream().map(p -> "request: " + p).toList());
                return error(400, "InvalidRequestContent", String.join("; ", problems));
            }
        }
        Reply reply;
        synchronized (this) {
            reply = dispatch(method, path, query, text);
        }
        if (covered) {
            List<String> problems = spec.validateResponse(method, path, reply.status(),
                    new String(reply.body(), StandardCharsets.UTF_8));
            violations.addAll(problems.stream().map(p -> "emulator answer: " + p).toList());
        }
        return reply;
    }

    boolean resourceGroupExists(Matcher m) {
        return m.group(1).equalsIgnoreCase(SUBSCRIPTION)
                && resourceGroups.stream().anyMatch(rg -> rg.equalsIgnoreCase(m.group(2)));
    }

    static Reply rgNotFound(String rg) {
        return error(404, "ResourceGroupNotFound", "Resource group '" + rg + "' could not be found.");
    }

    Workspace workspace(String name) {
        return workspaces.get(key(null, name));
    }

    Reply page(List<JsonNode> all, String path, Map<String, String> query, int size) {
        int skip = query.containsKey("$skip") ? Integer.parseInt(query.get("$skip")) : 0;
        ObjectNode body = JSON.createObjectNode();
        ArrayNode value = body.putArray("value");
        all.subList(Math.min(skip, all.size()), Math.min(all.size(), skip + size)).forEach(value::add);
        if (skip + size < all.size()) {
            StringBuilder next = new StringBuilder(endpoint + path + "?api-version=" + API + "&$skip=" + (skip + size));
            query.forEach((k, v) -> {
                if (!k.equals("api-version") && !k.equals("$skip")) {
                    next.append('&').append(k).append('=').append(v);
                }
            });
            body.put("nextLink", next.toString());
        }
        return Reply.json(200, body);
    }

    // ------------------------------------------------------------------------------------------------ operations

    AsyncOp newOperation(Runnable onDone) {
        AsyncOp op = new AsyncOp(UUID.randomUUID().toString(), asyncPolls, onDone);
        operations.put(op.id, op);
        return op;
    }

    /** Time passes for an operation: each look at it (its status or its resource) moves it on. */
    void tick(AsyncOp op) {
        if (op.pollsLeft > 0) {
            op.pollsLeft--;
        } else if (op.status.equals("InProgress")) {
            op.status = "Succeeded";
            if (op.onDone != null) {
                op.onDone.run();
            }
        }
    }

    void tickResource(String resourceKey) {
        String id = pendingByResource.get(resourceKey);
        AsyncOp op = id == null ? null : operations.get(id);
        if (op != null) {
            tick(op);
            if (!op.status.equals("InProgress")) {
                pendingByResource.remove(resourceKey);
            }
        }
    }

    Reply asyncStatus(String id, Map<String, String> query, boolean location) {
        AsyncOp op = operations.get(id);
        if (op == null) {
            return error(404, "NotFound", "operation not found");
        }
        tick(op);
        if (location) {
            return op.status.equals("InProgress") ? Reply.json(202, null).header("Retry-After", "10")
                    .header("Location", endpoint + "/unused") : Reply.json(200, null);
        }
        ObjectNode body = JSON.createObjectNode();
        body.put("status", op.status);
        body.put("percentComplete", op.status.equals("InProgress") ? 50.0 : 100.0);
        if (op.error != null) {
            body.set("error", op.error);
        }
        return Reply.json(200, body).header("Retry-After", "10");
    }

    /**
     * A polling URL like Azure Machine Learning's: the operation path plus a signed query ({@code t}, {@code c},
     * {@code s}, {@code h}) of about 4.5 KB. The emulator refuses it when any byte was changed or cut.
     */
    String signedUrl(String path, String opId, String extra) {
        String t = String.valueOf(System.currentTimeMillis());
        byte[] c = new byte[3100];
        random.nextBytes(c);
        String cs = Base64.getUrlEncoder().withoutPadding().encodeToString(c);
        String h = sha256Url(cs.getBytes(StandardCharsets.US_ASCII));
        return endpoint + path + "?api-version=" + API + extra + "&t=" + t + "&c=" + cs + "&s=" + sign(opId, t, h)
                + "&h=" + h;
    }

    String sign(String opId, String t, String h) {
        try {
            Mac mac = Mac.getInstance("HmacSHA512");
            mac.init(new SecretKeySpec(signingKey, "HmacSHA512"));
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 4; i++) {
                mac.update((i + "|" + opId + "|" + t + "|" + h).getBytes(StandardCharsets.UTF_8));
                s.append(Base64.getUrlEncoder().withoutPadding().encodeToString(mac.doFinal()));
            }
            return s.toString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static String sha256Url(byte[] data) {
        try {
            return Base64.getUrlEncoder().withoutPadding()
                    .encodeToString(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    Reply checkSignature(String opId, Map<String, String> query) {
        String t = query.get("t");
        String c = query.get("c");
        String s = query.get("s");
        String h = query.get("h");
        if (t == null || c == null || s == null || h == null
                || !h.equals(sha256Url(c.getBytes(StandardCharsets.US_ASCII))) || !s.equals(sign(opId, t, h))) {
            violations.add("a polling URL came back altered or cut (operation " + opId + ")");
            return error(401, "InvalidSignature", "The signature of the operation URL is invalid.");
        }
        return null;
    }


    /**
     * Routes a validated request to its resource.
     *
     * @return the answer
     */
    abstract Reply dispatch(String method, String path, Map<String, String> query, String body);
}
