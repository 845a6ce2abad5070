package dev.modelbuilder.azure;

import com.azure.core.http.HttpClient;
import com.azure.core.http.jdk.httpclient.JdkHttpClientBuilder;
import com.azure.core.http.policy.ExponentialBackoffOptions;
import com.azure.core.http.policy.RetryOptions;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.azure.testing.Azurite;
import dev.modelbuilder.azure.testing.RecordingSleeper;
import java.time.Duration;

/**
 * The test fixture: the ARM emulator (with Azurite behind its datastores when given) and builders of providers
 * pointed at it, with fast polling, a recording sleeper and a short response timeout.
 */
final class EmulatedAzure implements AutoCloseable {
    static final String RESOURCE_GROUP = "rg";

    final ArmEmulator arm;
    final Azurite azurite;
    final RecordingSleeper sleeper = new RecordingSleeper();
    final HttpClient httpClient;

    EmulatedAzure(Azurite azurite) {
        this(azurite, dev.modelbuilder.azure.testing.TestCertificates.create());
    }

    /** With the certificate an HTTPS Azurite serves, so that the providers' one HTTP client trusts both. */
    EmulatedAzure(Azurite azurite, dev.modelbuilder.azure.testing.TestCertificates certificates) {
        this.azurite = azurite;
        this.arm = new ArmEmulator(azurite, certificates);
        this.httpClient = httpClient(arm, Duration.ofSeconds(2));
    }

    static HttpClient httpClient(ArmEmulator arm, Duration responseTimeout) {
        return new JdkHttpClientBuilder(java.net.http.HttpClient.newBuilder().sslContext(arm.clientSslContext())
                .version(java.net.http.HttpClient.Version.HTTP_1_1))
                .connectionTimeout(Duration.ofSeconds(2)).responseTimeout(responseTimeout).readTimeout(responseTimeout)
                .build();
    }

    /** @return a builder for a provider in resource group {@code rg} of the emulator */
    AzureMlProviderBuilder builder() {
        AzureMlProviderBuilder b = AzureMlProvider.builder()
                .withEndpoint(arm.endpoint())
                .withCredential(arm.credential())
                .withSubscriptionId(ArmEmulator.SUBSCRIPTION)
                .withResourceGroup(RESOURCE_GROUP)
                .withRegion("eastus")
                .withHttpClient(httpClient)
                .withRetryOptions(new RetryOptions(new ExponentialBackoffOptions().setMaxRetries(8)
                        .setBaseDelay(Duration.ofMillis(2)).setMaxDelay(Duration.ofMillis(20))))
                .withSleeper(sleeper)
                .withPollInterval(Duration.ofMillis(1))
                .withRunPollInterval(Duration.ofMillis(1))
                .withTokenTimeout(Duration.ofSeconds(5));
        if (azurite != null) {
            b.withBlobEndpoint(account -> azurite.blobEndpoint());
        }
        return b;
    }

    @Override
    public void close() {
        arm.close();
    }
}
