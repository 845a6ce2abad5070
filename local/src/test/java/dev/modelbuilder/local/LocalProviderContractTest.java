package dev.modelbuilder.local;

import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ImageClassificationTraining;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.testing.ProviderContractTest;
import java.nio.file.Path;
import java.time.Duration;

/** The core's provider contract, run against the local backend with real (tiny) training. */
class LocalProviderContractTest extends ProviderContractTest {

    @Override
    protected ModelBuilderProvider createProvider() {
        return LocalProvider.builder().root(tempDir.resolve("root")).threads(2).build();
    }

    @Override
    protected ImageClassificationTraining quickTraining(Path dataFolder) {
        return ImageClassificationTraining.fromFolder(dataFolder).withImageSize(32).withMaxEpochs(1)
                .withArchitecture("resnet8").withOption("width", "4").withOption("batchSize", "4").build();
    }

    @Override
    protected ImageClassificationTraining slowTraining(Path dataFolder) {
        return ImageClassificationTraining.fromFolder(dataFolder).withImageSize(32).withMaxEpochs(100_000)
                .withTimeBudget(Duration.ofHours(1)).withOption("batchSize", "2").build();
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
