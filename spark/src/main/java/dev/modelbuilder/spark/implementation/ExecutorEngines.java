package dev.modelbuilder.spark.implementation;

import dev.modelbuilder.scoring.PredictionEngine;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * The per-JVM engine cache: the only static mutable state of the Spark module, on purpose. An executor runs many
 * tasks, in turn and at the same time, and every one of them would otherwise read the package and create an ONNX
 * Runtime session of its own (DJL's Spark extension reloads its model per partition; a 4.65 GB model took 13 s each
 * time, djl#3079). Here a package is opened once per JVM, keyed by the archive's SHA-256 and the engine settings,
 * and the engine is shared by every task that asks for it ({@link PredictionEngine} is thread-safe).
 *
 * <p>Tasks hold a {@link Lease} while they score. An engine that no task holds stays open for the next task; when
 * more than {@link #MAX_ENGINES} engines are open, the idle ones used least recently are closed. An engine in use is
 * never closed. Engines still open when the executor exits go with its process.
 */
public final class ExecutorEngines {
    /** How many engines a JVM keeps open at most while they are idle (a job scoring with several models at once). */
    public static final int MAX_ENGINES = 4;

    private static final Logger LOG = LoggerFactory.getLogger(ExecutorEngines.class);
    private static final Map<Key, Entry> ENGINES = new HashMap<>(); // guarded by itself
    private static final Map<String, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    private ExecutorEngines() {
    }

    /**
     * What an engine is cached under.
     *
     * @param sha256 the package archive's SHA-256
     * @param settings how the engine is built
     */
    public record Key(String sha256, EngineParameters settings) {
        /** @throws NullPointerException if a value is null */
        public Key {
            Objects.requireNonNull(sha256, "sha256");
            Objects.requireNonNull(settings, "settings");
        }
    }

    /** A task's hold on a shared engine; closing it gives the engine back (it stays open for other tasks). */
    public static final class Lease implements AutoCloseable {
        private final Entry entry;
        private final PredictionEngine engine;
        private boolean closed; // guarded by this

        private Lease(Entry entry, PredictionEngine engine) {
            this.entry = entry;
            this.engine = engine;
        }

        /** @return the shared engine; never close it */
        public PredictionEngine engine() {
            return engine;
        }

        /** Gives the engine back. Idempotent. */
        @Override
        public void close() {
            synchronized (this) {
                if (closed) {
                    return;
                }
                closed = true;
            }
            release(entry);
        }
    }

    /** One cached engine; the engine is created by the first task that needs it, under this entry's lock. */
    private static final class Entry {
        final Key key;
        int leases; // guarded by ENGINES
        long lastUsed; // guarded by ENGINES
        // written under this entry's lock, read without it (a reader never waits for a load of another task)
        private volatile PredictionEngine engine;

        Entry(Key key) {
            this.key = key;
        }

        synchronized PredictionEngine engine(Supplier<PredictionEngine> open) {
            if (engine == null) {
                // other tasks asking for the same key wait here rather than open the package a second time
                engine = Objects.requireNonNull(open.get(), "the engine loader returned null");
                int n = OPENS.computeIfAbsent(key.sha256(), k -> new AtomicInteger()).incrementAndGet();
                LOG.debug("engine #{} for package {} in this JVM", n, key.sha256());
            }
            return engine;
        }

        PredictionEngine openedEngine() {
            return engine;
        }
    }

    /**
     * Takes the engine cached under {@code key}, opening it with {@code open} when no task of this JVM has yet.
     *
     * @param key the package's SHA-256 and the settings
     * @param open creates the engine (called at most once per key while the engine stays cached)
     * @return a lease on the engine; close it when the task is done
     * @throws RuntimeException whatever {@code open} throws; the next task tries again
     */
    public static Lease acquire(Key key, Supplier<PredictionEngine> open) {
        Entry entry;
        synchronized (ENGINES) {
            entry = ENGINES.computeIfAbsent(key, Entry::new);
            entry.leases++;
            entry.lastUsed = System.nanoTime();
        }
        try {
            return new Lease(entry, entry.engine(open));
        } catch (RuntimeException | Error e) {
            release(entry);
            throw e;
        }
    }

    private static void release(Entry entry) {
        List<PredictionEngine> toClose = new ArrayList<>();
        synchronized (ENGINES) {
            entry.leases--;
            entry.lastUsed = System.nanoTime();
            if (entry.leases == 0 && entry.openedEngine() == null) {
                ENGINES.remove(entry.key, entry); // a failed open: nothing to keep
            }
            if (ENGINES.size() > MAX_ENGINES) {
                List<Entry> idle = new ArrayList<>();
                for (Entry e : ENGINES.values()) {
                    if (e.leases == 0) {
                        idle.add(e);
                    }
                }
                idle.sort(Comparator.comparingLong(e -> e.lastUsed));
                for (int i = 0; i < idle.size() && ENGINES.size() > MAX_ENGINES; i++) {
                    Entry e = idle.get(i);
                    ENGINES.remove(e.key);
                    PredictionEngine engine = e.openedEngine();
                    if (engine != null) {
                        toClose.add(engine);
                    }
                }
            }
        }
        // no task holds these (their leases were 0 under the lock), and a new acquire creates a new entry
        for (PredictionEngine engine : toClose) {
            engine.close();
        }
    }

    /**
     * @param sha256 a package archive's SHA-256
     * @return how many times this JVM has opened that package into an engine (for tests and logs)
     */
    public static int opens(String sha256) {
        AtomicInteger n = OPENS.get(sha256);
        return n == null ? 0 : n.get();
    }

    /** @return how many engines this JVM holds open now */
    public static int openEngines() {
        synchronized (ENGINES) {
            int n = 0;
            for (Entry e : ENGINES.values()) {
                if (e.openedEngine() != null) {
                    n++;
                }
            }
            return n;
        }
    }
}
