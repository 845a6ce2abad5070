package dev.modelbuilder.azure;

import dev.modelbuilder.core.support.Sleeper;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Function;

/**
 * The provider's behaviour settings, fixed at build time.
 *
 * @param pollInterval wait between polls of a long-running operation when the service names none
 * @param runPollInterval wait between status polls of a training run
 * @param clock the clock for deadlines
 * @param sleeper the waiting seam
 * @param uploadConcurrency parallel uploads
 * @param storageRetries tries of the storage client after the first
 * @param storageRetryDelay the storage client's first back-off
 * @param storageMaxRetryDelay the storage client's longest back-off
 * @param blobEndpoint maps a storage account name to its blob service URL, or {@code null} for the datastore's own
 *     endpoint ({@code https://<account>.blob.<endpoint suffix>})
 */
record ProviderParameters(Duration pollInterval, Duration runPollInterval, Clock clock, Sleeper sleeper,
        int uploadConcurrency, int storageRetries, Duration storageRetryDelay, Duration storageMaxRetryDelay,
        Function<String, String> blobEndpoint) {
}
