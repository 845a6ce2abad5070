/**
 * Scoring: decode images, preprocess them exactly as training did, and classify them with ONNX Runtime.
 *
 * <pre>{@code
 * try (PredictionEngine engine = PredictionEngine.fromPackage(Path.of("MLModel.zip"))) {
 *     Prediction p = engine.predict(Path.of("daisy.jpg"));
 *     System.out.println(p.label() + " " + p.score());
 * }
 * }</pre>
 *
 * <p>The pieces, usable on their own (the local trainer shares them, so training and serving preprocess
 * identically):
 * <ul>
 *   <li>{@link dev.modelbuilder.scoring.ImageDecoder} - JPEG, PNG, BMP, GIF to {@link dev.modelbuilder.scoring.RgbImage},
 *       pixel values as stored (no ICC conversion), grey and palette expanded to RGB, alpha dropped;</li>
 *   <li>{@link dev.modelbuilder.scoring.Resampler} - Pillow-compatible antialiased bilinear resizing (pixel-exact);</li>
 *   <li>{@link dev.modelbuilder.scoring.ImagePreprocessor} - the geometry and tensor conversion a
 *       {@link dev.modelbuilder.scoring.PreprocessingSpec} describes;</li>
 *   <li>{@link dev.modelbuilder.scoring.LabelMap}, {@link dev.modelbuilder.scoring.PipelineDefinition} and
 *       {@link dev.modelbuilder.scoring.ModelPackage} - the bestModelMap.json and MLModel.zip formats;</li>
 *   <li>{@link dev.modelbuilder.scoring.PredictionEngine} - the thread-safe ONNX Runtime scorer.</li>
 * </ul>
 */
package dev.modelbuilder.scoring;
