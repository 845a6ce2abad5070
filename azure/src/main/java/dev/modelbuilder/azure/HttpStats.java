package dev.modelbuilder.azure;

import java.util.concurrent.atomic.AtomicLong;

/** Counts what the provider sent: HTTP attempts, retries and token acquisitions. Thread-safe. */
final class HttpStats {
    final AtomicLong attempts = new AtomicLong();
    final AtomicLong retries = new AtomicLong();
    final AtomicLong tokens = new AtomicLong();

    @Override
    public String toString() {
        return attempts.get() + " HTTP attempts, " + retries.get() + " retries, " + tokens.get() + " tokens acquired";
    }
}
