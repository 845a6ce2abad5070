package dev.modelbuilder.cli;

/**
 * Marks a command that loads a model and scores images: {@link ModelBuilderCli#run} starts the scoring runtime's
 * warm-up (ONNX Runtime's native library, the image readers) before picocli parses its options, so that the two
 * overlap.
 */
interface ScoresImages {
}
