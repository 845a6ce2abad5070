package dev.modelbuilder.pipeline;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import javax.imageio.ImageIO;

/** The image-classification fixtures (modelbuilder-testdata) and this module's test resources. */
final class Fixtures {
    private Fixtures() {
    }

    static Path dir() {
        return ImageClassificationFixtures.dir();
    }

    static Path tinyModel() {
        return ImageClassificationFixtures.tinyModel();
    }

    static LabelMap labels() {
        return LabelMap.read(ImageClassificationFixtures.labelMap());
    }

    /** @return every image entry of expected.json */
    static List<JsonNode> images() {
        return ImageClassificationFixtures.imageEntries();
    }

    static PreprocessingSpec spec(String variant) {
        return switch (variant) {
            case "squash224" -> PreprocessingSpec.squash(224);
            case "crop224" -> PreprocessingSpec.resizeCrop(256, 224);
            default -> throw new IllegalArgumentException(variant);
        };
    }

    /** A resource of this module's tests (src/test/resources/dev/modelbuilder/pipeline/...). */
    static Path resource(String name) {
        try {
            return Path.of(Fixtures.class.getResource(name).toURI());
        } catch (URISyntaxException | NullPointerException e) {
            throw new IllegalStateException("test resource " + name + " not found", e);
        }
    }

    static JsonNode pillowReference() {
        try {
            return new ObjectMapper().readTree(resource("pillow-reference.json").toFile());
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
