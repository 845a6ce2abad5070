package dev.modelbuilder.core.dataset;

/**
 * What a quick structural read of an image file found.
 *
 * @param format the format its content has (whatever its extension says)
 * @param width width in pixels
 * @param height height in pixels
 */
public record ImageInfo(ImageFormat format, int width, int height) {
}
