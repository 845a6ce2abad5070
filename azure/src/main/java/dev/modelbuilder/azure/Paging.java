package dev.modelbuilder.azure;

import com.azure.core.http.HttpMethod;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.operation.Page;
import dev.modelbuilder.core.operation.PagedIterable;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Function;

/** ARM lists: {@code {"value":[...],"nextLink":"..."}}, fetched page by page as iteration reaches them. */
final class Paging {
    private Paging() {
    }

    /**
     * @param arm the client
     * @param firstUrl the list URL
     * @param action what is listed, for error messages
     * @param resourceType the listed resources' kind
     * @param scope where they are listed, for not-found messages
     * @param mapper turns one {@code value} element into an item, or {@code null} to skip it
     * @param <T> the item type
     * @return the lazy listing; its continuation tokens are the service's {@code nextLink}s
     */
    static <T> PagedIterable<T> list(ArmClient arm, String firstUrl, String action, String resourceType,
            String scope, Function<JsonNode, T> mapper) {
        return new PagedIterable<>(token -> {
            ArmResponse r = token == null ? arm.send(HttpMethod.GET, firstUrl, null) : arm.follow(token);
            ArmClient.check(r, action, resourceType, scope);
            JsonNode body = r.json();
            List<T> items = new ArrayList<>();
            for (JsonNode v : body.path("value")) {
                T item = mapper.apply(v);
                if (item != null) {
                    items.add(item);
                }
            }
            String next = Json.text(body, "/nextLink");
            return new Page<>(items, next == null || next.isBlank() ? null : next);
        });
    }
}
