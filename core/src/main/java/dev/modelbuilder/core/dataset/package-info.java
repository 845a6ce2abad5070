/**
 * Image datasets: {@link dev.modelbuilder.core.dataset.ImageDataset}, scanned from a folder with one sub-folder per
 * label ({@link dev.modelbuilder.core.dataset.ImageFolderDataset}) or from a labels file listing each image with its
 * labels, one or several ({@link dev.modelbuilder.core.dataset.LabelsFileDataset}, read through the
 * {@link dev.modelbuilder.core.dataset.LabelsFileReader} services that the pipeline module registers). Either scan
 * reports every problem in one {@link dev.modelbuilder.core.dataset.DatasetValidationException} before anything is
 * uploaded or trained; the rules it applies, and the split into training and validation images, are here too.
 */
package dev.modelbuilder.core.dataset;
