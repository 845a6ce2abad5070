package dev.modelbuilder.cli;

import com.azure.identity.DefaultAzureCredentialBuilder;
import dev.modelbuilder.azure.AzureMlProvider;
import dev.modelbuilder.azure.AzureMlProviderBuilder;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.LocalProviderBuilder;
import java.nio.file.Path;
import java.util.function.UnaryOperator;
import picocli.CommandLine.Option;

/** The options that choose and configure the training backend, shared by every command that needs one. */
final class BackendArguments {
    /** The backends. */
    enum Backend {
        /** This machine. */
        local,
        /** Azure Machine Learning. */
        azure
    }

    @Option(names = "--backend", defaultValue = "local", paramLabel = "local|azure",
            description = "Where to train: local (this machine, default) or azure.")
    Backend backend;

    @Option(names = "--local-root", paramLabel = "DIR",
            description = "Folder of the local backend's workspaces (default ~/.modelbuilder/local).")
    Path localRoot;

    @Option(names = "--subscription", paramLabel = "ID", defaultValue = "${env:AZURE_SUBSCRIPTION_ID}",
            description = "Azure subscription id (default: $AZURE_SUBSCRIPTION_ID).")
    String subscription;

    @Option(names = "--resource-group", paramLabel = "NAME", defaultValue = "${env:AZURE_RESOURCE_GROUP}",
            description = "Azure resource group (default: $AZURE_RESOURCE_GROUP).")
    String resourceGroup;

    @Option(names = "--region", paramLabel = "REGION", description = "Azure region of new workspaces, e.g. eastus.")
    String region;

    @Option(names = "--endpoint", paramLabel = "URL",
            description = "Azure Resource Manager endpoint (default: the public cloud, https://management.azure.com).")
    String endpoint;

    /**
     * Test seam: completes the Azure provider's builder (a test credential, an HTTP client that trusts an emulator)
     * instead of azure-identity's {@code DefaultAzureCredential}; {@code null} in the tool.
     */
    static volatile UnaryOperator<AzureMlProviderBuilder> azureSetup;

    boolean isAzure() {
        return backend == Backend.azure;
    }

    /**
     * @return the provider these options describe
     * @throws ValidationException naming the missing option
     */
    ModelBuilderProvider open() {
        if (backend == Backend.local) {
            LocalProviderBuilder b = LocalProvider.builder();
            if (localRoot != null) {
                b.withRoot(localRoot);
            }
            return b.build();
        }
        if (subscription == null || subscription.isBlank()) {
            throw new ValidationException("--subscription", null,
                    "give the Azure subscription id, or set AZURE_SUBSCRIPTION_ID");
        }
        if (resourceGroup == null || resourceGroup.isBlank()) {
            throw new ValidationException("--resource-group", null,
                    "give the Azure resource group, or set AZURE_RESOURCE_GROUP");
        }
        AzureMlProviderBuilder b = AzureMlProvider.builder()
                .withSubscriptionId(subscription).withResourceGroup(resourceGroup);
        UnaryOperator<AzureMlProviderBuilder> setup = azureSetup;
        if (setup != null) {
            b = setup.apply(b);
        } else {
            b.withCredential(new DefaultAzureCredentialBuilder().build());
        }
        if (region != null) {
            b.withRegion(region);
        }
        if (endpoint != null) {
            b.withEndpoint(endpoint);
        }
        return b.build();
    }

    /** @return the Azure provider (the backend must be azure) */
    AzureMlProvider openAzure() {
        return (AzureMlProvider) open();
    }
}
