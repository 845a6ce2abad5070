package dev.modelbuilder.azure.testing;

import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import reactor.core.publisher.Mono;

/**
 * Stands in for Microsoft Entra ID: issues opaque bearer tokens with an expiry and remembers, for the emulator, which
 * scope each was issued for. Tokens are random, so a test can look for them in logs. It can also be made to hang or
 * fail, like an unanswering managed-identity endpoint.
 */
public final class TestCredential implements TokenCredential {
    /** What was issued. */
    public record Issued(String token, String scope, Instant expiresAt) {
    }

    private final SecureRandom random = new SecureRandom();
    private final Map<String, Issued> issued = new ConcurrentHashMap<>();
    private final List<String> requestedScopes = new CopyOnWriteArrayList<>();
    private volatile Duration lifetime = Duration.ofHours(1);
    private volatile Duration hang = Duration.ZERO;
    private volatile RuntimeException failure;
    private volatile String storageAudience = "https://storage.azure.com";

    @Override
    public Mono<AccessToken> getToken(TokenRequestContext request) {
        return Mono.fromCallable(() -> getTokenSync(request));
    }

    @Override
    public AccessToken getTokenSync(TokenRequestContext request) {
        if (!hang.isZero()) {
            try {
                Thread.sleep(hang.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted", e);
            }
        }
        if (failure != null) {
            throw failure;
        }
        String scope = String.join(" ", request.getScopes());
        requestedScopes.add(scope);
        byte[] bytes = new byte[32];
        random.nextBytes(bytes);
        Instant expires = Instant.now().plus(lifetime);
        String token = scope.startsWith("https://storage.azure.com") ? jwt(bytes, expires)
                : "emu." + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
        issued.put(token, new Issued(token, scope, expires));
        return new AccessToken(token, OffsetDateTime.ofInstant(expires, ZoneOffset.UTC));
    }

    /**
     * A storage token as Entra ID shapes it (a JWT with issuer, audience and lifetime, which Azurite checks); the
     * signature is random, as Azurite's basic OAuth does not check it.
     */
    private String jwt(byte[] signature, Instant expires) {
        Base64.Encoder b64 = Base64.getUrlEncoder().withoutPadding();
        long now = Instant.now().getEpochSecond();
        String header = "{\"alg\":\"RS256\",\"typ\":\"JWT\"}";
        String payload = "{\"aud\":\"" + storageAudience + "\",\"iss\":\"https://sts.windows.net/"
                + ArmEmulator.TENANT + "/\",\"iat\":" + (now - 60) + ",\"nbf\":" + (now - 60) + ",\"exp\":"
                + expires.getEpochSecond() + ",\"oid\":\"00000000-aaaa-bbbb-cccc-000000000002\"}";
        return b64.encodeToString(header.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(payload.getBytes(java.nio.charset.StandardCharsets.UTF_8)) + "."
                + b64.encodeToString(signature);
    }

    /**
     * @param audience the audience of storage tokens from now on ({@code https://storage.azure.com} by default;
     *     another one makes storage refuse them with 403, as it refuses a caller without a data role)
     */
    public void setStorageAudience(String audience) {
        this.storageAudience = audience;
    }

    /** @param tokenLifetime how long new tokens live */
    public void setLifetime(Duration tokenLifetime) {
        this.lifetime = tokenLifetime;
    }

    /** @param delay how long each token request takes (zero: immediate) */
    public void setHang(Duration delay) {
        this.hang = delay;
    }

    /** @param error what each token request throws, or {@code null} */
    public void setFailure(RuntimeException error) {
        this.failure = error;
    }

    /**
     * @param token a bearer token
     * @return what was issued under it, or {@code null}
     */
    public Issued lookup(String token) {
        return issued.get(token);
    }

    /** @return every token issued so far */
    public List<String> tokens() {
        return List.copyOf(issued.keySet());
    }

    /** @return the scopes asked for, one entry per token request */
    public List<String> requestedScopes() {
        return List.copyOf(requestedScopes);
    }
}
