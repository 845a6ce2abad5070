package dev.modelbuilder.core.support;

import java.util.Objects;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Threads for the SDK's own pools: daemon threads (a forgotten {@code close()} never keeps the user's JVM alive) named
 * {@code <prefix>-<n>}, so that a thread dump says which pool each belongs to.
 *
 * <pre>{@code
 * ExecutorService pool = Executors.newFixedThreadPool(2, new DaemonThreadFactory("modelbuilder-decode"));
 * }</pre>
 */
public final class DaemonThreadFactory implements ThreadFactory {
    private final String prefix;
    private final AtomicInteger count = new AtomicInteger();

    /** @param prefix the start of every thread's name, e.g. {@code modelbuilder-local-run} */
    public DaemonThreadFactory(String prefix) {
        this.prefix = Objects.requireNonNull(prefix, "prefix");
    }

    @Override
    public Thread newThread(Runnable task) {
        Thread t = new Thread(task, prefix + "-" + count.incrementAndGet());
        t.setDaemon(true);
        return t;
    }
}
