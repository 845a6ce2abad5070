/**
 * Image datasets: the scan of a folder with one sub-folder per label
 * ({@link dev.modelbuilder.core.dataset.ImageFolderDataset}), which reports every problem in one
 * {@link dev.modelbuilder.core.dataset.DatasetValidationException} before anything is uploaded or trained, the rules
 * it applies, and the split into training and validation images.
 */
package dev.modelbuilder.core.dataset;
