package dev.modelbuilder.local;

import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.testing.ProviderContractTest;
import java.nio.file.Path;
import java.time.Duration;

/** The core's provider contract, run against the local backend with real (tiny) training. */
class LocalProviderContractTest extends ProviderContractTest {

    @Override
    protected ModelBuilderProvider createProvider() {
        return LocalProvider.builder().withRoot(tempDir.resolve("root")).withThreads(2).build();
    }

    @Override
    protected TrainingSpec quickTraining(Path dataFolder) {
        return TestData.quick(dataFolder);
    }

    @Override
    protected TrainingSpec slowTraining(Path dataFolder) {
        return TrainingSpec.fromData(dataFolder).withTimeBudget(Duration.ofHours(1))
                .withOptions(LocalTrainingOptions.builder().withImageSize(32).withMaxEpochs(100_000)
                        .withBatchSize(2).build())
                .build();
    }

    @Override
    protected String computeName() {
        return LocalProvider.CPU_COMPUTE;
    }

    @Override
    protected Compute createCompute(WorkspaceScope workspace) {
        return workspace.computes().define(LocalProvider.CPU_COMPUTE).withSize(LocalProvider.CPU_COMPUTE).create();
    }

    @Override
    protected Duration runTimeout() {
        return Duration.ofMinutes(2);
    }
}
