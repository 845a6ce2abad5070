package dev.modelbuilder.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The decoding fixtures: one small file per kind of image (PNG in every mode, GIF canvases, JPEG in every colour
 * model, TIFF variants, WebP, BMP) and Pillow 9.4's {@code Image.open(f).convert('RGB')} of each, stored as an 8-bit
 * RGB PNG in {@code pillow/<file>.png}. {@code decoding.json} lists them: file, kind, Pillow's format and mode, size,
 * SHA-256 of the RGB bytes and what the file covers. Written by {@code tools/make_decoding_fixtures.py}.
 */
public final class DecodingFixtures {
    private static final String ROOT = "/dev/modelbuilder/testdata/decoding";
    private static final ResourceFolder FOLDER =
            new ResourceFolder(DecodingFixtures.class, ROOT, "decoding.json", "modelbuilder-decoding",
                    "decoding fixtures");

    private DecodingFixtures() {
    }

    /** One fixture. */
    public record Entry(String file, String kind, String pillowMode, int width, int height, String sha256,
            String covers) {
        @Override
        public String toString() {
            return file + " (" + kind + " " + pillowMode + ": " + covers + ")";
        }
    }

    /** @return the folder holding the fixtures (read it, never write into it) */
    public static Path dir() {
        return FOLDER.path();
    }

    /** @return every fixture, in decoding.json's order */
    public static List<Entry> entries() {
        JsonNode doc;
        try {
            doc = new ObjectMapper().readTree(dir().resolve("decoding.json").toFile());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        List<Entry> out = new ArrayList<>();
        for (JsonNode e : doc.get("files")) {
            out.add(new Entry(e.get("file").asText(), e.get("kind").asText(), e.get("mode").asText(),
                    e.get("width").asInt(), e.get("height").asInt(), e.get("sha256").asText(),
                    e.get("covers").asText()));
        }
        return out;
    }

    /** @return the fixture of that name, e.g. {@code png_grey16.png} */
    public static Entry entry(String file) {
        return entries().stream().filter(e -> e.file().equals(file)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("no decoding fixture " + file));
    }

    /** @return the encoded file of an entry */
    public static Path file(Entry entry) {
        return dir().resolve(entry.file());
    }

    /** @return Pillow's decode of an entry: an 8-bit RGB PNG */
    public static Path pillowDecode(Entry entry) {
        return dir().resolve("pillow").resolve(entry.file() + ".png");
    }
}
