package dev.modelbuilder.local;

import dev.modelbuilder.core.exception.FileAccessException;
import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.Polygon;
import java.awt.RenderingHints;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Rectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Random;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Writes small labelled image datasets for trying the SDK without data of your own: the quickstart trains on one,
 * and so do the tests.
 *
 * <pre>{@code
 * Path data = SampleDatasets.shapes(Path.of("shapes"), 60, 42);   // shapes/circle, shapes/square, shapes/triangle
 * }</pre>
 *
 * <p>Each image shows one filled shape, dark on a light background or light on a dark one (a random two-colour
 * gradient with a thin distractor line), at a random size (45-80 % of the shorter side), position and rotation;
 * images are 64 to 128 pixels wide and high and saved alternately as PNG and JPEG. The same arguments always give the
 * same files (on the same Java version).
 */
public final class SampleDatasets {

    /** The shapes a dataset can hold; each is a label folder named in lower case. */
    public enum Shape {
        /** A filled circle. */
        CIRCLE,
        /** A filled square, possibly rotated. */
        SQUARE,
        /** A filled triangle, possibly rotated. */
        TRIANGLE,
        /** A filled five-pointed star, possibly rotated. */
        STAR;

        /** @return the label folder name, e.g. {@code circle} */
        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private SampleDatasets() {
    }

    /**
     * Writes circles, squares and triangles.
     *
     * @param dir the dataset folder (created; existing files of the same names are replaced)
     * @param imagesPerLabel images per shape, at least 1
     * @param seed varies the images
     * @return {@code dir}
     * @throws FileAccessException when a file cannot be written
     */
    public static Path shapes(Path dir, int imagesPerLabel, long seed) {
        return shapes(dir, imagesPerLabel, seed, EnumSet.of(Shape.CIRCLE, Shape.SQUARE, Shape.TRIANGLE));
    }

    /**
     * Writes the chosen shapes.
     *
     * @param dir the dataset folder (created; existing files of the same names are replaced)
     * @param imagesPerLabel images per shape, at least 1
     * @param seed varies the images
     * @param shapes the shapes, at least one
     * @return {@code dir}
     * @throws FileAccessException when a file cannot be written
     */
    public static Path shapes(Path dir, int imagesPerLabel, long seed, Set<Shape> shapes) {
        Objects.requireNonNull(dir, "dir");
        Objects.requireNonNull(shapes, "shapes");
        if (imagesPerLabel < 1) {
            throw new IllegalArgumentException("imagesPerLabel must be at least 1, got " + imagesPerLabel);
        }
        if (shapes.isEmpty()) {
            throw new IllegalArgumentException("choose at least one shape");
        }
        for (Shape shape : List.copyOf(EnumSet.copyOf(shapes))) {
            Path folder = dir.resolve(shape.label());
            try {
                Files.createDirectories(folder);
                for (int i = 0; i < imagesPerLabel; i++) {
                    Random random = new Random(seed * 1_000_003L + shape.ordinal() * 100_019L + i);
                    BufferedImage image = draw(shape, random);
                    String format = i % 2 == 0 ? "png" : "jpg";
                    Path file = folder.resolve(String.format(Locale.ROOT, "%s_%04d.%s", shape.label(), i, format));
                    if (!ImageIO.write(image, format, file.toFile())) {
                        throw new IOException("no ImageIO writer for " + format);
                    }
                }
            } catch (IOException e) {
                throw new FileAccessException(folder, "cannot write the sample dataset into " + folder + ": " + e, e);
            }
        }
        return dir;
    }

    /** The name of the labels file {@link #multiLabelShapes} writes. */
    public static final String MULTI_LABEL_FILE = "labels.jsonl";

