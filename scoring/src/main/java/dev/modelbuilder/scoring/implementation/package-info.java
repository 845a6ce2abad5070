/**
 * Internal helpers of the scoring module. Not part of the public API: anything here may change without notice.
 */
package dev.modelbuilder.scoring.implementation;
