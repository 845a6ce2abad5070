package dev.modelbuilder.core;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.core.testing.InMemoryProvider;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Size names resolve through the provider (offline catalog first, then its live list); the provider's own check. */
class ComputeDefinitionTest {
    private final InMemoryProvider provider = new InMemoryProvider();
    private final ModelBuilder mb = ModelBuilder.using(provider);

    @BeforeEach
    void workspace() {
        mb.workspaces().define("ws1").withRegion("eastus").create();
    }

    @Test
    void aNameInTheProvidersCatalogResolvesWithoutAskingForTheLiveList() {
        ComputeSpec spec = mb.workspace("ws1").computes().define("gpu").withSize("Mem-Gpu-4").toSpec();
        assertThat(spec.size()).isSameAs(InMemoryProvider.GPU);
        assertThat(provider.calls()).doesNotContain("computes.availableSizes");
    }

    @Test
    void aNameOnlyInTheLiveListResolvesThroughIt() {
        ComputeSpec spec = mb.workspace("ws1").computes().define("cpu").withSize("MEM-CPU-2").toSpec();
        assertThat(spec.size()).isSameAs(InMemoryProvider.LIVE_CPU);
        assertThat(provider.calls()).contains("computes.availableSizes");
    }

    @Test
    void aRetiredSizeIsTheProvidersBusinessNotCores() {
        Compute old = mb.workspace("ws1").computes().define("old").withSize("mem-gpu-old").create();
        assertThat(old.size()).isSameAs(InMemoryProvider.RETIRED_GPU);
        assertThat(old.size().isRetired()).isTrue();
        assertThat(new ComputeSpec("old", InMemoryProvider.RETIRED_GPU, 0, 1, null, null).size().replacements())
                .containsExactly("mem-gpu-4");
    }

    @Test
    void aSizeGivenAsARecordNeedsNoLookup() {
        ComputeSize custom = new ComputeSize("custom-8", null, 8, 32, 0, 0, 0, 0, 0, null, null, null);
        assertThat(mb.workspace("ws1").computes().define("custom").withSize("mem-gpu-4").withSize(custom).toSpec()
                .size()).isSameAs(custom);
        assertThat(provider.calls()).doesNotContain("computes.availableSizes");
    }

    @Test
    void theProvidersOfflineCheckRunsInToSpecBeforeAnyCreation() {
        try (ModelBuilder refusing = ModelBuilder.using(new RefusingProvider(provider, "mem-gpu-old"))) {
            ComputeDefinition definition = refusing.workspace("ws1").computes().define("old")
                    .withSize("mem-gpu-old");
            assertThatThrownBy(definition::toSpec).isInstanceOf(ValidationException.class)
                    .hasMessage("compute size 'mem-gpu-old' is invalid: this provider refuses it; use mem-gpu-4");
            assertThatThrownBy(definition::create).isInstanceOf(ValidationException.class);
            assertThat(provider.calls()).noneMatch(c -> c.startsWith("computes.createOrGet"));
            assertThat(refusing.workspace("ws1").computes().define("gpu").withSize("mem-gpu-4").create().size())
                    .isSameAs(InMemoryProvider.GPU);
        }
    }

    /** The in-memory provider with an offline rule of its own: one size name is refused. */
    private record RefusingProvider(InMemoryProvider delegate, String refused) implements ModelBuilderProvider {
        @Override
        public String name() {
            return "refusing";
        }

        @Override
        public WorkspaceOperations workspaces() {
            return delegate.workspaces();
        }

        @Override
        public ComputeOperations computes() {
            ComputeOperations inner = delegate.computes();
            return new ComputeOperations() {
                @Override
                public void validate(ComputeSpec spec) {
                    if (spec.size().isNamed(refused)) {
                        throw new ValidationException("compute size", spec.size().name(),
                                "this provider refuses it; use mem-gpu-4");
                    }
                }

                @Override
                public List<ComputeSize> sizeCatalog() {
                    return inner.sizeCatalog();
                }

                @Override
                public LongRunningOperation<Compute> beginCreateOrGet(String workspace, ComputeSpec spec,
                        ProgressListener listener) {
                    return inner.beginCreateOrGet(workspace, spec, listener);
                }

                @Override
                public LongRunningOperation<Compute> resumeCreateOrGet(String resumeToken) {
                    return inner.resumeCreateOrGet(resumeToken);
                }

                @Override
                public Compute get(String workspace, String name) {
                    return inner.get(workspace, name);
                }

                @Override
                public PagedIterable<Compute> list(String workspace) {
                    return inner.list(workspace);
                }

                @Override
                public LongRunningOperation<Compute> beginResize(String workspace, String name, int minNodes,
                        int maxNodes) {
                    return inner.beginResize(workspace, name, minNodes, maxNodes);
                }

                @Override
                public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
                    return inner.beginDelete(workspace, name);
                }

                @Override
                public List<ComputeSize> availableSizes(String workspace) {
                    return inner.availableSizes(workspace);
                }
            };
        }

        @Override
        public ExperimentOperations experiments() {
            return delegate.experiments();
        }

        @Override
        public RunOperations runs() {
            return delegate.runs();
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
