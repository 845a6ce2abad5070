package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.OperationNotSupportedException;
import com.azure.core.credential.AccessToken;
import com.azure.core.credential.TokenCredential;
import com.azure.core.credential.TokenRequestContext;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import dev.modelbuilder.core.exception.AuthenticationException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Adds {@code Authorization: Bearer <token>} for one scope (the Resource Manager endpoint's {@code /.default}) to
 * requests that go over HTTPS, and only those. Tokens are cached and renewed before they expire. Getting a token is
 * bounded: a credential that does not answer in time (e.g. a managed-identity endpoint that accepts connections
 * and never replies) ends in an {@link AuthenticationException} instead of a hang. A 401 whose challenge says the
 * token is invalid or expired (clock skew, revocation) gets one more try with a fresh token.
 *
 * <p>Tokens never appear in log lines or exception messages.
 */
final class ArmTokenPolicy implements HttpPipelinePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(ArmTokenPolicy.class);
    private static final Duration MAX_REFRESH_MARGIN = Duration.ofMinutes(5);

    private final TokenCredential credential;
    private final String scope;
    private final Duration timeout;
    private final Clock clock;
    private final ExecutorService executor;
    private final HttpStats stats;
    private AccessToken cached;
    private Instant acquiredAt;

    ArmTokenPolicy(TokenCredential credential, String scope, Duration timeout, Clock clock, ExecutorService executor,
            HttpStats stats) {
        this.credential = credential;
        this.scope = scope;
        this.timeout = timeout;
        this.clock = clock;
        this.executor = executor;
        this.stats = stats;
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        requireHttps(context);
        authorize(context, false);
        HttpResponse response = next.clone().processSync();
        if (isInvalidTokenChallenge(response)) {
            LOG.debug("the service rejected the token ({}); getting a new one", response.getStatusCode());
            response.close();
            authorize(context, true);
            response = next.clone().processSync();
        }
        return response;
    }

    /**
     * Not supported: the provider sends through {@code HttpPipeline.sendSync} only, so the asynchronous path is
     * never taken.
     */
    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return Mono.error(new OperationNotSupportedException("the Azure provider's pipeline is synchronous"));
    }

    private static void requireHttps(HttpPipelineCallContext context) {
        if (!"https".equalsIgnoreCase(context.getHttpRequest().getUrl().getProtocol())) {
            java.net.URL url = context.getHttpRequest().getUrl();
            throw new AuthenticationException("refusing to send a token over " + url.getProtocol() + " to "
                    + url.getHost() + ": tokens go over HTTPS only");
        }
    }

    private void authorize(HttpPipelineCallContext context, boolean forceRefresh) {
        AccessToken token = token(forceRefresh);
        context.getHttpRequest().setHeader(HttpHeaderName.AUTHORIZATION, "Bearer " + token.getToken());
    }

    private static boolean isInvalidTokenChallenge(HttpResponse response) {
        if (response.getStatusCode() != 401) {
            return false;
        }
        String challenge = response.getHeaderValue(HttpHeaderName.WWW_AUTHENTICATE);
        return challenge != null && challenge.toLowerCase(Locale.ROOT).contains("invalid_token");
    }

    /**
     * @param forceRefresh whether to get a new token even when the cached one looks valid
     * @return a token for the scope
     * @throws AuthenticationException when none can be had in time
     */
    synchronized AccessToken token(boolean forceRefresh) {
        Instant now = clock.instant();
        if (!forceRefresh && cached != null && now.isBefore(refreshAt())) {
            return cached;
        }
        TokenRequestContext request = new TokenRequestContext().addScopes(scope);
        CompletableFuture<AccessToken> future = CompletableFuture.supplyAsync(() -> credential.getTokenSync(request),
                executor);
        try {
            AccessToken token = future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (token == null || token.getToken() == null) {
                throw new AuthenticationException("the credential returned no token for scope " + scope);
            }
            stats.tokens.incrementAndGet();
            cached = token;
            acquiredAt = clock.instant();
            LOG.debug("got a token for scope {}, valid until {}", scope, token.getExpiresAt());
            return token;
        } catch (TimeoutException e) {
            future.cancel(true);
            throw new AuthenticationException("no token for scope " + scope + " within " + timeout.toSeconds()
                    + " s: the credential did not answer (a managed-identity or metadata endpoint that never replies "
                    + "does this). Sign in with the Azure CLI (az login) or set AZURE_CLIENT_ID, AZURE_TENANT_ID and "
                    + "AZURE_CLIENT_SECRET, or give the builder a longer tokenTimeout");
        } catch (ExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            if (cause instanceof AuthenticationException a) {
                throw a;
            }
            throw new AuthenticationException("could not get a token for scope " + scope + ": "
                    + Redact.text(String.valueOf(cause.getMessage())) + ". Sign in with the Azure CLI (az login) or "
                    + "set AZURE_CLIENT_ID, AZURE_TENANT_ID and AZURE_CLIENT_SECRET", cause);
        } catch (InterruptedException e) {
            future.cancel(true);
            Thread.currentThread().interrupt();
            throw new ModelBuilderException("interrupted while getting a token for " + scope, e);
        }
    }

    private Instant refreshAt() {
        Instant expires = cached.getExpiresAt().toInstant();
        Duration lifetime = Duration.between(acquiredAt, expires);
        Duration margin = lifetime.dividedBy(2);
        if (margin.compareTo(MAX_REFRESH_MARGIN) > 0) {
            margin = MAX_REFRESH_MARGIN;
        }
        return expires.minus(margin.isNegative() ? Duration.ZERO : margin);
    }
}
