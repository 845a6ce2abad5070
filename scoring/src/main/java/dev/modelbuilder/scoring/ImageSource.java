package dev.modelbuilder.scoring;

import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.RgbImage;

import java.awt.image.BufferedImage;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;

/**
 * One image given to {@link PredictionEngine#predictBatch}: a file, encoded bytes, a stream, a {@link BufferedImage}
 * or an already decoded {@link RgbImage}.
 *
 * <pre>{@code
 * engine.predictBatch(List.of(ImageSource.of(Path.of("a.jpg")), ImageSource.of(uploadedBytes)));
 * engine.predictBatch(ImageSource.ofFiles(paths));
 * }</pre>
 *
 * <p>Encoded input (file, bytes, stream) is checked by its first bytes before it is read whole, and at most
 * {@link PredictionEngineBuilder#withMaxImageBytes(long) maxImageBytes} of it is read.
 */
public sealed interface ImageSource
        permits ImageSource.File, ImageSource.Bytes, ImageSource.Stream, ImageSource.Buffered, ImageSource.Decoded {

    /**
     * Decodes the image into RGB samples.
     *
     * @param maxEncodedBytes the largest encoded image that is read (files, bytes and streams)
     * @return the decoded image
     * @throws ScoringException if the image cannot be read, is too large, is not a supported format, or is corrupt
     */
    RgbImage decode(long maxEncodedBytes);

    /** @return the image in words, for messages (a path, "image data (1234 bytes)", ...) */
    String describe();

    /**
     * @param file an image file (JPEG, PNG, BMP or GIF)
     * @return the source
     */
    static ImageSource of(Path file) {
        return new File(file);
    }

    /**
     * @param encoded an encoded image (not copied)
     * @return the source
     */
    static ImageSource of(byte[] encoded) {
        return new Bytes(encoded);
    }

    /**
     * @param in an encoded image, read to its end when decoded (not closed)
     * @return the source
     */
    static ImageSource of(InputStream in) {
        return new Stream(in);
    }

    /**
     * @param image an in-memory image (its raw samples are used, see {@link ImageDecoder#decode(BufferedImage)})
     * @return the source
     */
    static ImageSource of(BufferedImage image) {
        return new Buffered(image);
    }

    /**
     * @param image a decoded image of any size
     * @return the source
     */
    static ImageSource of(RgbImage image) {
        return new Decoded(image);
    }

    /**
     * @param files image files
     * @return one source per file, in order
     */
    static List<ImageSource> ofFiles(Collection<Path> files) {
        List<ImageSource> out = new ArrayList<>(files.size());
        for (Path f : files) {
            out.add(of(f));
        }
        return List.copyOf(out);
    }

    /**
     * An image file.
     *
     * @param file the file
     */
    record File(Path file) implements ImageSource {
        /** @throws NullPointerException if {@code file} is null */
        public File {
            Objects.requireNonNull(file, "file");
        }

        @Override
        public RgbImage decode(long maxEncodedBytes) {
            return ImageDecoder.decode(file, maxEncodedBytes);
        }

        @Override
        public String describe() {
            return file.toString();
        }
    }

    /**
     * Encoded image bytes.
     *
     * @param bytes the encoded image (not copied)
     */
    record Bytes(byte[] bytes) implements ImageSource {
        /** @throws NullPointerException if {@code bytes} is null */
        public Bytes {
            Objects.requireNonNull(bytes, "bytes");
        }

        @Override
        public RgbImage decode(long maxEncodedBytes) {
            return ImageDecoder.decode(bytes, maxEncodedBytes);
        }

        @Override
        public String describe() {
            return "image data (" + bytes.length + " bytes)";
        }
    }

    /**
     * An encoded image read from a stream to its end (the stream is not closed).
     *
     * @param in the stream
     */
    record Stream(InputStream in) implements ImageSource {
        /** @throws NullPointerException if {@code in} is null */
        public Stream {
            Objects.requireNonNull(in, "in");
        }

        @Override
        public RgbImage decode(long maxEncodedBytes) {
            return ImageDecoder.decode(in, maxEncodedBytes);
        }

        @Override
        public String describe() {
            return "image stream";
        }
    }

    /**
     * An in-memory image; its raw samples are used (see {@link ImageDecoder#decode(BufferedImage)}).
     *
     * @param image the image
     */
    record Buffered(BufferedImage image) implements ImageSource {
        /** @throws NullPointerException if {@code image} is null */
        public Buffered {
            Objects.requireNonNull(image, "image");
        }

        @Override
        public RgbImage decode(long maxEncodedBytes) {
            return ImageDecoder.decode(image);
        }

        @Override
        public String describe() {
            return "BufferedImage " + image.getWidth() + "x" + image.getHeight();
        }
    }

    /**
     * A decoded image of any size (the preprocessing's geometry is applied to it).
     *
     * @param image the image
     */
    record Decoded(RgbImage image) implements ImageSource {
        /** @throws NullPointerException if {@code image} is null */
        public Decoded {
            Objects.requireNonNull(image, "image");
        }

        @Override
        public RgbImage decode(long maxEncodedBytes) {
            return image;
        }

        @Override
        public String describe() {
            return image.toString();
        }
    }
}
