package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.model.EndpointSpec;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;

/**
 * Endpoint operations of a provider: an endpoint serves one model over HTTP(S) with the SDK's own server (the
 * {@code serve} server), so that it scores exactly as {@code predict} does. Every call names the workspace.
 */
public interface EndpointOperations {

    /**
     * Checks an endpoint name against the provider's own rule, before any remote call ({@code Endpoints.define} calls
     * it first). The default accepts every name core accepts.
     *
     * @param name a name that passed core's check
     * @throws dev.modelbuilder.core.exception.ValidationException naming the rule
     */
    default void validateName(String name) {
        // core's rule only
    }

    /**
     * Checks a spec against the provider's offline rules (e.g. an instance type from its catalog, its own options),
     * before any remote call. {@code EndpointDefinition.toSpec()} calls it; providers call it again first thing in
     * {@link #beginCreateOrUpdate}. The default checks nothing.
     *
     * @param spec a spec that passed core's validation
     * @throws dev.modelbuilder.core.exception.ValidationException naming what the provider cannot use
     */
    default void validate(EndpointSpec spec) {
        // nothing beyond core's own rules
    }

    /**
     * Creates the endpoint, or updates the existing one of that name so that it serves the spec's model, and
     * reports its steps ({@code WorkStep.UPLOAD_MODEL}, {@code DEPLOY_MODEL}, {@code TEST_ENDPOINT}) to the listener.
     *
     * @param workspace the workspace
     * @param spec the validated spec
     * @param listener progress
     * @return the operation; its result is the endpoint, ready to answer
     * @throws dev.modelbuilder.core.exception.QuotaExceededException when the quota does not cover the instances
     * @throws dev.modelbuilder.core.exception.DeploymentFailedException when the model could not be deployed
     */
    LongRunningOperation<Endpoint> beginCreateOrUpdate(String workspace, EndpointSpec spec,
            ProgressListener listener);

    /**
     * @param resumeToken a token from {@link LongRunningOperation#resumeToken()} of a create operation
     * @return the operation again
     */
    LongRunningOperation<Endpoint> resumeCreateOrUpdate(String resumeToken);

    /**
     * @param workspace the workspace
     * @param name the endpoint
     * @return the endpoint
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    Endpoint get(String workspace, String name);

    /**
     * @param workspace the workspace
     * @return its endpoints, lazily
     */
    PagedIterable<Endpoint> list(String workspace);

    /**
     * Deletes the endpoint and what bills for it (its deployments); succeeds when it does not exist.
     *
     * @param workspace the workspace
     * @param name the endpoint
     * @return the operation
     */
    LongRunningOperation<Deletion> beginDelete(String workspace, String name);

    /**
     * Sends one image to the endpoint and reads its answer.
     *
     * @param workspace the workspace
     * @param name the endpoint
     * @param image the image file's bytes (any format the server reads)
     * @return what the endpoint answered
     * @throws dev.modelbuilder.core.exception.ScoringException when the endpoint refuses the image
     * @throws dev.modelbuilder.core.exception.InvalidStateException when the endpoint is not ready
     */
    EndpointPrediction invoke(String workspace, String name, byte[] image);

    /**
     * @param workspace the workspace
     * @param name the endpoint
     * @param source which output
     * @param tailLines how many of the last lines, 1 or more
     * @return the log's last lines (empty when the provider keeps none for that source)
     */
    String logs(String workspace, String name, EndpointLogSource source, int tailLines);
}
