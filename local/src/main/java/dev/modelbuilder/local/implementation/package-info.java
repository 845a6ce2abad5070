/**
 * Internals of the local backend, not a public API: the JSON store and crash-safe file writes, the run executor,
 * the ResNet-style network, its trainer and the ONNX exporter (whose protobuf classes, in {@code .onnx}, are
 * generated from this module's own {@code onnx_subset.proto}).
 */
package dev.modelbuilder.local.implementation;
