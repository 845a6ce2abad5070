package dev.modelbuilder.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.Azurite;
import java.time.Duration;

/**
 * For the tests of other modules (the command-line tool's): completes an {@link AzureMlProviderBuilder} so that the
 * provider talks to an {@link ArmEmulator} (its certificate trusted, its test credential, fast polling) and reaches
 * the datastores' blobs in Azurite. Shipped in this module's test-jar.
 */
public final class EmulatedProviders {
    private EmulatedProviders() {
    }

    /**
     * @param builder a builder with the subscription and resource group set (or to be set)
     * @param arm the emulator
     * @param azurite the blob storage behind its datastores, or {@code null}
     * @return the builder
     */
    public static AzureMlProviderBuilder configure(AzureMlProviderBuilder builder, ArmEmulator arm, Azurite azurite) {
        HttpClient client = new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder()
                .sslContext(arm.clientSslContext()).version(java.net.http.HttpClient.Version.HTTP_1_1))
                .connectionTimeout(Duration.ofSeconds(2)).responseTimeout(Duration.ofSeconds(30))
                .readTimeout(Duration.ofSeconds(30)).build();
        builder.withCredential(arm.credential()).withHttpClient(client)
                .withRetryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(8)
                        .setBaseDelay(Duration.ofMillis(2)).setMaxDelay(Duration.ofMillis(20))))
                .withSleeper(d -> { }).withPollInterval(Duration.ofMillis(1)).withRunPollInterval(Duration.ofMillis(1))
                .withTokenTimeout(Duration.ofSeconds(5));
        if (azurite != null) {
            builder.withBlobEndpoint(account -> azurite.blobEndpoint());
        }
        return builder;
    }
}
