package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.exception.ClientAuthenticationException;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.core.exception.AuthenticationException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.AuthorizationException;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Tokens: scope, caching and renewal, rejected tokens, credentials that hang or fail, the builder's checks. */
@ExtendWith(EmulatedAzureExtension.class)
class AuthenticationTest {
    private final EmulatedAzure azure;

    AuthenticationTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @BeforeEach
    void reset() {
        azure.arm.credential().setLifetime(Duration.ofHours(1));
        azure.arm.credential().setHang(Duration.ZERO);
        azure.arm.credential().setFailure(null);
    }

    @Test
    void theTokenScopeFollowsTheEndpointAndTokensAreCached() {
        int before = azure.arm.credential().requestedScopes().size();
        try (AzureMlProvider p = azure.builder().build()) {
            p.workspaces().list().toList(10);
            p.workspaces().list().toList(10);
            assertThat(p.stats().tokens.get()).isEqualTo(1);
        }
        assertThat(azure.arm.credential().requestedScopes().subList(before, before + 1))
                .containsExactly(azure.arm.endpoint() + "/.default");
    }

    @Test
    void anExpiringTokenIsRenewedBeforeItExpires() throws Exception {
        azure.arm.credential().setLifetime(Duration.ofMillis(1200));
        try (AzureMlProvider p = azure.builder().build()) {
            p.workspaces().list().toList(1);
            Thread.sleep(700);
            p.workspaces().list().toList(1);
            Thread.sleep(700);
            p.workspaces().list().toList(1);
            assertThat(p.stats().tokens.get()).isEqualTo(3);
        }
        assertThat(azure.arm.interactions()).noneMatch(i -> i.status() == 401);
    }

    @Test
    void aRejectedTokenIsReplacedOnce() {
        try (AzureMlProvider p = azure.builder().build()) {
            p.workspaces().list().toList(1);
            azure.arm.revokeTokens();
            assertThat(p.workspaces().list().toList(1)).isEmpty();
            assertThat(p.stats().tokens.get()).isEqualTo(2);
        }
        assertThat(azure.arm.interactions()).filteredOn(i -> i.status() == 401).hasSize(1);
    }

    @Test
    void aCredentialThatNeverAnswersFailsWithinTheBound() {
        azure.arm.credential().setHang(Duration.ofSeconds(20));
        try (AzureMlProvider p = azure.builder().withTokenTimeout(Duration.ofMillis(300)).build()) {
            long start = System.nanoTime();
            assertThatThrownBy(() -> p.workspaces().get("any-ws")).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("within 0 s").hasMessageContaining("az login");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
        }
    }

    @Test
    void aFailingCredentialIsAnAuthenticationError() {
        azure.arm.credential().setFailure(new ClientAuthenticationException("AADSTS7000215: Invalid client secret "
                + "provided.", null));
        try (AzureMlProvider p = azure.builder().build()) {
            assertThatThrownBy(() -> p.workspaces().get("any-ws")).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("AADSTS7000215").hasCauseInstanceOf(ClientAuthenticationException.class);
        }
    }

    @Test
    void refusedRequestsAreTyped() {
        azure.arm.failNext("GET", "/workspaces/any-ws$", 403, "AuthorizationFailed", "The client 'x' does not "
                + "have authorization to perform action 'Microsoft.MachineLearningServices/workspaces/read'", 1);
        azure.arm.failNext("GET", "/workspaces/other-ws$", 401, "InvalidAuthenticationTokenTenant", "wrong tenant",
                1);
        try (AzureMlProvider p = azure.builder().build()) {
            assertThatThrownBy(() -> p.workspaces().get("any-ws")).isInstanceOfSatisfying(AuthorizationException.class,
                    e -> {
                        assertThat(e.serviceCode()).contains("AuthorizationFailed");
                        assertThat(e.requestId()).isPresent();
                        assertThat(e.getMessage()).contains("Contributor");
                    });
            assertThatThrownBy(() -> p.workspaces().get("other-ws")).isInstanceOf(AuthenticationException.class)
                    .hasMessageContaining("InvalidAuthenticationTokenTenant");
        }
    }

    @Test
    void theBuilderNamesEverythingMissingAndRefusesPlainHttp() {
        Map<String, String> noEnvironment = Map.of();
        assertThatThrownBy(() -> AzureMlProvider.builder().withSettingSources(p -> null, noEnvironment).build())
                .isInstanceOfSatisfying(ValidationException.class, e -> assertThat(e.violations())
                        .extracting(ValidationException.Violation::field)
                        .containsExactly("credential", "subscription id", "resource group"))
                .hasMessageContaining("AZURE_SUBSCRIPTION_ID").hasMessageContaining("AZURE_RESOURCE_GROUP");
        assertThatThrownBy(() -> AzureMlProvider.builder().withCredential(azure.arm.credential())
                .withSubscriptionId(ArmEmulator.SUBSCRIPTION).withResourceGroup("rg")
                .withEndpoint("http://127.0.0.1:1").build())
                .isInstanceOf(ValidationException.class).hasMessageContaining("https");
        try (AzureMlProvider p = AzureMlProvider.builder().withCredential(azure.arm.credential())
                .withSubscriptionId("sub").withResourceGroup("rg").build()) {
            assertThat(p.endpoint()).isEqualTo("https://management.azure.com");
            assertThat(p.name()).isEqualTo("azure");
        }
        assertThatThrownBy(() -> AzureMlProvider.builder().withUploadConcurrency(0))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void subscriptionAndResourceGroupComeFromSettingsWhenNotGiven() {
        Map<String, String> environment = Map.of("AZURE_SUBSCRIPTION_ID", "sub-from-env",
                "AZURE_RESOURCE_GROUP", "rg-from-env");
        try (AzureMlProvider p = AzureMlProvider.builder().withCredential(azure.arm.credential())
                .withSettingSources(p2 -> null, environment).build()) {
            assertThat(p.subscriptionId()).isEqualTo("sub-from-env");
            assertThat(p.resourceGroup()).isEqualTo("rg-from-env");
        }
        Map<String, String> properties = Map.of("modelbuilder.azure.subscription-id", "sub-from-property");
        try (AzureMlProvider p = AzureMlProvider.builder().withCredential(azure.arm.credential())
                .withSettingSources(properties::get, environment).build()) {
            assertThat(p.subscriptionId()).as("the system property wins").isEqualTo("sub-from-property");
        }
        try (AzureMlProvider p = AzureMlProvider.builder().withCredential(azure.arm.credential())
                .withSubscriptionId("given").withResourceGroup("given-rg")
                .withSettingSources(properties::get, environment).build()) {
            assertThat(p.subscriptionId()).as("what the builder is told wins").isEqualTo("given");
            assertThat(p.resourceGroup()).isEqualTo("given-rg");
        }
    }
}
