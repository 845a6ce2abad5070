package dev.modelbuilder.core.operation;

import java.util.List;
import java.util.Optional;

/**
 * One page of a listing.
 *
 * @param items the items on this page
 * @param continuationToken the token for the next page, or {@code null} on the last page
 * @param <T> the item type
 */
public record Page<T>(List<T> items, String continuationToken) {
    /** Copies the items. */
    public Page {
        items = List.copyOf(items);
    }

    /** @return the next page's token, if there is a next page */
    public Optional<String> next() {
        return Optional.ofNullable(continuationToken);
    }
}
