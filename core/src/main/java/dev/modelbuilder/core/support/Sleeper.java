package dev.modelbuilder.core.support;

import java.time.Duration;

/** Waits. A seam so that tests of polling and retries run instantly. */
@FunctionalInterface
public interface Sleeper {

    /**
     * @param duration how long to wait
     * @throws InterruptedException when the thread is interrupted
     */
    void sleep(Duration duration) throws InterruptedException;

    /** @return a sleeper that really waits */
    static Sleeper system() {
        return d -> {
            if (!d.isNegative() && !d.isZero()) {
                Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000);
            }
        };
    }
}
