/**
 * Long work and how to follow it: {@link dev.modelbuilder.core.operation.LongRunningOperation} (poll, wait, cancel,
 * resume token), {@link dev.modelbuilder.core.operation.TrainingRun}, lazy paged lists, and the one progress callback
 * of the SDK, {@link dev.modelbuilder.core.operation.ProgressListener} with its closed set of
 * {@link dev.modelbuilder.core.operation.ProgressEvent}s, for every kind of progress (upload, training, feature
 * extraction, download, packaging, generation, evaluation).
 */
package dev.modelbuilder.core.operation;
