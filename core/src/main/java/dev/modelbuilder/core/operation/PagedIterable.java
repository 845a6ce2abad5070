package dev.modelbuilder.core.operation;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.function.Function;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * A lazy listing: pages are fetched only as iteration reaches them, and not cached, so iterating twice asks the
 * provider again (and sees changes). Use {@link #toList(int)} to take a bounded snapshot.
 *
 * <pre>{@code
 * for (Run run : experiment.runs()) { ... }            // fetches page after page
 * List<Run> latest = experiment.runs().toList(20);     // at most 20
 * }</pre>
 *
 * @param <T> the item type
 */
public final class PagedIterable<T> implements Iterable<T> {
    private final Function<String, Page<T>> fetcher;

    /**
     * @param fetcher fetches the page for a continuation token ({@code null} for the first page)
     */
    public PagedIterable(Function<String, Page<T>> fetcher) {
        this.fetcher = Objects.requireNonNull(fetcher, "fetcher");
    }

    /**
     * @param items a fixed list
     * @param <T> the item type
     * @return a one-page listing of it
     */
    public static <T> PagedIterable<T> of(List<T> items) {
        List<T> copy = List.copyOf(items);
        return new PagedIterable<>(token -> new Page<>(copy, null));
    }

    @Override
    public Iterator<T> iterator() {
        return new Iterator<>() {
            private final Iterator<Page<T>> pages = iterableByPage(null).iterator();
            private Iterator<T> current = java.util.Collections.emptyIterator();

            @Override
            public boolean hasNext() {
                while (!current.hasNext() && pages.hasNext()) {
                    current = pages.next().items().iterator();
                }
                return current.hasNext();
            }

            @Override
            public T next() {
                if (!hasNext()) {
                    throw new NoSuchElementException();
                }
                return current.next();
            }
        };
    }

    /**
     * @param continuationToken where to start ({@code null} for the beginning)
     * @return the pages, fetched lazily
     */
    public Iterable<Page<T>> iterableByPage(String continuationToken) {
        return () -> new Iterator<>() {
            private String token = continuationToken;
            private boolean done;

            @Override
            public boolean hasNext() {
                return !done;
            }

            @Override
            public Page<T> next() {
                if (done) {
                    throw new NoSuchElementException();
                }
                Page<T> page = fetcher.apply(token);
                token = page.continuationToken();
                done = token == null;
                return page;
            }
        };
    }

    /** @return the items as a lazy sequential stream */
    public Stream<T> stream() {
        return StreamSupport.stream(Spliterators.spliteratorUnknownSize(iterator(), Spliterator.ORDERED), false);
    }

    /**
     * @param continuationToken where to start ({@code null} for the beginning)
     * @return the pages as a lazy stream
     */
    public Stream<Page<T>> streamByPage(String continuationToken) {
        return StreamSupport.stream(iterableByPage(continuationToken).spliterator(), false);
    }

    /**
     * @param limit the most items to take
     * @return up to {@code limit} items, fetching no more pages than needed
     */
    public List<T> toList(int limit) {
        List<T> out = new ArrayList<>();
        Iterator<T> it = iterator();
        while (out.size() < limit && it.hasNext()) {
            out.add(it.next());
        }
        return out;
    }
}
