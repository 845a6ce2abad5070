package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.model.Rules;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.util.Objects;

/**
 * The entry point: a fluent API over a training backend (Azure Machine Learning, or this machine). Every builder
 * validates its input before any remote call.
 *
 * <pre>{@code
 * try (ModelBuilder mb = ModelBuilder.using(provider)) {
 *     mb.workspaces().define("vision-ws").withRegion("eastus").withResourceGroup("ml-rg").create();
 *     WorkspaceScope ws = mb.workspace("vision-ws");
 *     ws.computes().define("gpu").withSize("Standard_NC4as_T4_v3").withMaxNodes(1).create(); // a size of the provider
 *     TrainingRun run = ws.runs().define(TrainingSpec.fromData(Path.of("flowers")).withCompute("gpu").build())
 *             .inExperiment("flowers").beginCreate();
 *     TrainedModel model = run.waitForModel(Duration.ofHours(1), Path.of("model"));
 * }
 * }</pre>
 *
 * <p>Every resource is managed with the same verbs: {@code define(name)...create()} (or {@code beginCreate()} for the
 * operation), {@code get}, {@code list}, {@code delete}/{@code beginDelete}, and {@code resume(token)} to pick an
 * operation up again after a restart. Thread-safe. Closing it closes the provider.
 */
public final class ModelBuilder implements AutoCloseable {
    private final ModelBuilderProvider provider;
    private final ProgressListener listener;

    private ModelBuilder(ModelBuilderProvider provider, ProgressListener listener) {
        this.provider = Objects.requireNonNull(provider, "provider");
        this.listener = Objects.requireNonNull(listener, "listener");
    }

    /**
     * @param provider the backend, e.g. from the {@code azure} or {@code local} module
     * @return the entry point
     */
    public static ModelBuilder using(ModelBuilderProvider provider) {
        return new ModelBuilder(provider, ProgressListener.none());
    }

    /**
     * @param progressListener told about every long operation started from the returned entry point
     * @return an entry point on the same provider with that default listener
     */
    public ModelBuilder withListener(ProgressListener progressListener) {
        return new ModelBuilder(provider, progressListener);
    }

    /** @return the backend's name, e.g. {@code azure} */
    public String providerName() {
        return provider.name();
    }

    /** @return workspace management */
    public Workspaces workspaces() {
        return new Workspaces(provider, listener);
    }

    /**
     * @param name an existing workspace's name (not looked up until an operation needs it)
     * @return the computes, experiments and runs of that workspace
     * @throws dev.modelbuilder.core.exception.ValidationException for an invalid name
     */
    public WorkspaceScope workspace(String name) {
        return new WorkspaceScope(provider, Rules.requireWorkspaceName(name), listener);
    }

    /** @return the provider, for provider-specific calls */
    public ModelBuilderProvider provider() {
        return provider;
    }

    @Override
    public void close() {
        provider.close();
    }
}
