package dev.modelbuilder.scoring;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;

/** The shared image-classification fixtures (../shared beside the project root) and this module's test resources. */
final class Fixtures {
    private static final ObjectMapper MAPPER = new ObjectMapper();
    private static JsonNode expected;

    private Fixtures() {
    }

    /** @return ../shared/fixtures/image-classification, from the {@code modelbuilder.shared.dir} system property */
    static Path dir() {
        String shared = System.getProperty("modelbuilder.shared.dir");
        if (shared != null && !shared.isBlank()) {
            Path dir = Path.of(shared).resolve("fixtures/image-classification");
            if (Files.isDirectory(dir)) {
                return dir;
            }
        }
        // run without the surefire property (an IDE) or from a module alone: find "shared" beside an ancestor
        for (Path p = Path.of("").toAbsolutePath(); p != null; p = p.getParent()) {
            Path dir = p.resolveSibling("shared").resolve("fixtures/image-classification");
            if (p.getParent() != null && Files.isDirectory(dir)) {
                return dir;
            }
        }
        throw new IllegalStateException("image-classification fixtures not found; set -Dmodelbuilder.shared.dir to the "
                + "../shared folder beside the project root (was " + shared + ")");
    }

    static Path tinyModel() {
        return dir().resolve("tiny.onnx");
    }

    static LabelMap labels() {
        return LabelMap.read(dir().resolve("bestModelMap.json"));
    }

    static synchronized JsonNode expected() {
        if (expected == null) {
            try {
                expected = MAPPER.readTree(dir().resolve("expected.json").toFile());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return expected;
    }

    /** @return every image entry of expected.json */
    static List<JsonNode> images() {
        List<JsonNode> out = new ArrayList<>();
        expected().get("images").forEach(out::add);
        return out;
    }

    static List<Path> imageFiles() {
        List<Path> out = new ArrayList<>();
        for (JsonNode image : images()) {
            out.add(dir().resolve(image.get("file").asText()));
        }
        return out;
    }

    static PreprocessingSpec spec(String variant) {
        return switch (variant) {
            case "squash224" -> PreprocessingSpec.squash(224);
            case "crop224" -> PreprocessingSpec.resizeCrop(256, 224);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** A resource of this module's tests (src/test/resources/dev/modelbuilder/scoring/...). */
    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " not found", e);
        }
    }

    static JsonNode pillowReference() {
        try {
            return MAPPER.readTree(resource("pillow-reference.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Reads an 8-bit RGB PNG's raw raster with ImageIO (independently of ImageDecoder). */
    static int[] rawRgb(Path png) {
        try {
            BufferedImage image = ImageIO.read(png.toFile());
            Raster r = image.getRaster();
            if (r.getNumBands() != 3) {
                throw new IllegalStateException(png + " is not a 3-band image");
            }
            return r.getPixels(0, 0, r.getWidth(), r.getHeight(), (int[]) null);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String sha256(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String stem(Path file) {
        String name = file.getFileName().toString();
        return name.substring(0, name.lastIndexOf('.'));
    }
}
