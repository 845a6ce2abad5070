package dev.modelbuilder.azure.testing;

import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

/**
 * Which requests the emulator answers with a transient failure, and how: scripted (the next matching requests, in
 * order) or at random (a seeded share of matching requests).
 */
public final class FaultPlan {
    /** The failures a real service and network show. */
    public enum Fault {
        /** 429 with {@code Retry-After} (seconds), before doing anything. */
        THROTTLE,
        /** 429 with {@code x-ms-retry-after-ms}, before doing anything. */
        THROTTLE_MS,
        /** 500 InternalServerError, before doing anything. */
        SERVER_ERROR,
        /** 503 ServiceUnavailable with {@code Retry-After}, before doing anything. */
        UNAVAILABLE,
        /** The connection drops before the request is processed. */
        DROP_BEFORE,
        /** The request is processed, then the connection drops: the client never sees the answer. */
        DROP_AFTER,
        /** The request is processed, then the answer is a 504 GatewayTimeout. */
        GATEWAY_TIMEOUT_AFTER,
        /** The answer comes after {@link #slowDelay()} (longer than the client waits). */
        SLOW
    }

    private final Deque<Fault> scripted = new ArrayDeque<>();
    private final Map<Fault, AtomicInteger> injected = new EnumMap<>(Fault.class);
    private Predicate<String> scope = p -> true;
    private double rate;
    private int burst;
    private int period;
    private int seen;
    private List<Fault> kinds = List.of();
    private Random random = new Random(1);
    private Duration slowDelay = Duration.ofMillis(1500);

    FaultPlan() {
        for (Fault f : Fault.values()) {
            injected.put(f, new AtomicInteger());
        }
    }

    /**
     * @param faults failures for the next requests in scope, in order
     * @return this plan
     */
    public synchronized FaultPlan script(Fault... faults) {
        scripted.addAll(List.of(faults));
        return this;
    }

    /**
     * @param share the share of requests in scope that fail, in [0, 1)
     * @param seed the random seed
     * @param faultKinds the failures to pick from
     * @return this plan
     */
    public synchronized FaultPlan random(double share, long seed, Fault... faultKinds) {
        this.rate = share;
        this.random = new Random(seed);
        this.kinds = List.of(faultKinds);
        return this;
    }

    /**
     * Fails a fixed share of requests in bursts: of every {@code period} requests in scope, the first {@code burst}
     * fail (so retries meet consecutive failures too), each with a failure picked at random.
     *
     * @param failing how many of each period fail
     * @param every the period
     * @param seed the random seed for picking failures
     * @param faultKinds the failures to pick from
     * @return this plan
     */
    public synchronized FaultPlan bursts(int failing, int every, long seed, Fault... faultKinds) {
        this.burst = failing;
        this.period = every;
        this.random = new Random(seed);
        this.kinds = List.of(faultKinds);
        return this;
    }

    /**
     * @param pathFilter which requests may fail, by "METHOD path"
     * @return this plan
     */
    public synchronized FaultPlan scope(Predicate<String> pathFilter) {
        this.scope = pathFilter;
        return this;
    }

    /**
     * @param delay how long a {@link Fault#SLOW} answer takes
     * @return this plan
     */
    public synchronized FaultPlan slowDelay(Duration delay) {
        this.slowDelay = delay;
        return this;
    }

    /** @return how long a {@link Fault#SLOW} answer takes */
    public synchronized Duration slowDelay() {
        return slowDelay;
    }

    /** Stops all failures and forgets the counts. */
    public synchronized void off() {
        scripted.clear();
        rate = 0;
        burst = 0;
        period = 0;
        seen = 0;
        scope = p -> true;
        injected.values().forEach(c -> c.set(0));
    }

    synchronized Fault next(String request) {
        if (!scope.test(request)) {
            return null;
        }
        Fault f = scripted.poll();
        if (f == null && rate > 0 && random.nextDouble() < rate) {
            f = kinds.get(random.nextInt(kinds.size()));
        }
        if (f == null && period > 0 && (seen++ % period) < burst) {
            f = kinds.get(random.nextInt(kinds.size()));
        }
        if (f != null) {
            injected.get(f).incrementAndGet();
        }
        return f;
    }

    /** @return how many of each failure were injected */
    public synchronized Map<Fault, Integer> injected() {
        Map<Fault, Integer> out = new EnumMap<>(Fault.class);
        injected.forEach((k, v) -> out.put(k, v.get()));
        return out;
    }

    /** @return how many failures were injected */
    public synchronized int total() {
        return injected.values().stream().mapToInt(AtomicInteger::get).sum();
    }
}
