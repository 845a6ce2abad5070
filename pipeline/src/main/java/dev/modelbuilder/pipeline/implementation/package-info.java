/**
 * Internal helpers of the pipeline module. Not part of the public API: anything here may change without notice.
 */
package dev.modelbuilder.pipeline.implementation;
