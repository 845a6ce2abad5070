/**
 * Transfer learning for the local backend (not public API). {@link
 * dev.modelbuilder.local.implementation.transfer.TransferLearning} is what the rest of the backend uses: it chooses a
 * backbone, from a catalog of ImageNet classifiers downloaded into a verified cache or from any ONNX file, and trains
 * a head on its features. Inside: the backbone is cut before its final classification layer
 * ({@code BackboneGraph}), run by ONNX Runtime as a frozen feature extractor ({@code FeatureExtractor}, through the
 * scoring module's {@code TensorModel}), a linear head is trained on the features ({@code LogisticHead}) and appended
 * to the backbone graph as one model. See {@code docs/transfer-learning.md}.
 */
package dev.modelbuilder.local.implementation.transfer;
