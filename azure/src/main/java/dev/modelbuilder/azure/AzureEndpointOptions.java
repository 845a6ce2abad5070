package dev.modelbuilder.azure;

import dev.modelbuilder.core.model.EndpointOptions;
import java.nio.file.Path;
import java.util.List;
import java.util.Objects;

/**
 * What only Azure understands about an endpoint: the deployment's name, the container image, where the server's jars
 * come from, and the smoke test. Immutable; build it with {@link #builder()} (every rule checked at once by
 * {@link AzureEndpointOptionsBuilder#build()}) and give it to the endpoint with
 * {@code ws.endpoints().define(name).withOptions(options)}. An endpoint defined without options uses
 * {@link #defaults()}. The instance type and count are not options: every provider has them
 * ({@code EndpointDefinition.withInstanceType/withInstanceCount}).
 *
 * <pre>{@code
 * AzureEndpointOptions options = AzureEndpointOptions.builder()
 *         .withDeploymentName("green")
 *         .withServerJars(Path.of("modelbuilder/lib"))      // default: the starter's jars on this class path
 *         .build();
 * }</pre>
 *
 * @param deploymentName the deployment that serves the endpoint (3-32 letters, digits or hyphens; {@code blue} by
 *     default)
 * @param image a container image of one's own that runs the SDK's server (e.g. one built from the Dockerfile this
 *     provider writes), or {@code null} to let Azure Machine Learning build the image from the server's jars
 * @param serverJars jar files, or folders of them, that make up the server (the Spring Boot starter and its
 *     dependencies); empty to take them from this JVM's class path, where the starter must then be; unused with an
 *     image
 * @param sampleImage the image the smoke test scores, or {@code null} for one found in the model folder (else a
 *     generated one)
 * @param smokeTest whether to score the sample image through the new endpoint before the create operation ends
 */
public record AzureEndpointOptions(String deploymentName, String image, List<Path> serverJars, Path sampleImage,
        boolean smokeTest) implements EndpointOptions {

    /** The deployment's name when none is given. */
    public static final String DEFAULT_DEPLOYMENT = "blue";

    /**
     * Copies the jar list.
     *
     * @throws NullPointerException if the deployment name or the jar list is missing
     */
    public AzureEndpointOptions {
        Objects.requireNonNull(deploymentName, "deploymentName");
        serverJars = List.copyOf(Objects.requireNonNull(serverJars, "serverJars"));
    }

    /** @return a builder with the defaults */
    public static AzureEndpointOptionsBuilder builder() {
        return new AzureEndpointOptionsBuilder();
    }

    /** @return the options of an endpoint defined without any: deployment {@code blue}, image built, smoke test on */
    public static AzureEndpointOptions defaults() {
        return builder().build();
    }

    /** @return {@code azure} */
    @Override
    public String provider() {
        return AzureMlProvider.NAME;
    }
}
