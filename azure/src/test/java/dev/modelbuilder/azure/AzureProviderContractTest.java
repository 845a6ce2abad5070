package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.azure.testing.AzuriteExtension;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.testing.ProviderContractTest;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/** The core's provider contract, run against the Azure provider on the ARM emulator with Azurite. */
@AzuriteTest
class AzureProviderContractTest extends ProviderContractTest {
    private static EmulatedAzure azure;

    @BeforeAll
    static void start() {
        azure = new EmulatedAzure(AzuriteExtension.azurite());
    }

    @AfterAll
    static void stop() {
        azure.close();
    }

    @AfterEach
    void noSpecViolations() {
        assertThat(azure.arm.violations()).as("spec violations").isEmpty();
    }

    @Override
    protected ModelBuilderProvider createProvider() {
        azure.arm.reset();
        return azure.builder().resourceGroup("contract-rg").build();
    }

    @Override
    protected ImageClassificationTraining quickTraining(Path dataFolder) {
        return ImageClassificationTraining.fromFolder(dataFolder).onCompute(computeName()).build();
    }

    @Override
    protected ImageClassificationTraining slowTraining(Path dataFolder) {
        azure.arm.setHoldJobsRunning(true);
        return quickTraining(dataFolder);
    }

    @Override
    protected String computeName() {
        return "gpu-cluster";
    }

    @Override
    protected Compute createCompute(WorkspaceScope workspace) {
        return workspace.computes().define(computeName()).withSize(ComputeSize.STANDARD_NC4AS_T4_V3).withMaxNodes(1)
                .create();
    }

    @Override
    protected Duration runTimeout() {
        return Duration.ofMinutes(1);
    }
}
