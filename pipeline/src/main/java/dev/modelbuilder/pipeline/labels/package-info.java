/**
 * Readers of labels files, the datasets that list each image with its labels: {@link
 * dev.modelbuilder.pipeline.labels.JsonLinesLabelsReader} (Azure ML's JSONL) and {@link
 * dev.modelbuilder.pipeline.labels.CsvLabelsReader} (CSV with a header {@code image,labels}). They implement core's
 * {@link dev.modelbuilder.core.dataset.LabelsFileReader} and are registered as its services, so
 * {@code ImageDataset.scan(Path.of("labels.jsonl"), ...)} finds them; they only tokenize rows, and core's
 * {@link dev.modelbuilder.core.dataset.LabelsFileDataset} applies every rule.
 */
package dev.modelbuilder.pipeline.labels;
