package dev.modelbuilder.core.testing;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import javax.imageio.ImageIO;

/** Writes real image files for tests: JPEG, PNG, BMP and GIF encoded by the JDK's ImageIO. */
public final class TestImages {
    private TestImages() {
    }

    /**
     * @param width width
     * @param height height
     * @param seed varies the content
     * @return a coloured test picture
     */
    public static BufferedImage picture(int width, int height, long seed) {
        Random random = new Random(seed);
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillRect(0, 0, width, height);
            g.setColor(new Color(random.nextInt(0xFFFFFF)));
            g.fillOval(random.nextInt(Math.max(1, width / 2)), random.nextInt(Math.max(1, height / 2)),
                    width / 2, height / 2);
        } finally {
            g.dispose();
        }
        return image;
    }

    /**
     * @param image the picture
     * @param format an ImageIO format name: {@code jpg}, {@code png}, {@code bmp}, {@code gif}
     * @return the encoded bytes
     */
    public static byte[] encode(BufferedImage image, String format) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            if (!ImageIO.write(image, format, out)) {
                throw new IllegalArgumentException("no ImageIO writer for " + format);
            }
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes an encoded picture.
     *
     * @param file the file
     * @param format {@code jpg}, {@code png}, {@code bmp} or {@code gif}
     * @param seed varies the content
     * @return the file
     */
    public static Path write(Path file, String format, long seed) {
        try {
            Files.createDirectories(file.getParent());
            Files.write(file, encode(picture(40, 30, seed), format));
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes a valid dataset: one folder per label, {@code perLabel} images each, cycling through the formats.
     *
     * @param root the dataset folder
     * @param labels the labels
     * @param perLabel images per label
     * @return the root
     */
    public static Path dataset(Path root, List<String> labels, int perLabel) {
        String[] formats = {"png", "jpg", "bmp", "gif"};
        long seed = 1;
        for (String label : labels) {
            for (int i = 0; i < perLabel; i++) {
                String format = formats[i % formats.length];
                write(root.resolve(label).resolve(label + "_" + i + "." + format), format, seed++);
            }
        }
        return root;
    }
}
