package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.assertAnswers;
import static dev.modelbuilder.serving.ServingFixtures.assertProblem;
import static dev.modelbuilder.serving.ServingFixtures.image;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The decode budget's answers over HTTP, in a server of its own JVM (the budget is the process's, read once): with a
 * 160 MB heap and a budget set far above it, an image whose pixels cannot fit in the heap runs the decode out of memory
 * (503 {@code insufficient_memory}, never a corrupt image); an image over the whole budget is refused before its
 * decode (413 {@code image_too_large_to_decode}). The server answers normally after both.
 */
class DecodeMemoryProblemsTest {
    @TempDir
    Path tmp;

    @Test
    void anImageThatCannotFitTheHeapIs503AndOneOverTheBudget413() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx160m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1",
                // a budget the heap cannot honour, and caps that let both images through to the decoder
                "-Dmodelbuilder.decode.budget=1g", "-Dmodelbuilder.decode.max-pixels=1000000000",
                "-Dmodelbuilder.server.max-pixels=1000000000", "-Dmodelbuilder.engine.cache.enabled=false",
                "-cp", System.getProperty("java.class.path"), ModelServerMain.class.getName(), "--model",
                zip.toString(), "--port", "0");
        Process server = new ProcessBuilder(command).redirectErrorStream(true).start();
        StringBuilder output = new StringBuilder();
        CompletableFuture<URI> url = new CompletableFuture<>();
        Thread reader = new Thread(() -> {
            try (BufferedReader in = new BufferedReader(new InputStreamReader(server.getInputStream(),
                    StandardCharsets.UTF_8))) {
                for (String line; (line = in.readLine()) != null; ) {
                    synchronized (output) {
                        output.append(line).append('\n');
                    }
                    if (line.startsWith("Serving at ")) {
                        url.complete(URI.create(line.substring("Serving at ".length()).split(" ")[0]));
                    }
                }
            } catch (java.io.IOException e) {
                // the server is gone: its output so far is kept
            }
            url.completeExceptionally(new AssertionError("the server stopped before serving"));
        });
        reader.setDaemon(true);
        reader.start();
        try {
            URI base;
            try {
                base = url.get(2, TimeUnit.MINUTES);
            } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                synchronized (output) {
                    throw new AssertionError("the server did not start:\n" + output, e);
                }
            }
            // 8000 x 8000 RGB is 192 MB of pixels: more than the whole heap
            JsonNode memory = assertProblem(send(raw(base.resolve("/predict"), ServingFixtures.pngBomb(8_000, 8_000),
                    "image/png")), 503, "insufficient_memory");
            assertThat(memory.get("detail").asText()).contains("out of memory");
            // 20000 x 20000 RGB is 1.2 GB: more than the 1 GiB budget, refused before anything is allocated
            JsonNode budget = assertProblem(send(raw(base.resolve("/predict"), ServingFixtures.pngBomb(20_000, 20_000),
                    "image/png")), 413, "image_too_large_to_decode");
            assertThat(budget.get("detail").asText()).contains("decode budget");

            Path image = image("coffee.png");
            try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
                assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image), "image/png")), 200),
                        engine.predict(image), "after the refusals");
            }
            assertThat(server.isAlive()).isTrue();
        } finally {
            server.destroy();
            if (!server.waitFor(60, TimeUnit.SECONDS)) {
                server.destroyForcibly();
            }
        }
    }
}
