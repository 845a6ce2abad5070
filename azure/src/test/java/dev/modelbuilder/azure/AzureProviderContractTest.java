package dev.modelbuilder.azure;


import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.testing.ProviderContractTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.extension.ExtendWith;

/** The core's provider contract, run against the Azure provider on the ARM emulator with Azurite. */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class AzureProviderContractTest extends ProviderContractTest {
    private final EmulatedAzure azure;

    AzureProviderContractTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @Override
    protected ModelBuilderProvider createProvider() {
        return azure.builder().withResourceGroup("contract-rg").build();
    }

    @Override
    protected TrainingSpec quickTraining(Path dataFolder) {
        return TrainingSpec.fromData(dataFolder).withCompute(computeName()).build();
    }

    @Override
    protected TrainingSpec slowTraining(Path dataFolder) {
        azure.arm.setHoldJobsRunning(true);
        return quickTraining(dataFolder);
    }

    @Override
    protected String computeName() {
        return "gpu-cluster";
    }

    @Override
    protected Compute createCompute(WorkspaceScope workspace) {
        return workspace.computes().define(computeName()).withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1)
                .create();
    }

    @Override
    protected Duration runTimeout() {
        return Duration.ofMinutes(1);
    }
}
