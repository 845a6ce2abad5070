package dev.modelbuilder.azure.testing;

import dev.modelbuilder.core.support.Sleeper;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * A {@link Sleeper} that records the waits asked for and does not wait (the emulator advances per request, not per
 * second), so polling and retry tests run at full speed while still proving that {@code Retry-After} was honoured.
 */
public final class RecordingSleeper implements Sleeper {
    private final List<Duration> waits = new CopyOnWriteArrayList<>();

    @Override
    public void sleep(Duration duration) throws InterruptedException {
        if (Thread.interrupted()) {
            throw new InterruptedException();
        }
        waits.add(duration);
    }

    /** @return every wait asked for */
    public List<Duration> waits() {
        return List.copyOf(waits);
    }

    /** Forgets the waits. */
    public void clear() {
        waits.clear();
    }
}
