package dev.modelbuilder.testdata;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The decoding fixtures: one small file per kind of image (PNG in every mode, GIF canvases, JPEG in every colour
 * model, TIFF variants, WebP, BMP) and Pillow 9.4's {@code Image.open(f).convert('RGB')} of each, stored as an 8-bit
 * RGB PNG in {@code pillow/<file>.png}. {@code decoding.json} lists them: file, kind, Pillow's format and mode, size,
 * SHA-256 of the RGB bytes and what the file covers. Written by {@code tools/make_decoding_fixtures.py}.
 */
public final class DecodingFixtures {
    private static final String ROOT = "/dev/modelbuilder/testdata/decoding";
    private static final Object LOCK = new Object();
    private static Path extracted;

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
        URL marker = DecodingFixtures.class.getResource(ROOT + "/decoding.json");
        if (marker == null) {
            throw new IllegalStateException("the decoding fixtures are not on the class path; add a test "
                    + "dependency on dev.modelbuilder:modelbuilder-testdata");
        }
        try {
            URI uri = marker.toURI();
            if ("file".equals(uri.getScheme())) {
                return Path.of(uri).getParent();
            }
            synchronized (LOCK) {
                if (extracted == null) {
                    extracted = ResourceFolders.extract(uri, ROOT, "modelbuilder-decoding");
                }
                return extracted;
            }
        } catch (URISyntaxException e) {
            throw new IllegalStateException("unexpected fixture location " + marker, e);
        } catch (IOException e) {
            throw new UncheckedIOException("could not copy the fixtures out of " + marker, e);
        }
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
