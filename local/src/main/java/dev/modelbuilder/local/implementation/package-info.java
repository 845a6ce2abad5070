/**
 * Internals of the local backend (not public API; no other module may use them): the provider's operations on
 * workspaces, computes, experiments and runs, kept as JSON records under the root folder ({@code LocalStore}, written
 * through core's {@code AtomicFiles}); a run's lifecycle ({@code RunJob}: status, listeners, cancel, the record) and
 * its training steps ({@code TrainingSteps}: from scratch or from a backbone, then {@code ArtifactStager}, which
 * writes the delivered files all at once); the ResNet-style network, its trainer and the ONNX exporter. Transfer
 * learning is in {@code implementation.transfer}, the generated ONNX protobuf classes in {@code implementation.onnx}.
 */
package dev.modelbuilder.local.implementation;
