package dev.modelbuilder.testdata;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.image.BufferedImage;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.TreeSet;
import java.util.zip.GZIPInputStream;
import javax.imageio.ImageIO;

/**
 * Handwritten digits (UCI's optical digits, 1,797 images of 8x8 pixels, CC BY 4.0; see {@code digits/SOURCE.md}
 * beside the data) and images composed of one to three of them, for multi-label training: each composed image's
 * labels are the distinct digits it shows. Composed at test time, never committed.
 *
 * <pre>{@code
 * List<HandwrittenDigits.Digit> all = HandwrittenDigits.load();
 * Path labels = HandwrittenDigits.compose(dir, all.subList(0, 1200), 1000, 42);   // dir/labels.jsonl + dir/images/
 * }</pre>
 */
public final class HandwrittenDigits {
    /** The labels file {@link #compose} writes. */
    public static final String LABELS_FILE = "labels.jsonl";
    /** The side of a composed image in pixels: a 2x2 grid of cells of half that side. */
    public static final int IMAGE_SIZE = 48;

    private HandwrittenDigits() {
    }

    /**
     * One handwritten digit.
     *
     * @param pixels 64 values, row by row, 0 (blank) to 16 (ink)
     * @param digit the digit, 0-9
     */
    public record Digit(int[] pixels, int digit) {
    }

    /** @return the 1,797 digits, in the data's order */
    public static List<Digit> load() {
        try (InputStream raw = HandwrittenDigits.class.getResourceAsStream("digits/digits.csv.gz")) {
            if (raw == null) {
                throw new IllegalStateException("digits/digits.csv.gz is missing from the testdata jar");
            }
            BufferedReader in = new BufferedReader(new InputStreamReader(new GZIPInputStream(raw),
                    StandardCharsets.US_ASCII));
            List<Digit> digits = new ArrayList<>(1797);
            String line;
            while ((line = in.readLine()) != null) {
                String[] v = line.split(",");
                int[] pixels = new int[64];
                for (int i = 0; i < 64; i++) {
                    pixels[i] = (int) Double.parseDouble(v[i]);
                }
                digits.add(new Digit(pixels, (int) Double.parseDouble(v[64])));
            }
            return List.copyOf(digits);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Writes {@code count} images of one to three digits each (each in its own cell of a 2x2 grid, scaled and
     * shifted at random, dark ink on a light background) and a JSONL labels file in Azure ML's form listing each
     * image with its distinct digits as labels ({@code "0"} to {@code "9"}).
     *
     * @param dir the folder to write into (created)
     * @param source the digits to draw from
     * @param count how many images
     * @param seed varies the images
     * @return the labels file
     */
    public static Path compose(Path dir, List<Digit> source, int count, long seed) {
        Random random = new Random(seed);
        StringBuilder jsonl = new StringBuilder();
        try {
            Files.createDirectories(dir.resolve("images"));
            for (int i = 0; i < count; i++) {
                int k = 1 + random.nextInt(3);
                List<Integer> cells = new ArrayList<>(List.of(0, 1, 2, 3));
                Collections.shuffle(cells, random);
                BufferedImage image = new BufferedImage(IMAGE_SIZE, IMAGE_SIZE, BufferedImage.TYPE_INT_RGB);
                Graphics2D g = image.createGraphics();
                TreeSet<Integer> labels = new TreeSet<>();
                try {
                    int paper = 225 + random.nextInt(31);
                    g.setColor(new Color(paper, paper, paper));
                    g.fillRect(0, 0, IMAGE_SIZE, IMAGE_SIZE);
                    g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
                    int half = IMAGE_SIZE / 2;
                    for (int j = 0; j < k; j++) {
                        Digit d = source.get(random.nextInt(source.size()));
                        labels.add(d.digit());
                        int size = 16 + random.nextInt(7);
                        int cell = cells.get(j);
                        int x = (cell % 2) * half + random.nextInt(half - size + 1);
                        int y = (cell / 2) * half + random.nextInt(half - size + 1);
                        g.drawImage(glyph(d, paper), x, y, size, size, null);
                    }
                } finally {
                    g.dispose();
                }
                String name = String.format(Locale.ROOT, "images/%05d.png", i);
                ImageIO.write(image, "png", dir.resolve(name).toFile());
                jsonl.append("{\"image_url\": \"").append(name).append("\", \"label\": [")
                        .append(String.join(", ", labels.stream().map(l -> "\"" + l + "\"").toList()))
                        .append("]}\n");
            }
            return Files.writeString(dir.resolve(LABELS_FILE), jsonl);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The digit as an 8x8 image: ink 16 is black, 0 the paper's grey. */
    private static BufferedImage glyph(Digit d, int paper) {
        BufferedImage g = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        for (int i = 0; i < 64; i++) {
            int v = paper - Math.round(paper * d.pixels()[i] / 16f);
            g.setRGB(i % 8, i / 8, new Color(v, v, v).getRGB());
        }
        return g;
    }
}
