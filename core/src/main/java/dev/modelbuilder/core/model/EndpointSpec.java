package dev.modelbuilder.core.model;

import dev.modelbuilder.core.exception.ValidationException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What an endpoint should serve and on what, validated: made by {@code EndpointDefinition.toSpec()}.
 *
 * @param name the endpoint's name (the provider's own rule already checked)
 * @param modelPackage the MLModel.zip to serve: a readable zip archive
 * @param instanceType what each instance runs on (Azure: a VM size), or {@code null} for the provider's default
 * @param instanceCount how many instances serve it, 1 or more
 * @param options the provider's own settings, or {@code null} for its defaults
 */
public record EndpointSpec(String name, Path modelPackage, String instanceType, int instanceCount,
        EndpointOptions options) {
    /** The file name of the package in a model folder. */
    public static final String PACKAGE_FILE = "MLModel.zip";
    private static final byte[] ZIP_SIGNATURE = {'P', 'K', 3, 4};

    /**
     * Checks the fields.
     *
     * @throws NullPointerException if the name or the package is missing
     * @throws ValidationException if the instance count is below 1
     */
    public EndpointSpec {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(modelPackage, "modelPackage");
        if (instanceCount < 1) {
            throw new ValidationException("instance count", instanceCount, "use 1 or more instances");
        }
    }

    /**
     * Finds the package to serve and checks that it can be read, without opening the model.
     *
     * @param folderOrZip a model folder (a training run's output, holding {@value #PACKAGE_FILE}) or the package
     * @return the package
     * @throws ValidationException if nothing is there, the folder holds no package, or the package is not a readable
     *     zip archive
     */
    public static Path findPackage(Path folderOrZip) {
        if (folderOrZip == null) {
            throw new ValidationException("model", null, "give the model folder a training run wrote (it holds "
                    + PACKAGE_FILE + "), or the package itself");
        }
        Path zip = Files.isDirectory(folderOrZip) ? folderOrZip.resolve(PACKAGE_FILE) : folderOrZip;
        if (!Files.isRegularFile(zip)) {
            throw new ValidationException("model", folderOrZip, Files.isDirectory(folderOrZip)
                    ? "the folder holds no " + PACKAGE_FILE + ": give the folder a training run wrote (train --output) "
                            + "or the package itself"
                    : "nothing is there: give the model folder a training run wrote or its " + PACKAGE_FILE);
        }
        byte[] head;
        try (InputStream in = Files.newInputStream(zip)) {
            head = in.readNBytes(ZIP_SIGNATURE.length);
        } catch (IOException e) {
            throw new ValidationException("model", zip, "cannot be read (" + e.getMessage() + "): check its "
                    + "permissions");
        }
        if (!Arrays.equals(head, ZIP_SIGNATURE)) {
            throw new ValidationException("model", zip, "is not a zip archive: give the " + PACKAGE_FILE
                    + " that training or modelbuilder package wrote");
        }
        return zip;
    }

    /**
     * The provider's options of this endpoint, as {@code TrainingSpec.optionsFor} reads a run's.
     *
     * @param provider the provider reading them, as {@code ModelBuilderProvider.name()} says it
     * @param type the provider's options type
     * @param defaults the provider's defaults, when the endpoint was defined without options
     * @param <T> the options type
     * @return the options
     * @throws ValidationException when the options were made for another provider
     */
    public <T extends EndpointOptions> T optionsFor(String provider, Class<T> type, Supplier<T> defaults) {
        if (options == null) {
            return defaults.get();
        }
        if (!type.isInstance(options) || !provider.equals(options.provider())) {
            throw new ValidationException("endpoint options", options.provider() + " options",
                    "the endpoint is created by provider '" + provider + "'; give it " + type.getSimpleName()
                            + ", or create it with provider '" + options.provider() + "'");
        }
        return type.cast(options);
    }
}
