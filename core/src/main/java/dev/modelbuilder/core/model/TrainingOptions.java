package dev.modelbuilder.core.model;

/**
 * Settings of a training run that only one provider understands, such as the local backend's backbone or Azure's
 * architecture and trials. Each provider module offers its own immutable implementation ({@code LocalTrainingOptions},
 * {@code AzureTrainingOptions}); core carries them to the provider without knowing their fields. A provider refuses
 * options made for another one, so that a setting is never dropped in silence.
 */
public interface TrainingOptions {

    /** @return the name of the provider these options are for, as {@code ModelBuilderProvider.name()} says it */
    String provider();
}
