package dev.modelbuilder.azure.testing;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpRequest;
import com.azure.core.http.HttpResponse;
import com.azure.core.util.Context;
import java.util.concurrent.atomic.AtomicInteger;
import reactor.core.publisher.Mono;

/**
 * Storage on an account that disallows shared-key authorization ({@code allowSharedKeyAccess: false}): every
 * request to it signed with the account key or with a SAS is refused with {@code 403 KeyBasedAuthenticationNotPermitted},
 * as Azure Storage refuses it; bearer-token requests pass to the real service (Azurite). Wraps the provider's HTTP
 * client.
 */
public final class KeylessStorage implements HttpClient {
    private final HttpClient delegate;
    private final int storagePort;
    private final AtomicInteger refused = new AtomicInteger();

    /**
     * @param delegate the real client
     * @param storagePort the port of the storage service whose account takes no shared keys
     */
    public KeylessStorage(HttpClient delegate, int storagePort) {
        this.delegate = delegate;
        this.storagePort = storagePort;
    }

    /** @return requests refused for carrying a key or a SAS */
    public int refused() {
        return refused.get();
    }

    @Override
    public HttpResponse sendSync(HttpRequest request, Context context) {
        String auth = request.getHeaders().getValue(HttpHeaderName.AUTHORIZATION);
        String query = request.getUrl().getQuery();
        boolean keyed = (auth != null && auth.startsWith("SharedKey")) || (query != null && query.contains("sig="));
        if (request.getUrl().getPort() == storagePort && keyed) {
            refused.incrementAndGet();
            return new StorageErrorResponse(request, 403, "KeyBasedAuthenticationNotPermitted",
                    "Key based authentication is not permitted on this storage account.");
        }
        return delegate.sendSync(request, context);
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
