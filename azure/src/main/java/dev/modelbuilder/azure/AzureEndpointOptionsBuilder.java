package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.exception.ValidationException.Violation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/** Builds {@link AzureEndpointOptions}; obtained from {@link AzureEndpointOptions#builder()}. Not thread-safe. */
public final class AzureEndpointOptionsBuilder {
    /** A container image reference: registry host, path, then a tag or a digest; no scheme, no spaces. */
    private static final Pattern IMAGE = Pattern.compile(
            "^[a-z0-9]([a-z0-9._-]*[a-z0-9])?(:[0-9]+)?(/[a-z0-9]([a-z0-9._-]*[a-z0-9])?)*"
                    + "(:[A-Za-z0-9_][A-Za-z0-9_.-]{0,127})?(@sha256:[a-f0-9]{64})?$");

    private String deploymentName = AzureEndpointOptions.DEFAULT_DEPLOYMENT;
    private String image;
    private final List<Path> serverJars = new ArrayList<>();
    private Path sampleImage;
    private boolean smokeTest = true;

    AzureEndpointOptionsBuilder() {
    }

    /**
     * @param name the deployment's name: 3-32 letters, digits or hyphens, starting with a letter ({@code blue} by
     *     default)
     * @return this builder
     */
    public AzureEndpointOptionsBuilder withDeploymentName(String name) {
        this.deploymentName = name;
        return this;
    }

    /**
     * @param reference an image that runs the SDK's server, e.g. {@code myregistry.azurecr.io/flowers-serve:1}; the
     *     endpoint's identity needs AcrPull on a private registry. Without it Azure Machine Learning builds the image
     *     from the server's jars in the workspace's registry
     * @return this builder
     */
    public AzureEndpointOptionsBuilder withImage(String reference) {
        this.image = reference;
        return this;
    }

    /**
     * @param jarsOrFolders the server's jars, or folders holding them (e.g. the command-line tool's {@code lib}
     *     folder with its {@code modelbuilder.jar}); replaces what was given before
     * @return this builder
     */
    public AzureEndpointOptionsBuilder withServerJars(List<Path> jarsOrFolders) {
        serverJars.clear();
        jarsOrFolders.forEach(p -> serverJars.add(Objects.requireNonNull(p, "jar or folder")));
        return this;
    }

    /**
     * @param image the image the smoke test scores (default: an image in the model folder, else a generated one)
     * @return this builder
     */
    public AzureEndpointOptionsBuilder withSampleImage(Path image) {
        this.sampleImage = image;
        return this;
    }

    /**
     * @param enabled whether to score the sample image through the new endpoint before the create operation ends
     *     (default {@code true})
     * @return this builder
     */
    public AzureEndpointOptionsBuilder withSmokeTest(boolean enabled) {
        this.smokeTest = enabled;
        return this;
    }

    /**
     * @return the options
     * @throws ValidationException naming every problem at once
     */
    public AzureEndpointOptions build() {
        List<Violation> problems = new ArrayList<>();
        try {
            EndpointNames.require("deployment name", deploymentName);
        } catch (ValidationException e) {
            problems.addAll(e.violations());
        }
        if (image != null && (image.length() > 512 || !IMAGE.matcher(image).matches())) {
            problems.add(new Violation("image", image, "use a container image reference such as "
                    + "myregistry.azurecr.io/flowers-serve:1 (lower-case registry and path, then a tag or a digest; "
                    + "no scheme, no spaces)"));
        }
        if (image != null && !serverJars.isEmpty()) {
            problems.add(new Violation("server jars", serverJars.toString(), "an image of one's own already holds the "
                    + "server: give the image or the jars, not both"));
        }
        for (Path p : serverJars) {
            if (!Files.isDirectory(p) && !(Files.isRegularFile(p) && p.getFileName().toString().endsWith(".jar"))) {
                problems.add(new Violation("server jars", p.toString(), "give jar files or folders that hold them"));
            }
        }
        if (sampleImage != null && !Files.isRegularFile(sampleImage)) {
            problems.add(new Violation("sample image", sampleImage.toString(), "give an existing image file"));
        }
        if (!problems.isEmpty()) {
            throw new ValidationException(problems);
        }
        return new AzureEndpointOptions(deploymentName, image, serverJars, sampleImage, smokeTest);
    }
}
