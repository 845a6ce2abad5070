package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.OperationNotSupportedException;
import com.azure.core.http.HttpPipelineCallContext;
import com.azure.core.http.HttpPipelineNextPolicy;
import com.azure.core.http.HttpPipelineNextSyncPolicy;
import com.azure.core.http.HttpResponse;
import com.azure.core.http.policy.HttpPipelinePolicy;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.support.Sleeper;
import java.io.IOException;
import java.security.cert.CertificateException;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import reactor.core.publisher.Mono;

/**
 * Retries transient failures: HTTP 408, 429, 500, 502, 503 and 504, and transport errors (connection refused or
 * reset, timeouts). Waits what the service asks for ({@code x-ms-retry-after-ms}, {@code retry-after-ms},
 * {@code Retry-After}), otherwise an exponential back-off with full jitter. Every request the provider sends is
 * safe to repeat (GET, PUT with a client-chosen name, DELETE, and idempotent POSTs), so every method is retried.
 * After the last attempt the answer is returned as is, so the caller can report e.g. a throttling error with the
 * service's {@code Retry-After}.
 */
final class ArmRetryPolicy implements HttpPipelinePolicy {
    private static final Logger LOG = LoggerFactory.getLogger(ArmRetryPolicy.class);
    private static final Set<Integer> TRANSIENT = Set.of(408, 429, 500, 502, 503, 504);

    private final int maxRetries;
    private final Duration baseDelay;
    private final Duration maxDelay;
    private final Sleeper sleeper;
    private final HttpStats stats;

    ArmRetryPolicy(int maxRetries, Duration baseDelay, Duration maxDelay, Sleeper sleeper, HttpStats stats) {
        this.maxRetries = maxRetries;
        this.baseDelay = baseDelay;
        this.maxDelay = maxDelay;
        this.sleeper = sleeper;
        this.stats = stats;
    }

    @Override
    public HttpResponse processSync(HttpPipelineCallContext context, HttpPipelineNextSyncPolicy next) {
        int attempt = 0;
        while (true) {
            stats.attempts.incrementAndGet();
            HttpResponse response;
            try {
                response = next.clone().processSync();
            } catch (RuntimeException e) {
                if (attempt >= maxRetries || !isTransient(e)) {
                    throw e;
                }
                Duration wait = backoff(attempt);
                LOG.debug("{} {}: {}; retry {} of {} in {} ms", context.getHttpRequest().getHttpMethod(),
                        context.getHttpRequest().getUrl().getPath(), describe(e), attempt + 1, maxRetries,
                        wait.toMillis());
                pause(wait);
                attempt++;
                stats.retries.incrementAndGet();
                continue;
            }
            if (attempt >= maxRetries || !TRANSIENT.contains(response.getStatusCode())) {
                return response;
            }
            Duration asked = ArmResponse.retryAfter(response.getHeaders());
            Duration wait = asked != null ? asked : backoff(attempt);
            LOG.debug("{} {}: HTTP {}; retry {} of {} in {} ms{}", context.getHttpRequest().getHttpMethod(),
                    context.getHttpRequest().getUrl().getPath(), response.getStatusCode(), attempt + 1, maxRetries,
                    wait.toMillis(), asked != null ? " (as the service asked)" : "");
            response.close();
            pause(wait);
            attempt++;
            stats.retries.incrementAndGet();
        }
    }

    /**
     * Not supported: the provider sends through {@code HttpPipeline.sendSync} only, so the asynchronous path is
     * never taken.
     */
    @Override
    public Mono<HttpResponse> process(HttpPipelineCallContext context, HttpPipelineNextPolicy next) {
        return Mono.error(new OperationNotSupportedException("the Azure provider's pipeline is synchronous"));
    }

    private void pause(Duration wait) {
        try {
            sleeper.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ModelBuilderException("interrupted while waiting to retry a request to Azure", e);
        }
    }

    /**
     * @param attempt the attempt that failed, from 0
     * @return a random wait in [d/2, d] where d = base * 2^attempt, at most the maximum
     */
    Duration backoff(int attempt) {
        long base = Math.max(1, baseDelay.toMillis());
        long max = Math.max(base, maxDelay.toMillis());
        long d = attempt >= 30 ? max : Math.min(max, base << attempt);
        return Duration.ofMillis(d / 2 + ThreadLocalRandom.current().nextLong(d / 2 + 1));
    }

    static boolean isTransient(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof CertificateException || t instanceof javax.net.ssl.SSLPeerUnverifiedException
                    || t instanceof InterruptedException || t instanceof ModelBuilderException) {
                return false;
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof IOException || t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static String describe(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root.getClass().getSimpleName() + (root.getMessage() == null ? "" : " (" + Redact.text(root.getMessage())
                + ")");
    }
}
