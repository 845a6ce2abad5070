package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.assertAnswers;
import static dev.modelbuilder.serving.ServingFixtures.assertProblem;
import static dev.modelbuilder.serving.ServingFixtures.assertProblemBody;
import static dev.modelbuilder.serving.ServingFixtures.fieldNames;
import static dev.modelbuilder.serving.ServingFixtures.get;
import static dev.modelbuilder.serving.ServingFixtures.image;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.multipart;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.scoring.ImageSource;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import io.micrometer.core.instrument.MeterRegistry;
import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One application with the starter and nothing else but {@code modelbuilder.model}, started once for the class: the
 * HTTP contract against the SDK's own engine, the refusals (each problem-details JSON, the server still answering
 * after them), the container's own errors, health, metrics and the OpenAPI description.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class StarterEndpointsTest {
    private static final long TEN_MB = 10L * 1024 * 1024;

    private Path zip;
    private ConfigurableApplicationContext context;
    private URI base;
    private PredictionEngine engine;

    @BeforeAll
    void start(@TempDir Path tmp) throws Exception {
        zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        context = ServingFixtures.startWeb(Map.of("modelbuilder.model", zip.toString(),
                "modelbuilder.server.read-timeout", "1s"));
        base = ServingFixtures.base(context);
        ServingFixtures.awaitReady(context);
        engine = PredictionEngine.fromPackage(zip);
    }

    @AfterAll
    void stop() {
        if (engine != null) {
            engine.close();
        }
        if (context != null) {
            context.close();
        }
    }

    @Test
    void predictsLikeTheEngineFromARawBodyAndAMultipartField() throws Exception {
        for (String name : List.of("rocket.jpg", "coffee.png", "synth_gray_301x199.jpg", "synth_palette_250x256.png")) {
            Path image = image(name);
            Prediction want = engine.predict(image);
            assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image),
                    "application/octet-stream")), 200), want, name);
            assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image), "image/png")), 200),
                    want, name);
            assertAnswers(json(send(multipart(base.resolve("/predict"), image)), 200), want, name);
        }
        // the formats issue 23 added, decoded as Pillow does (WebP through libwebp, which the starter brings)
        for (String name : List.of("webp_lossy.webp", "tiff_rgb_lzw.tif", "jpeg_cmyk.jpg")) {
            Path image = dev.modelbuilder.testdata.DecodingFixtures.file(
                    dev.modelbuilder.testdata.DecodingFixtures.entry(name));
            assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image),
                    "application/octet-stream")), 200), engine.predict(image), name);
        }
        Path rocket = image("rocket.jpg");
        JsonNode top = json(send(raw(base.resolve("/predict?top=2"), Files.readAllBytes(rocket), "image/jpeg")), 200);
        List<Prediction.LabelScore> best = engine.predict(rocket).topK(2);
        assertThat(fieldNames(top.get("scores"))).containsExactly(best.get(0).label(), best.get(1).label());
    }

    @Test
    void batchOf64ImagesAnswersEachInOrder() throws Exception {
        List<Map.Entry<String, byte[]>> parts = new ArrayList<>();
        List<ImageSource> sources = new ArrayList<>();
        for (int i = 0; i < 64; i++) {
            byte[] png = ServingFixtures.colourPng(0x102030 * (i + 1));
            parts.add(Map.entry("c" + i + ".png", png));
            sources.add(ImageSource.of(png));
        }
        List<Prediction> want = engine.predictBatch(sources);
        JsonNode batch = json(send(multipart(base.resolve("/predict/batch"), parts)), 200);
        assertThat(batch.size()).isEqualTo(64);
        for (int i = 0; i < 64; i++) {
            assertAnswers(batch.get(i), want.get(i), "image " + i);
        }

        List<Map.Entry<String, byte[]>> one = new ArrayList<>(parts);
        one.add(parts.get(0));
        JsonNode tooMany = assertProblem(send(multipart(base.resolve("/predict/batch"), one)), 400, "too_many_images");
        assertThat(tooMany.get("detail").asText()).contains("65").contains("64");
        List<Map.Entry<String, byte[]>> many = new ArrayList<>(parts);
        many.addAll(parts);
        JsonNode parts128 = assertProblem(send(multipart(base.resolve("/predict/batch"), many)), 413,
                "too_many_parts");
        assertThat(parts128.get("detail").asText()).contains("65 parts");
        assertServes();
    }

    @Test
    void refusesBadImagesAsProblemDetailsAndKeepsServing() throws Exception {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        byte[] jpeg = Files.readAllBytes(image("rocket.jpg"));
        byte[] truncated = Arrays.copyOf(jpeg, jpeg.length / 3);
        assertProblem(send(raw(base.resolve("/predict"), truncated, "image/jpeg")), 400, "corrupt_image");
        assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("corrupt.jpg", truncated)))), 400,
                "corrupt_image");
        byte[] text = "not an image, just some text\n".getBytes(StandardCharsets.UTF_8);
        assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("notes.txt", text)))), 400,
                "not_an_image");
        assertProblem(send(raw(base.resolve("/predict"), text, "application/octet-stream")), 400, "not_an_image");
        assertProblem(send(multipart(base.resolve("/predict/batch"), List.of(Map.entry("a.jpg", jpeg),
                Map.entry("notes.txt", text)))), 400, "not_an_image");
        assertProblem(send(raw(base.resolve("/predict"), new byte[0], "image/png")), 400, "empty_image");

        byte[] large = Arrays.copyOf(jpeg, (int) TEN_MB + 4096);
        assertProblem(send(raw(base.resolve("/predict"), large, "image/jpeg")), 413, "image_too_large");
        assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("large.jpg", large)))), 413,
                "image_too_large");

        byte[] bomb = ServingFixtures.pngBomb(13_000, 13_000);
        assertThat(bomb.length).isBetween(100_000, 1_000_000);
        JsonNode pixels = assertProblem(send(raw(base.resolve("/predict"), bomb, "image/png")), 422,
                "too_many_pixels");
        assertThat(pixels.get("detail").asText()).contains("13000 x 13000");
        assertProblem(send(multipart(base.resolve("/predict/batch"), List.of(Map.entry("a.jpg", jpeg),
                Map.entry("bomb.png", bomb)))), 422, "too_many_pixels");

        assertProblem(send(raw(base.resolve("/predict?top=0"), jpeg, "image/jpeg")), 400, "invalid_top");
        assertProblem(send(raw(base.resolve("/predict?top=abc"), jpeg, "image/jpeg")), 400, "bad_request");
        assertServes();
        assertThat(meters.counter("modelbuilder.images.refused", "reason", "too_many_pixels").count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.counter("modelbuilder.images.refused", "reason", "corrupt_image").count())
                .isGreaterThanOrEqualTo(2);
        assertThat(meters.counter("modelbuilder.images.refused", "reason", "image_too_large").count())
                .isGreaterThanOrEqualTo(2);
    }

    @Test
    void theContainersOwnErrorsAreProblemDetailsToo() throws Exception {
        assertProblem(get(base.resolve("/nothing-here")), 404, "not_found");
        assertProblem(get(base.resolve("/predict")), 405, "method_not_allowed");
        assertProblem(send(raw(base.resolve("/predict"), "hello".getBytes(StandardCharsets.UTF_8), "text/plain")),
                415, "unsupported_media_type");
        assertProblem(send(HttpRequest.newBuilder(base.resolve("/predict"))
                .header("Content-Type", "multipart/form-data; boundary=xyz")
                .POST(HttpRequest.BodyPublishers.ofString("--xyz\r\ngarbage")).build()), 400, "bad_request");

        // what Tomcat refuses before any servlet runs
        String traversal = ServingFixtures.rawExchange(base, ("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\n"
                + "Connection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII), Duration.ofSeconds(10));
        assertThat(traversal).startsWith("HTTP/1.1 400").containsIgnoringCase("content-type: application/problem+json");
        assertProblemBody(ServingFixtures.body(traversal), 400, "bad_request");
        String header = ServingFixtures.rawExchange(base, ("GET /health HTTP/1.1\r\nHost: x\r\nX-Big: "
                + "a".repeat(20_000) + "\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII),
                Duration.ofSeconds(10));
        assertThat(header).startsWith("HTTP/1.1 431").containsIgnoringCase("content-type: application/problem+json");
        assertProblemBody(ServingFixtures.body(header), 431, "header_too_large");
        byte[] notUtf8 = "GET /health HTTP/1.1\r\nHost: x\r\nX-Name: \u00ff\u00fe\r\nConnection: close\r\n\r\n"
                .getBytes(StandardCharsets.ISO_8859_1);
        String odd = ServingFixtures.rawExchange(base, notUtf8, Duration.ofSeconds(10));
        assertThat(odd).as("a header that is not UTF-8 is answered, as JSON either way").startsWith("HTTP/1.1 ");
        assertThat(ServingFixtures.body(odd)).startsWith("{");
        assertServes();
    }

    @Test
    void aStalledUploadIsCutOffAfterTheReadTimeout() throws Exception {
        long start = System.nanoTime();
        String answer = ServingFixtures.rawExchange(base, ("POST /predict HTTP/1.1\r\nHost: x\r\n"
                + "Content-Type: image/png\r\nContent-Length: 100000\r\n\r\n\u0089PNG").getBytes(
                StandardCharsets.ISO_8859_1), Duration.ofSeconds(20));
        Duration took = Duration.ofNanos(System.nanoTime() - start);
        assertThat(took).as("cut off after the 1 s read timeout, not kept open").isLessThan(Duration.ofSeconds(10));
        if (!answer.isEmpty()) {
            assertThat(answer).startsWith("HTTP/1.1 408");
            assertProblemBody(ServingFixtures.body(answer), 408, "request_timeout");
        }
        assertServes();
    }

    @Test
    void modelHealthAndOpenApiDescribeTheService() throws Exception {
        JsonNode info = json(get(base.resolve("/model")), 200);
        assertThat(info.get("name").asText()).isEqualTo("MLModel");
        assertThat(info.get("labels")).extracting(JsonNode::asText).containsExactlyElementsOf(engine.labels().labels());
        assertThat(info.at("/inputSize/width").asInt()).isEqualTo(224);
        assertThat(info.get("modelSha256").asText()).isEqualTo(
                HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(zip))));
        assertThat(info.get("sdkVersion").asText()).matches("\\d+\\.\\d+\\.\\d+.*");

        JsonNode health = json(get(base.resolve("/health")), 200);
        assertThat(health.get("status").asText()).isEqualTo("UP");
        assertThat(health.get("ready").asBoolean()).isTrue();
        assertThat(json(get(base.resolve("/health/live")), 200).get("live").asBoolean()).isTrue();
        JsonNode actuator = json(get(base.resolve("/actuator/health")), 200);
        assertThat(actuator.get("status").asText()).isEqualTo("UP");

        JsonNode api = json(get(base.resolve("/v3/api-docs")), 200);
        assertThat(fieldNames(api.get("paths"))).contains("/predict", "/predict/batch", "/model", "/health",
                "/health/live");
        assertThat(api.at("/paths/~1predict/post/requestBody/content").toString()).contains("multipart/form-data")
                .contains("image");
    }

    @Test
    void metricsCountPredictionsPerOutcome() throws Exception {
        MeterRegistry meters = context.getBean(MeterRegistry.class);
        double before = count(meters, "success");
        byte[] jpeg = Files.readAllBytes(image("rocket.jpg"));
        for (int i = 0; i < 3; i++) {
            json(send(raw(base.resolve("/predict"), jpeg, "image/jpeg")), 200);
        }
        double refusedBefore = count(meters, "refused");
        assertProblem(send(raw(base.resolve("/predict"), new byte[] {1, 2, 3}, "image/jpeg")), 400, "not_an_image");
        assertThat(count(meters, "success") - before).isEqualTo(3);
        assertThat(count(meters, "refused") - refusedBefore).isEqualTo(1);

        JsonNode metric = json(get(base.resolve("/actuator/metrics/modelbuilder.predictions?tag=endpoint:predict"
                + "&tag=outcome:success")), 200);
        assertThat(metric.at("/measurements/0/statistic").asText()).isEqualTo("COUNT");
        assertThat(metric.at("/measurements/0/value").asDouble()).isEqualTo(count(meters, "success"));
        assertThat(json(get(base.resolve("/actuator/metrics/modelbuilder.images.refused")), 200)
                .at("/availableTags/0/tag").asText()).isEqualTo("reason");
    }

    private static double count(MeterRegistry meters, String outcome) {
        var timer = meters.find("modelbuilder.predictions").tag("endpoint", "predict").tag("outcome", outcome).timer();
        return timer == null ? 0 : timer.count();
    }

    private void assertServes() throws Exception {
        Path image = image("coffee.png");
        assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image), "image/png")), 200),
                engine.predict(image), "after the refusals");
    }

}
