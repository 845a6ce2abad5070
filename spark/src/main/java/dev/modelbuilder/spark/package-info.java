/**
 * Scores images with an {@code MLModel.zip} on Apache Spark 4 (Scala 2.13): the Spark ML stage
 * {@link dev.modelbuilder.spark.ImageClassifier}, the SQL function registered by
 * {@link dev.modelbuilder.spark.ImageClassifierFunctions}, and the {@link dev.modelbuilder.spark.BatchScoring} job.
 *
 * <p>Spark is the cluster's ({@code provided} scope); this package's own methods take and return Java and Spark
 * types only, never Scala collections or functions.
 */
package dev.modelbuilder.spark;
