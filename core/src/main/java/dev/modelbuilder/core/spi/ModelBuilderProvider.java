package dev.modelbuilder.core.spi;

/**
 * A training backend: Azure Machine Learning, this machine, or a test fake. The fluent entry point
 * {@link dev.modelbuilder.core.ModelBuilder} validates input and then calls these operations; providers implement
 * them and may rely on arguments having passed the core's validation.
 *
 * <p>Providers are thread-safe and hold their resources (HTTP clients, thread pools) until closed.
 */
public interface ModelBuilderProvider extends AutoCloseable {

    /** @return a short name, e.g. {@code azure} or {@code local} */
    String name();

    /** @return workspace operations */
    WorkspaceOperations workspaces();

    /** @return compute operations */
    ComputeOperations computes();

    /** @return experiment operations */
    ExperimentOperations experiments();

    /** @return run operations */
    RunOperations runs();

    /**
     * @return endpoint operations
     * @throws dev.modelbuilder.core.exception.OperationNotSupportedException when the provider has no endpoints (the
     *     default)
     */
    default EndpointOperations endpoints() {
        throw new dev.modelbuilder.core.exception.OperationNotSupportedException("provider '" + name()
                + "' cannot serve models over HTTP: deploy with the local or the azure provider");
    }

    /** Releases the provider's resources. Running remote work goes on; local runs are stopped. */
    @Override
    void close();
}
