package dev.modelbuilder.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The image-classification reference fixtures as a folder on disk: {@code tiny.onnx}, {@code bestModelMap.json},
 * {@code labels.json}, {@code expected.json}, {@code images/} and {@code resized/} (see this module's README).
 *
 * <p>Tests need real files (ONNX Runtime and the CLI open paths), so when the fixtures are inside a jar — as they are
 * when Maven resolves this module from the reactor after {@code package} — they are copied once per JVM into a
 * temporary folder.
 */
public final class ImageClassificationFixtures {
    private static final String ROOT = "/dev/modelbuilder/testdata/image-classification";
    private static final Object LOCK = new Object();
    private static final ResourceFolder FOLDER =
            new ResourceFolder(ImageClassificationFixtures.class, ROOT, "MANIFEST.txt", "modelbuilder-testdata",
                    "image-classification fixtures");
    private static JsonNode expected;

    private ImageClassificationFixtures() {
    }

    /** @return the folder holding the fixtures (read it, never write into it) */
    public static Path dir() {
        return FOLDER.path();
    }

    /** @return the 5-class reference model: input {@code input1} [N,3,224,224], output {@code output1} logits */
    public static Path tinyModel() {
        return dir().resolve("tiny.onnx");
    }

    /** @return the label map of {@link #tinyModel()} in Model Builder's format (a JSON array of labels) */
    public static Path labelMap() {
        return dir().resolve("bestModelMap.json");
    }

    /** @return a file of {@code images/}, e.g. {@code rocket.jpg} */
    public static Path image(String name) {
        return dir().resolve("images").resolve(name);
    }

    /** @return expected.json: per image and geometry, tensor statistics and reference logits and softmax */
    public static JsonNode expected() {
        synchronized (LOCK) {
            if (expected == null) {
                try {
                    expected = new ObjectMapper().readTree(dir().resolve("expected.json").toFile());
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }
            return expected;
        }
    }

    /** @return the entries of expected.json's {@code images} array, in file order */
    public static List<JsonNode> imageEntries() {
        List<JsonNode> out = new ArrayList<>();
        expected().get("images").forEach(out::add);
        return out;
    }

    /** @return the image files that expected.json describes, in its order */
    public static List<Path> imageFiles() {
        List<Path> out = new ArrayList<>();
        for (JsonNode image : imageEntries()) {
            out.add(dir().resolve(image.get("file").asText()));
        }
        return out;
    }

    /**
     * A test resource of the calling module (under its {@code src/test/resources}, in the anchor's package), as a
     * file.
     *
     * @param anchor a test class of the module; the name resolves against its package
     * @param name the resource's name, e.g. {@code resnet-like.onnx}
     * @return the file
     * @throws IllegalStateException when there is no such resource, or it is not a file on disk
     */
    public static Path testResource(Class<?> anchor, String name) {
        URL url = anchor.getResource(name);
        if (url == null) {
            throw new IllegalStateException("test resource " + name + " not found beside " + anchor.getName());
        }
        try {
            return Path.of(url.toURI());
        } catch (URISyntaxException | IllegalArgumentException e) {
            throw new IllegalStateException("test resource " + url + " is not a file", e);
        }
    }

    /**
     * @param data bytes
     * @return their SHA-256 in lower-case hexadecimal, as expected.json records them
     */
    public static String sha256(byte[] data) {
        try {
            return java.util.HexFormat.of().formatHex(java.security.MessageDigest.getInstance("SHA-256").digest(data));
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new AssertionError("every JVM has SHA-256", e);
        }
    }

    /**
     * @param file a file
     * @return its name without the extension, e.g. {@code rocket} for {@code rocket.jpg}
     */
    public static String stem(Path file) {
        String name = file.getFileName().toString();
        int dot = name.lastIndexOf('.');
        return dot < 0 ? name : name.substring(0, dot);
    }

    /**
     * Reads an 8-bit RGB PNG's raw raster with ImageIO, independently of the SDK's decoder.
     *
     * @param png the file
     * @return the samples, row by row, R G B per pixel
     */
    public static int[] rawRgb(Path png) {
        try {
            java.awt.image.Raster r = javax.imageio.ImageIO.read(png.toFile()).getRaster();
            if (r.getNumBands() != 3) {
                throw new IllegalStateException(png + " is not a 3-band image");
            }
            return r.getPixels(0, 0, r.getWidth(), r.getHeight(), (int[]) null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
