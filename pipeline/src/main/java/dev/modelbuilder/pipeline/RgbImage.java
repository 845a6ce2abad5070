package dev.modelbuilder.pipeline;

import java.awt.image.BufferedImage;
import java.awt.image.DataBufferByte;
import java.util.Arrays;
import java.util.Objects;

/**
 * An immutable 8-bit RGB image, pixels interleaved row by row ({@code R,G,B,R,G,B,...}).
 *
 * <pre>{@code
 * RgbImage image = ImageDecoder.decode(Path.of("rose.jpg"));
 * RgbImage patch = image.crop(10, 20, 100, 100).flipHorizontal();
 * int red = patch.sample(0, 0, 0);
 * }</pre>
 *
 * <p>Instances never share their pixel array with callers: {@link #of(int, int, byte[])} copies its input and
 * {@link #pixels()} returns a copy.
 */
public final class RgbImage {
    private final int width;
    private final int height;
    private final byte[] data;

    private RgbImage(int width, int height, byte[] data) {
        this.width = width;
        this.height = height;
        this.data = data;
    }

    /**
     * Creates an image from interleaved RGB bytes.
     *
     * @param width width in pixels, at least 1
     * @param height height in pixels, at least 1
     * @param rgb {@code width * height * 3} bytes, row by row, copied
     * @return the image
     * @throws IllegalArgumentException if a size is not positive or the array has the wrong length
     * @throws NullPointerException if {@code rgb} is null
     */
    public static RgbImage of(int width, int height, byte[] rgb) {
        Objects.requireNonNull(rgb, "rgb");
        checkSize(width, height);
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("an RGB image of " + width + "x" + height + " needs "
                    + (long) width * height * 3 + " bytes, got " + rgb.length);
        }
        return new RgbImage(width, height, rgb.clone());
    }

    /** Wraps an array without copying; the caller hands the array over. */
    static RgbImage wrap(int width, int height, byte[] rgb) {
        checkSize(width, height);
        if (rgb.length != (long) width * height * 3) {
            throw new IllegalArgumentException("expected " + (long) width * height * 3 + " bytes, got " + rgb.length);
        }
        return new RgbImage(width, height, rgb);
    }

    private static void checkSize(int width, int height) {
        if (width < 1 || height < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + width + "x" + height);
        }
        if ((long) width * height * 3 > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("image of " + width + "x" + height + " is too large");
        }
    }

    /** @return the width in pixels */
    public int width() {
        return width;
    }

    /** @return the height in pixels */
    public int height() {
        return height;
    }

    /** @return a copy of the pixels: {@code width * height * 3} bytes, interleaved RGB, row by row */
    public byte[] pixels() {
        return data.clone();
    }

    /** The backing array, for this package's hot loops; never handed to users. */
    byte[] data() {
        return data;
    }

    /**
     * @param x column, 0-based
     * @param y row, 0-based
     * @param channel 0 red, 1 green, 2 blue
     * @return the sample, 0-255
     * @throws IndexOutOfBoundsException if a coordinate or the channel is out of range
     */
    public int sample(int x, int y, int channel) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        Objects.checkIndex(channel, 3);
        return data[(y * width + x) * 3 + channel] & 0xFF;
    }

    /**
     * @param x column, 0-based
     * @param y row, 0-based
     * @return the pixel packed as {@code 0xRRGGBB}
     * @throws IndexOutOfBoundsException if a coordinate is out of range
     */
    public int rgb(int x, int y) {
        Objects.checkIndex(x, width);
        Objects.checkIndex(y, height);
        int o = (y * width + x) * 3;
        return (data[o] & 0xFF) << 16 | (data[o + 1] & 0xFF) << 8 | (data[o + 2] & 0xFF);
    }

    /**
     * Cuts out a rectangle (like Pillow's {@code crop((x, y, x + w, y + h))} inside the image).
     *
     * @param x left column of the rectangle
     * @param y top row of the rectangle
     * @param w width of the rectangle, at least 1
     * @param h height of the rectangle, at least 1
     * @return the rectangle as a new image (this image itself when the rectangle is the whole image)
     * @throws IllegalArgumentException if the rectangle is empty or not inside the image
     */
    public RgbImage crop(int x, int y, int w, int h) {
        if (w < 1 || h < 1 || x < 0 || y < 0 || (long) x + w > width || (long) y + h > height) {
            throw new IllegalArgumentException("crop rectangle x=" + x + " y=" + y + " w=" + w + " h=" + h
                    + " is not inside the " + width + "x" + height + " image");
        }
        if (x == 0 && y == 0 && w == width && h == height) {
            return this;
        }
        byte[] out = new byte[w * h * 3];
        for (int row = 0; row < h; row++) {
            System.arraycopy(data, ((y + row) * width + x) * 3, out, row * w * 3, w * 3);
        }
        return new RgbImage(w, h, out);
    }

    /** @return the mirror image, left and right swapped */
    public RgbImage flipHorizontal() {
        byte[] out = new byte[data.length];
        for (int row = 0; row < height; row++) {
            int base = row * width * 3;
            for (int col = 0; col < width; col++) {
                int s = base + col * 3;
                int d = base + (width - 1 - col) * 3;
                out[d] = data[s];
                out[d + 1] = data[s + 1];
                out[d + 2] = data[s + 2];
            }
        }
        return new RgbImage(width, height, out);
    }

    /** @return a new {@link BufferedImage#TYPE_3BYTE_BGR} image with these pixels, e.g. for saving with ImageIO */
    public BufferedImage toBufferedImage() {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_3BYTE_BGR);
        byte[] bgr = ((DataBufferByte) image.getRaster().getDataBuffer()).getData();
        for (int i = 0; i < data.length; i += 3) {
            bgr[i] = data[i + 2];
            bgr[i + 1] = data[i + 1];
            bgr[i + 2] = data[i];
        }
        return image;
    }

    /** @return true when {@code o} is an RgbImage of the same size and pixels */
    @Override
    public boolean equals(Object o) {
        return o instanceof RgbImage other && width == other.width && height == other.height
                && Arrays.equals(data, other.data);
    }

    @Override
    public int hashCode() {
        return 31 * (31 * width + height) + Arrays.hashCode(data);
    }

    @Override
    public String toString() {
        return "RgbImage[" + width + "x" + height + "]";
    }
}
