/**
 * The evaluation report: one self-contained HTML file (no network) with the summary, the confusion-matrix heat map,
 * per-label bars, thumbnails of the mistakes and, for a training run, the loss and accuracy curves. Made from an
 * {@link dev.modelbuilder.scoring.evaluation.EvaluationResult} by
 * {@link dev.modelbuilder.scoring.evaluation.report.EvaluationReport}.
 */
package dev.modelbuilder.scoring.evaluation.report;