    /**
     * Writes a multi-label dataset: images of 1 to 3 different shapes each (circle, square, triangle, star), each
     * shape in its own quadrant of the image, listed in a JSONL labels file ({@value #MULTI_LABEL_FILE}, Azure ML's
     * form: {@code {"image_url": "images/0000.png", "label": ["circle", "star"]}}).
     *
     * @param dir the dataset folder (created; existing files of the same names are replaced)
     * @param images how many images, at least 1
     * @param seed varies the images
     * @return the labels file
     * @throws FileAccessException when a file cannot be written
     */
    public static Path multiLabelShapes(Path dir, int images, long seed) {
        Objects.requireNonNull(dir, "dir");
        if (images < 1) {
            throw new IllegalArgumentException("images must be at least 1, got " + images);
        }
        Shape[] all = Shape.values();
        StringBuilder jsonl = new StringBuilder();
        Path folder = dir.resolve("images");
        try {
            Files.createDirectories(folder);
            // one generator for the whole set: java.util.Random's first draws from nearby seeds are correlated
            Random random = new Random(seed);
            for (int i = 0; i < images; i++) {
                List<Shape> shuffled = new java.util.ArrayList<>(List.of(all));
                java.util.Collections.shuffle(shuffled, random);
                List<Shape> chosen = List.copyOf(EnumSet.copyOf(shuffled.subList(0, 1 + random.nextInt(3))));
                List<Integer> quadrants = new java.util.ArrayList<>(List.of(0, 1, 2, 3));
                java.util.Collections.shuffle(quadrants, random);
                int side = 96;
                BufferedImage image = new BufferedImage(side, side, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                try {
                    g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
                    g.setPaint(new GradientPaint(0, 0, tone(random, true), side, side, tone(random, true)));
                    g.fillRect(0, 0, side, side);
                    for (int k = 0; k < chosen.size(); k++) {
                        int q = quadrants.get(k);
                        g.setColor(tone(random, false));
                        drawShape(g, chosen.get(k), (q % 2) * side / 2.0, (q / 2) * side / 2.0, side / 2.0, random);
                    }
                } finally {
                    g.dispose();
                }
                String name = String.format(Locale.ROOT, "%04d.png", i);
                if (!ImageIO.write(image, "png", folder.resolve(name).toFile())) {
                    throw new IOException("no ImageIO writer for png");
                }
                jsonl.append("{\"image_url\": \"images/").append(name).append("\", \"label\": [")
                        .append(String.join(", ", chosen.stream().map(s -> "\"" + s.label() + "\"").toList()))
                        .append("]}\n");
            }
            return Files.writeString(dir.resolve(MULTI_LABEL_FILE), jsonl);
        } catch (IOException e) {
            throw new FileAccessException(dir, "cannot write the sample dataset into " + dir + ": " + e, e);
        }
    }

    /** Draws a shape filling most of the square cell at (x, y) of the given side. */
    private static void drawShape(Graphics2D g, Shape shape, double x, double y, double cell, Random random) {
        double size = cell * (0.6 + 0.3 * random.nextDouble());
        double cx = x + size / 2 + random.nextDouble() * (cell - size);
        double cy = y + size / 2 + random.nextDouble() * (cell - size);
        double angle = random.nextDouble() * Math.PI * 2;
        fill(g, shape, cx, cy, size, angle);
    }

    /** Fills one shape of the given size, centred at (cx, cy) and turned by {@code angle} (squares and polygons). */
    private static void fill(Graphics2D g, Shape shape, double cx, double cy, double size, double angle) {
        switch (shape) {
            case CIRCLE -> g.fill(new Ellipse2D.Double(cx - size / 2, cy - size / 2, size, size));
            case SQUARE -> {
                Graphics2D r = (Graphics2D) g.create();
                r.rotate(angle, cx, cy);
                double s = size / Math.sqrt(2) * 1.2;
                r.fill(new Rectangle2D.Double(cx - s / 2, cy - s / 2, s, s));
                r.dispose();
            }
            case TRIANGLE -> g.fill(polygon(cx, cy, size / 2, 3, angle, 1.0));
            case STAR -> g.fill(polygon(cx, cy, size / 2, 5, angle, 0.45));
            default -> throw new IllegalStateException("unknown shape " + shape);
        }
    }

    private static BufferedImage draw(Shape shape, Random random) {
        int w = 64 + random.nextInt(65);
        int h = 64 + random.nextInt(65);
        BufferedImage image = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = image.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            // light background gradient and a dark shape, or the other way round
            boolean darkShape = random.nextBoolean();
            Color a = tone(random, !darkShape);
            Color b = tone(random, !darkShape);
            g.setPaint(new GradientPaint(0, 0, a, random.nextInt(w) + 1, random.nextInt(h) + 1, b));
            g.fillRect(0, 0, w, h);
            g.setStroke(new BasicStroke(1f));
            g.setColor(tone(random, darkShape));
            g.drawLine(random.nextInt(w), random.nextInt(h), random.nextInt(w), random.nextInt(h));
            g.setColor(tone(random, darkShape));
            int side = Math.min(w, h);
            double size = side * (0.45 + 0.35 * random.nextDouble());
            double cx = size / 2 + random.nextDouble() * (w - size);
            double cy = size / 2 + random.nextDouble() * (h - size);
            double angle = random.nextDouble() * Math.PI * 2;
            fill(g, shape, cx, cy, size, angle);
        } finally {
            g.dispose();
        }
        return image;
    }

    /** A regular polygon, or a star when {@code inner < 1} (every other vertex pulled in). */
    private static Polygon polygon(double cx, double cy, double radius, int points, double angle, double inner) {
        Polygon p = new Polygon();
        int vertices = inner < 1 ? points * 2 : points;
        for (int i = 0; i < vertices; i++) {
            double r = inner < 1 && i % 2 == 1 ? radius * inner : radius;
            double t = angle + 2 * Math.PI * i / vertices;
            p.addPoint((int) Math.round(cx + r * Math.cos(t)), (int) Math.round(cy + r * Math.sin(t)));
        }
        return p;
    }

    /** A random colour that is light (each channel 150-255) or dark (each channel 0-105). */
    private static Color tone(Random random, boolean light) {
        int base = light ? 150 : 0;
        return new Color(base + random.nextInt(106), base + random.nextInt(106), base + random.nextInt(106));
    }
}
