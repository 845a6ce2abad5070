package dev.modelbuilder.codegen;

import static dev.modelbuilder.testdata.ImageUploads.multipart;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.codegen.testing.GeneratedBuild;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Tier 3 for the Web API: generates the projects with {@code <Name>.WebApi} (an application on the SDK's Spring Boot
 * starter), builds them with Maven (online: the first run may download Spring Boot; this build's own artifacts, the
 * starter among them, come from the seeded repository), starts the
 * service's jar on a free port through {@code PORT}, and checks its answers against the SDK's own engine: the bundled
 * sample and two fixture images (raw body, multipart, batch, {@code ?top}), 200 requests from 8 threads, refused
 * uploads (corrupt image, text file, over the size limit) as JSON without internals, then a clean stop.
 */
// runs beside the other test classes: it mostly waits on a nested Maven build and the service's JVM
@Execution(ExecutionMode.CONCURRENT)
@Tag("integration")
class GeneratedWebApiBuildTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TEN_MB = 10L * 1024 * 1024;

    @TempDir
    Path tmp;

    @Test
    void generatedWebApiBuildsServesLikeTheSdkAndRefusesBadUploads() throws Exception {
        Path model = ModelFixture.create(tmp.resolve("model"));
        GeneratedProjects projects = ProjectGenerator.forModel(model).withName("Flowers")
                .withSampleImage(ModelFixture.image("rocket.jpg")).withWebApi(true).generate(tmp.resolve("Flowers"));
        GeneratedBuild.buildOnline(projects.root(), tmp);
        Path jar = projects.webApiProject().orElseThrow().resolve("target/flowers-webapi.jar");
        assertThat(jar).isRegularFile();

        Path sample = projects.consoleProject()
                .resolve("src/main/resources/com/example/flowers/consoleapp/sample.jpg");
        List<Path> images = List.of(sample, ModelFixture.image("coffee.png"),
                ModelFixture.image("synth_gray_301x199.jpg"));
        int port;
        try (ServerSocket free = new ServerSocket(0)) {
            port = free.getLocalPort();
        }
        Path log = tmp.resolve("webapi.log");
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java")
                .toString()));
        command.addAll(GeneratedBuild.SHORT_JVM_OPTIONS); // Spring Boot starts in about half the time
        command.addAll(List.of("-jar", jar.toString()));
        ProcessBuilder start = new ProcessBuilder(command).directory(tmp.toFile()).redirectErrorStream(true)
                .redirectOutput(log.toFile());
        start.environment().put("PORT", String.valueOf(port));
        Process service = start.start();
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
        URI base = URI.create("http://127.0.0.1:" + port);
        try (PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            awaitReady(http, base, service, log);
            Map<Path, Prediction> expected = new LinkedHashMap<>();
            for (Path image : images) {
                expected.put(image, engine.predict(image));
            }

            JsonNode info = JSON.readTree(get(http, base.resolve("/model")).body());
            assertThat(info.get("labels")).extracting(JsonNode::asText)
                    .containsExactlyElementsOf(engine.labels().labels());
            assertThat(info.at("/inputSize/width").asInt()).isEqualTo(224);
            assertThat(info.at("/inputSize/height").asInt()).isEqualTo(224);
            assertThat(info.get("modelSha256").asText()).isEqualTo(sha256(model.resolve("MLModel.zip")));
            assertThat(info.get("sdkVersion").asText()).isEqualTo(SdkInfo.load().version());

            for (Path image : images) {
                Prediction want = expected.get(image);
                assertAnswers(json(send(http, raw(base.resolve("/predict"), Files.readAllBytes(image),
                        "application/octet-stream")), 200), want, image);
                assertAnswers(json(send(http, multipart(base.resolve("/predict"), image)), 200), want, image);
            }
            JsonNode top = json(send(http, raw(base.resolve("/predict?top=2"), Files.readAllBytes(sample),
                    "image/jpeg")), 200);
            List<Prediction.LabelScore> best = expected.get(sample).topK(2);
            assertThat(fieldNames(top.get("scores"))).containsExactly(best.get(0).label(), best.get(1).label());
            JsonNode batch = json(send(http, multipart(base.resolve("/predict/batch"), images.toArray(Path[]::new))),
                    200);
            assertThat(batch.size()).isEqualTo(images.size());
            for (int i = 0; i < images.size(); i++) {
                assertAnswers(batch.get(i), expected.get(images.get(i)), images.get(i));
            }

            concurrentRequestsAllAnswerTheSame(http, base, images, expected);
            refusesBadUploads(http, base, sample);
            JsonNode metrics = JSON.readTree(get(http, base.resolve("/actuator/metrics/modelbuilder.predictions"))
                    .body());
            assertThat(metrics.at("/measurements/0/value").asDouble()).as("predictions counted in Actuator")
                    .isGreaterThanOrEqualTo(200);
        } finally {
            service.destroy();
            boolean stopped = service.waitFor(60, TimeUnit.SECONDS);
            if (!stopped) {
                service.destroyForcibly();
            }
            assertThat(stopped).as("the service stops on SIGTERM:\n%s", GeneratedBuild.tail(log)).isTrue();
        }
        assertThat(Files.readString(log)).as("the engine is closed on shutdown").contains("Closed the Flowers model")
                .doesNotContain("ERROR");
    }

    private static void concurrentRequestsAllAnswerTheSame(HttpClient http, URI base, List<Path> images,
            Map<Path, Prediction> expected) throws Exception {
        ExecutorService clients = Executors.newFixedThreadPool(8);
        try {
            List<Future<JsonNode>> answers = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                Path image = images.get(i % images.size());
                byte[] body = Files.readAllBytes(image);
                answers.add(clients.submit(() -> json(send(http, raw(base.resolve("/predict"), body,
                        "application/octet-stream")), 200)));
            }
            for (int i = 0; i < answers.size(); i++) {
                Path image = images.get(i % images.size());
                assertAnswers(answers.get(i).get(60, TimeUnit.SECONDS), expected.get(image), image);
            }
        } finally {
            clients.shutdownNow();
        }
    }

    private void refusesBadUploads(HttpClient http, URI base, Path sample) throws Exception {
        byte[] jpeg = Files.readAllBytes(sample);
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 3);
        assertError(send(http, raw(base.resolve("/predict"), truncated, "image/jpeg")), 400, "corrupt_image");
        Path corrupt = Files.write(tmp.resolve("corrupt.jpg"), truncated);
        assertError(send(http, multipart(base.resolve("/predict"), corrupt)), 400, "corrupt_image");
        Path text = Files.writeString(tmp.resolve("notes.txt"), "not an image, just some text\n");
        assertError(send(http, multipart(base.resolve("/predict"), text)), 400, "not_an_image");
        assertError(send(http, raw(base.resolve("/predict"), Files.readAllBytes(text), "application/octet-stream")),
                400, "not_an_image");
        assertError(send(http, multipart(base.resolve("/predict/batch"), sample, text)), 400, "not_an_image");

        byte[] large = Arrays.copyOf(jpeg, (int) TEN_MB + 4096);
        HttpResponse<String> tooLarge = send(http, raw(base.resolve("/predict"), large, "image/jpeg"));
        assertThat(tooLarge.statusCode()).isIn(400, 413);
        assertError(tooLarge, tooLarge.statusCode(), "image_too_large");
        Path largeFile = Files.write(tmp.resolve("large.jpg"), large);
        HttpResponse<String> tooLargePart = send(http, multipart(base.resolve("/predict"), largeFile));
        assertThat(tooLargePart.statusCode()).isIn(400, 413);
        assertError(tooLargePart, tooLargePart.statusCode(), "image_too_large");

        assertError(send(http, raw(base.resolve("/predict?top=0"), jpeg, "image/jpeg")), 400, "invalid_top");
        assertError(send(http, raw(base.resolve("/predict"), jpeg, "text/plain")), 415, "unsupported_media_type");
    }

    private static void awaitReady(HttpClient http, URI base, Process service, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertThat(service.isAlive()).as("the service is running:\n%s", GeneratedBuild.tail(log)).isTrue();
            try {
                HttpResponse<String> health = get(http, base.resolve("/health"));
                if (health.statusCode() == 200) {
                    JsonNode state = JSON.readTree(health.body());
                    assertThat(state.get("ready").asBoolean()).isTrue();
                    assertThat(state.get("status").asText()).isEqualTo("UP");
                    return;
                }
                assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
                assertThat(get(http, base.resolve("/health/live")).statusCode()).isEqualTo(200);
            } catch (IOException notListeningYet) {
                // the server is still starting
            }
            Thread.sleep(200);
        }
        throw new AssertionError("the service was not ready within 120 s:\n" + GeneratedBuild.tail(log));
    }

    private static void assertAnswers(JsonNode answer, Prediction want, Path image) {
        assertThat(answer.get("label").asText()).as(image.toString()).isEqualTo(want.label());
        assertThat(answer.get("score").asDouble()).as(image.toString()).isCloseTo(want.score(), within(1e-6));
        assertThat(fieldNames(answer.get("scores"))).as(image.toString())
                .containsExactlyElementsOf(want.scores().keySet());
        want.scores().forEach((label, p) -> assertThat(answer.get("scores").get(label).asDouble())
                .as(image + " " + label).isCloseTo(p, within(1e-6)));
        assertThat(fieldNames(answer)).containsExactly("label", "score", "scores");
    }

    /** RFC 9457 problem details, with today's error code as an extension member. */
    private static void assertError(HttpResponse<String> response, int status, String error) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
                type -> assertThat(type).startsWith("application/problem+json"));
        JsonNode body = JSON.readTree(response.body());
        assertThat(body.get("error").asText()).as(response.body()).isEqualTo(error);
        assertThat(body.get("status").asInt()).isEqualTo(status);
        assertThat(body.get("title").asText()).isNotBlank();
        assertThat(body.get("detail").asText()).isNotBlank();
        assertThat(response.body()).doesNotContain("Exception").doesNotContain("\tat ").doesNotContain("trace");
    }

    private static List<String> fieldNames(JsonNode node) {
        List<String> names = new ArrayList<>();
        for (Iterator<String> it = node.fieldNames(); it.hasNext(); ) {
            names.add(it.next());
        }
        return names;
    }

    private static JsonNode json(HttpResponse<String> response, int status) throws IOException {
        assertThat(response.statusCode()).as(response.body()).isEqualTo(status);
        return JSON.readTree(response.body());
    }

    private static HttpResponse<String> get(HttpClient http, URI uri) throws Exception {
        return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static HttpResponse<String> send(HttpClient http, HttpRequest request) throws Exception {
        return http.send(request, HttpResponse.BodyHandlers.ofString());
    }

    private static HttpRequest raw(URI uri, byte[] body, String contentType) {
        return HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(60)).header("Content-Type", contentType)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body)).build();
    }

    private static String sha256(Path file) throws Exception {
        return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
    }
}
