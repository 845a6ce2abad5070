/**
 * Internal helpers of the Spark module: the per-executor engine cache, the partition scorer, the driver's package
 * check and the batch job. Not part of the public API: anything here may change without notice.
 */
package dev.modelbuilder.spark.implementation;
