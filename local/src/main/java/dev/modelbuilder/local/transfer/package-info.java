/**
 * Transfer learning for the local backend (implementation, not public API): a pretrained ONNX classifier is cut
 * before its final classification layer ({@link dev.modelbuilder.local.transfer.BackboneGraph}), run by ONNX Runtime
 * as a frozen feature extractor ({@link dev.modelbuilder.local.transfer.FeatureExtractor}), a linear head is trained
 * on the features ({@link dev.modelbuilder.local.transfer.LogisticHead}) and appended to the backbone graph as one
 * model. Backbones come from a catalog ({@link dev.modelbuilder.local.transfer.BackboneCatalog}) downloaded into a
 * verified cache ({@link dev.modelbuilder.local.transfer.BackboneCache}), or from any ONNX file. See
 * {@code docs/transfer-learning.md}.
 */
package dev.modelbuilder.local.transfer;
