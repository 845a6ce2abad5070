/**
 * The prediction pipeline without a runtime: decode images, preprocess them exactly as training did, and read and
 * write the model files (bestModelMap.json and MLModel.zip). Pure Java; ONNX Runtime lives in the scoring module,
 * libwebp in an optional plugin detected at run time.
 *
 * <ul>
 *   <li>{@link dev.modelbuilder.pipeline.ImageDecoder} - JPEG, PNG, GIF, BMP, TIFF and WebP to
 *       {@link dev.modelbuilder.pipeline.RgbImage}, exactly as Pillow's {@code convert("RGB")}, within a decode budget
 *       (WebP with the optional libwebp plugin);</li>
 *   <li>{@link dev.modelbuilder.pipeline.Resampler} - Pillow-compatible antialiased bilinear resizing (pixel-exact);</li>
 *   <li>{@link dev.modelbuilder.pipeline.ImagePreprocessor} - the geometry and tensor conversion a
 *       {@link dev.modelbuilder.pipeline.PreprocessingSpec} describes;</li>
 *   <li>{@link dev.modelbuilder.pipeline.LabelMap}, {@link dev.modelbuilder.pipeline.PipelineSpec} and
 *       {@link dev.modelbuilder.pipeline.ModelPackage} - the bestModelMap.json and MLModel.zip formats.</li>
 * </ul>
 *
 * <p>The local trainer and the scoring engine share these classes, so training and serving preprocess identically.
 */
package dev.modelbuilder.pipeline;
