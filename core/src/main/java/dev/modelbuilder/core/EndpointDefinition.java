package dev.modelbuilder.core;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointOptions;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.nio.file.Path;
import java.util.Objects;

/**
 * An endpoint being defined: the model it serves, what its instances run on and how many, and the provider's own
 * options. {@link #create()} validates everything (offline first: the name when it was defined, then the model
 * folder, then the provider's offline rules such as its instance types), then creates the endpoint or updates the
 * existing one of that name to serve this model.
 *
 * <pre>{@code
 * Endpoint e = ws.endpoints().define("flowers")
 *         .withModel(Path.of("model"))                       // the folder training wrote, or its MLModel.zip
 *         .withInstanceType("Standard_DS3_v2").withInstanceCount(1)
 *         .withListener(progress)
 *         .create();
 * }</pre>
 */
public final class EndpointDefinition {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final String name;
    private ProgressListener listener;
    private Path model;
    private String instanceType;
    private int instanceCount = 1;
    private EndpointOptions options;

    EndpointDefinition(ModelBuilderProvider provider, String workspace, String name, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.name = name;
        this.listener = listener;
    }

    /**
     * @param folderOrZip the folder a training run wrote (holding MLModel.zip), or the MLModel.zip itself
     * @return this definition
     */
    public EndpointDefinition withModel(Path folderOrZip) {
        this.model = Objects.requireNonNull(folderOrZip, "folderOrZip");
        return this;
    }

    /**
     * @param type what each instance runs on: on Azure a VM size of the managed online endpoints' list, e.g.
     *     {@code Standard_DS3_v2} (the default there); ignored locally
     * @return this definition
     */
    public EndpointDefinition withInstanceType(String type) {
        this.instanceType = type;
        return this;
    }

    /**
     * @param count how many instances serve the endpoint (1 by default); each bills for as long as it exists on Azure
     * @return this definition
     */
    public EndpointDefinition withInstanceCount(int count) {
        this.instanceCount = count;
        return this;
    }

    /**
     * @param providerOptions the provider's own settings, e.g. {@code AzureEndpointOptions} (deployment name, image);
     *     refused by any other provider
     * @return this definition
     */
    public EndpointDefinition withOptions(EndpointOptions providerOptions) {
        this.options = providerOptions;
        return this;
    }

    /**
     * @param progressListener told about the steps (upload model, deploy model, test endpoint) and their progress
     * @return this definition
     */
    public EndpointDefinition withListener(ProgressListener progressListener) {
        this.listener = Objects.requireNonNull(progressListener, "progressListener");
        return this;
    }

    /**
     * Checks the model folder, then the provider's offline rules ({@code EndpointOperations.validate}); makes no
     * remote call.
     *
     * @return the validated spec
     * @throws ValidationException for invalid input
     */
    public EndpointSpec toSpec() {
        Path zip = EndpointSpec.findPackage(model);
        if (instanceType != null && instanceType.isBlank()) {
            throw new ValidationException("instance type", instanceType, "name an instance type, or leave it out for "
                    + "the provider's default");
        }
        EndpointSpec spec = new EndpointSpec(name, zip, instanceType == null ? null : instanceType.strip(),
                instanceCount, options);
        provider.endpoints().validate(spec);
        return spec;
    }

    /**
     * Starts creating (or updating) the endpoint without waiting.
     *
     * @return the operation; its result is the endpoint, ready to answer
     * @throws ValidationException before any remote call, for invalid input
     */
    public LongRunningOperation<Endpoint> beginCreate() {
        return provider.endpoints().beginCreateOrUpdate(workspace, toSpec(), listener);
    }

    /**
     * Creates (or updates) the endpoint and waits up to 90 minutes (on Azure a first deployment builds an image and
     * starts instances: 15 to 20 minutes is common).
     *
     * @return the endpoint, ready to answer
     * @throws ValidationException before any remote call, for invalid input
     */
    public Endpoint create() {
        return beginCreate().waitForCompletion(Waits.ENDPOINT);
    }
}
