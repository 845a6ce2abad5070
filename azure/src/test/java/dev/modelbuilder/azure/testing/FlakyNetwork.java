package dev.modelbuilder.azure.testing;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.BinaryData;
import com.azure.core.util.Context;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.SocketException;
import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * A network between the client and a real service (Azurite) that fails now and then: connections refused before
 * the request leaves, connections reset after the service processed it (the answer is lost), and 503 ServerBusy
 * answers as Azure Storage gives them. Wraps the HTTP client the provider is built with.
 */
public final class FlakyNetwork implements HttpClient {
    private final HttpClient delegate;
    private final Predicate<HttpRequest> affected;
    private final double rate;
    private final Random random;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger failures = new AtomicInteger();

    /**
     * @param delegate the real client
     * @param affected which requests may fail
     * @param rate the share of affected requests that fail
     * @param seed the random seed
     */
    public FlakyNetwork(HttpClient delegate, Predicate<HttpRequest> affected, double rate, long seed) {
        this.delegate = delegate;
        this.affected = affected;
        this.rate = rate;
        this.random = new Random(seed);
    }

    /** @return affected requests seen */
    public int requests() {
        return requests.get();
    }

    /** @return failures injected */
    public int failures() {
        return failures.get();
    }

    private int pick(HttpRequest request) {
        if (!affected.test(request)) {
            return -1;
        }
        requests.incrementAndGet();
        synchronized (random) {
            if (random.nextDouble() >= rate) {
                return -1;
            }
            failures.incrementAndGet();
            return random.nextInt(3);
        }
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        int fault = pick(request);
        if (fault == 0) {
            throw new UncheckedIOException(new ConnectException("Connection refused (injected)"));
        }
        if (fault == 2) {
            return new StorageErrorResponse(request, 503, "ServerBusy", "The server is currently unable to receive "
                    + "requests. Please retry your request.");
        }
        HttpResponse response = delegate.sendSync(request, context);
        if (fault == 1) {
            response.getBodyAsBinaryData();
            response.close();
            throw new UncheckedIOException(new SocketException("Connection reset (injected, after processing)"));
        }
        return response;
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request) {
        return send(request, Context.NONE);
    }

    @Override
    public Mono<HttpResponse> send(HttpRequest request, Context context) {
        return Mono.fromCallable(() -> sendSync(request, context));
    }
}
