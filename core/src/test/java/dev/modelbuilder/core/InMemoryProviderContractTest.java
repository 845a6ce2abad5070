package dev.modelbuilder.core;

import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.testing.InMemoryProvider;
import dev.modelbuilder.core.testing.ProviderContractTest;
import java.nio.file.Path;

/** Runs the contract-test kit against the in-memory fake, which proves the kit itself. */
class InMemoryProviderContractTest extends ProviderContractTest {

    @Override
    protected ModelBuilderProvider createProvider() {
        return new InMemoryProvider();
    }

    @Override
    protected TrainingSpec quickTraining(Path dataFolder) {
        return TrainingSpec.fromData(dataFolder).build();
    }

    @Override
    protected TrainingSpec slowTraining(Path dataFolder) {
        return quickTraining(dataFolder);
    }

    @Override
    protected String computeName() {
        return "gpu";
    }

    @Override
    protected Compute createCompute(WorkspaceScope workspace) {
        return workspace.computes().define("gpu").withSize(InMemoryProvider.GPU).withMaxNodes(1).create();
    }
}
