package dev.modelbuilder.core;

import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * A workspace's endpoints: a model served over HTTP(S) by the SDK's own server, so that it scores exactly as
 * {@code predict} does. {@code define(name)...create()} (create, or update the existing endpoint to serve the
 * model), {@code get}, {@code list}, {@code delete}/{@code beginDelete}, {@code resume}, and {@code invoke} and
 * {@code logs} on a running one. On Azure an endpoint is a managed online endpoint, billed per instance and hour for
 * as long as it exists; locally it is the {@code serve} server in this process.
 */
public final class Endpoints {
    /** Core's own name rule; providers add theirs ({@code EndpointOperations.validateName}). */
    private static final Pattern NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._-]{0,254}");
    /** The largest image {@link #invoke(String, Path)} reads into memory. */
    static final long MAX_IMAGE_BYTES = 64L * 1024 * 1024;

    private final ModelBuilderProvider provider;
    private final String workspace;
    private final ProgressListener listener;

    Endpoints(ModelBuilderProvider provider, String workspace, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.listener = listener;
    }

    private String requireName(String name) {
        if (name == null || !NAME.matcher(name).matches()) {
            throw new ValidationException("endpoint name", name, "use 1-255 letters, digits, '.', '_' or '-', "
                    + "starting with a letter or digit");
        }
        provider.endpoints().validateName(name);
        return name;
    }

    /**
     * @param name the endpoint's name (on Azure 3-32 letters, digits or hyphens, starting with a letter, unique in
     *     the region)
     * @return a definition to complete with a model
     * @throws ValidationException for a name that core or the provider refuses (before any remote call)
     */
    public EndpointDefinition define(String name) {
        return new EndpointDefinition(provider, workspace, requireName(name), listener);
    }

    /**
     * @param name the endpoint
     * @return the endpoint
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is none of that name
     */
    public Endpoint get(String name) {
        return provider.endpoints().get(workspace, requireName(name));
    }

    /** @return the endpoints, lazily */
    public PagedIterable<Endpoint> list() {
        return provider.endpoints().list(workspace);
    }

    /**
     * Deletes an endpoint (what bills for it stops) and waits up to 30 minutes; succeeds when it does not exist.
     *
     * @param name the endpoint
     * @return whether there was one to delete
     */
    public Deletion delete(String name) {
        return beginDelete(name).waitForCompletion(Waits.RESOURCE);
    }

    /**
     * @param name the endpoint
     * @return the delete operation
     */
    public LongRunningOperation<Deletion> beginDelete(String name) {
        return provider.endpoints().beginDelete(workspace, requireName(name));
    }

    /**
     * @param resumeToken the token of an earlier create operation
     * @return the operation again
     */
    public LongRunningOperation<Endpoint> resume(String resumeToken) {
        return provider.endpoints().resumeCreateOrUpdate(resumeToken);
    }

    /**
     * Scores one image with the endpoint.
     *
     * @param name the endpoint
     * @param image an image file (JPEG, PNG, GIF, BMP, TIFF, WebP)
     * @return what the endpoint answered
     * @throws ValidationException when the file is missing or larger than 64 MiB
     * @throws FileAccessException when it cannot be read
     */
    public EndpointPrediction invoke(String name, Path image) {
        Objects.requireNonNull(image, "image");
        if (!Files.isRegularFile(image)) {
            throw new ValidationException("image", image, "give an existing image file");
        }
        byte[] bytes;
        try {
            if (Files.size(image) > MAX_IMAGE_BYTES) {
                throw new ValidationException("image", image, "is larger than 64 MiB: send a smaller image");
            }
            bytes = Files.readAllBytes(image);
        } catch (IOException e) {
            throw new FileAccessException(image, "cannot read " + image + ": " + e.getMessage(), e);
        }
        return invoke(name, bytes);
    }

    /**
     * @param name the endpoint
     * @param image an image file's bytes
     * @return what the endpoint answered
     */
    public EndpointPrediction invoke(String name, byte[] image) {
        Objects.requireNonNull(image, "image");
        return provider.endpoints().invoke(workspace, requireName(name), image);
    }

    /**
     * @param name the endpoint
     * @return the last 100 lines of its server's log
     */
    public String logs(String name) {
        return logs(name, EndpointLogSource.SERVER, 100);
    }

    /**
     * @param name the endpoint
     * @param source which output
     * @param tailLines how many of the last lines, 1 to 10000
     * @return the log's last lines (empty when the provider keeps none for that source)
     * @throws IllegalArgumentException for a line count outside 1-10000
     */
    public String logs(String name, EndpointLogSource source, int tailLines) {
        Objects.requireNonNull(source, "source");
        if (tailLines < 1 || tailLines > 10_000) {
            throw new IllegalArgumentException("tail lines must be 1 to 10000, got " + tailLines);
        }
        return provider.endpoints().logs(workspace, requireName(name), source, tailLines);
    }
}
