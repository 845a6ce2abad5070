package dev.modelbuilder.pipeline.implementation;

/**
 * What a decoder produced: interleaved 8-bit RGB, row by row, {@code width * height * 3} bytes, handed over (not
 * copied again).
 *
 * @param width width in pixels
 * @param height height in pixels
 * @param rgb the pixels
 */
public record DecodedImage(int width, int height, byte[] rgb) {
}
