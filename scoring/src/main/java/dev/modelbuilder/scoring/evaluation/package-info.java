/**
 * Evaluation: score a model on a labelled image folder and measure it (accuracy, per-label precision, recall and F1,
 * top-k accuracy, log loss, confusion matrix, misclassified images), and show the figures in a self-contained HTML
 * report.
 *
 * <pre>{@code
 * EvaluationResult result = ModelEvaluator.builder().build().evaluate(Path.of("MLModel.zip"), Path.of("test"));
 * System.out.println(result.accuracy());
 * EvaluationReport.of(result).write(Path.of("report.html"));
 * }</pre>
 */
package dev.modelbuilder.scoring.evaluation;
