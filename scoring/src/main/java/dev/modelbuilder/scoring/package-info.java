/**
 * Scoring: classify images with ONNX Runtime on the CPU or a GPU, through the prediction pipeline of the
 * {@code dev.modelbuilder.pipeline} package (decoding, Pillow-exact preprocessing, label map, MLModel.zip).
 *
 * <pre>{@code
 * try (PredictionEngine engine = PredictionEngine.fromPackage(Path.of("MLModel.zip"))) {
 *     Prediction p = engine.predict(Path.of("daisy.jpg"));
 *     System.out.println(p.label() + " " + p.score());
 * }
 * }</pre>
 *
 * <ul>
 *   <li>{@link dev.modelbuilder.scoring.PredictionEngine} - the thread-safe ONNX Runtime scorer;</li>
 *   <li>{@link dev.modelbuilder.scoring.ModelVerifier} - checks a model against its labels and pipeline before it is
 *       packaged.</li>
 * </ul>
 */
package dev.modelbuilder.scoring;
