/**
 * The provider-neutral domain: immutable records and values for workspaces, computes and their sizes, experiments,
 * runs and their statuses, what to train ({@link dev.modelbuilder.core.model.TrainingSpec}, with a provider's own
 * {@link dev.modelbuilder.core.model.TrainingOptions}) and the trained model, plus the naming rules
 * ({@link dev.modelbuilder.core.model.Rules}) every provider shares.
 */
package dev.modelbuilder.core.model;
