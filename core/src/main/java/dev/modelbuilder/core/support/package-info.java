/**
 * Small utilities that the SDK's modules share and that provider implementations may use: crash-safe file writes
 * ({@link dev.modelbuilder.core.support.AtomicFiles}), daemon threads for the SDK's pools, the sleeping seam of
 * polling, and the one way every setting of the SDK is read ({@link dev.modelbuilder.core.support.Setting}). Stable
 * API, but not what an application needs to train or score.
 */
package dev.modelbuilder.core.support;
