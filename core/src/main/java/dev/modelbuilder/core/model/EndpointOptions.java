package dev.modelbuilder.core.model;

/**
 * Settings of an endpoint that only one provider understands, such as Azure's deployment name or a container image
 * of one's own. Each provider module offers its own immutable implementation ({@code AzureEndpointOptions}); core
 * carries them to the provider without knowing their fields, as it does {@link TrainingOptions}. A provider refuses
 * options made for another one, so that a setting is never dropped in silence.
 */
public interface EndpointOptions {

    /** @return the name of the provider these options are for, as {@code ModelBuilderProvider.name()} says it */
    String provider();
}
