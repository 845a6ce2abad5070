package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.assertAnswers;
import static dev.modelbuilder.serving.ServingFixtures.assertProblem;
import static dev.modelbuilder.serving.ServingFixtures.get;
import static dev.modelbuilder.serving.ServingFixtures.image;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.multipart;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.net.URI;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.io.AbstractResource;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.core.io.Resource;

/**
 * The problem-details answers that the class-wide application of {@link StarterEndpointsTest} cannot give: a
 * multipart request over {@code max-request-size}, an image the decoder refuses although the server's own pixel cap
 * admits it, and predictions while the model is still loading or after it failed to load.
 */
class ProblemAnswersTest {
    private static final String SLOW_MODEL = "classpath:slow/MLModel.zip";

    @TempDir
    Path tmp;

    @Test
    void aRequestOverTheRequestSizeAndAnImageOverTheDecodersPixelCapAre413() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        // the server's own cap (250 megapixels) admits what the decoder's (Pillow's 178.9 megapixels) refuses
        try (ConfigurableApplicationContext context = ServingFixtures.startWeb(Map.of("modelbuilder.model",
                zip.toString(), "modelbuilder.server.max-request-size", "1MB", "modelbuilder.server.max-pixels",
                "250000000"))) {
            ServingFixtures.awaitReady(context);
            URI base = ServingFixtures.base(context);
            assertThat(context.getEnvironment().getProperty("server.tomcat.max-connections"))
                    .as("well above Tomcat's 200 workers: connections sending headers hold none").isEqualTo("1000");
            Random random = new Random(7);
            byte[] part = new byte[400 * 1024];
            random.nextBytes(part);
            JsonNode tooLarge = assertProblem(send(multipart(base.resolve("/predict/batch"), List.of(
                    Map.entry("a.jpg", part), Map.entry("b.jpg", part), Map.entry("c.jpg", part)))), 413,
                    "request_too_large");
            assertThat(tooLarge.get("detail").asText()).contains("modelbuilder.server.max-request-size");

            byte[] bomb = ServingFixtures.pngBomb(14_000, 14_000);
            JsonNode raw = assertProblem(send(raw(base.resolve("/predict"), bomb, "image/png")), 413,
                    "image_too_large_to_decode");
            assertThat(raw.get("detail").asText()).contains("14000x14000").contains("cap");
            assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("bomb.png", bomb)))), 413,
                    "image_too_large_to_decode");

            Path image = image("coffee.png");
            try (PredictionEngine engine = PredictionEngine.fromPackage(zip)) {
                assertAnswers(json(send(raw(base.resolve("/predict"), Files.readAllBytes(image), "image/png")), 200),
                        engine.predict(image), "after the refusals");
            }
        }
    }

    @Test
    void whileTheModelLoadsPredictionsAre503ModelLoadingAndHealthSaysLoading() throws Exception {
        byte[] zip = Files.readAllBytes(ServingFixtures.modelPackage(tmp.resolve("model")));
        CountDownLatch release = new CountDownLatch(1);
        ConfigurableApplicationContext context = startWithResource(new ModelResource(zip, release));
        try {
            URI base = ServingFixtures.base(context);
            assertThat(context.getBean(ServedModel.class).status()).isEqualTo(ServedModel.Status.LOADING);
            HttpResponse<String> health = get(base.resolve("/health"));
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            JsonNode state = ServingFixtures.JSON.readTree(health.body());
            assertThat(state.get("status").asText()).isEqualTo("LOADING");
            assertThat(state.get("ready").asBoolean()).isFalse();
            assertThat(state.get("live").asBoolean()).isTrue();
            assertThat(json(get(base.resolve("/health/live")), 200).get("status").asText()).isEqualTo("LOADING");

            byte[] jpeg = Files.readAllBytes(image("rocket.jpg"));
            assertProblem(send(raw(base.resolve("/predict"), jpeg, "image/jpeg")), 503, "model_loading");
            assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("rocket.jpg", jpeg)))), 503,
                    "model_loading");
            assertProblem(send(multipart(base.resolve("/predict/batch"), List.of(Map.entry("rocket.jpg", jpeg)))), 503,
                    "model_loading");
            assertProblem(get(base.resolve("/model")), 503, "model_loading");

            release.countDown();
            ServingFixtures.awaitReady(context);
            assertThat(json(get(base.resolve("/health")), 200).get("status").asText()).isEqualTo("UP");
            assertThat(json(send(raw(base.resolve("/predict"), jpeg, "image/jpeg")), 200).get("label").asText())
                    .isNotBlank();
        } finally {
            release.countDown(); // before the context closes: its close waits for the load the latch holds
            context.close();
        }
    }

    @Test
    void aModelThatFailedToLoadAnswers503ModelFailed() throws Exception {
        byte[] notAZip = "this is not an MLModel.zip".getBytes(StandardCharsets.UTF_8);
        CountDownLatch open = new CountDownLatch(0);
        try (ConfigurableApplicationContext context = startWithResource(new ModelResource(notAZip, open))) {
            URI base = ServingFixtures.base(context);
            ServedModel model = context.getBean(ServedModel.class);
            assertThatThrownBy(() -> model.awaitEngine(Duration.ofMinutes(1))).isInstanceOf(ModelLoadException.class);
            assertThat(model.status()).isEqualTo(ServedModel.Status.FAILED);

            HttpResponse<String> health = get(base.resolve("/health"));
            assertThat(health.statusCode()).as(health.body()).isEqualTo(503);
            assertThat(ServingFixtures.JSON.readTree(health.body()).get("status").asText()).isEqualTo("FAILED");
            byte[] jpeg = Files.readAllBytes(image("rocket.jpg"));
            JsonNode failed = assertProblem(send(raw(base.resolve("/predict"), jpeg, "image/jpeg")), 503,
                    "model_failed");
            assertThat(failed.get("detail").asText()).doesNotContain("not an MLModel.zip");
            assertProblem(send(multipart(base.resolve("/predict"), List.of(Map.entry("rocket.jpg", jpeg)))), 503,
                    "model_failed");
            assertProblem(get(base.resolve("/model")), 503, "model_failed");
        }
    }

    /** A web application whose {@code modelbuilder.model} is the given resource, read as a stream. */
    private static ConfigurableApplicationContext startWithResource(Resource model) {
        DefaultResourceLoader resources = new DefaultResourceLoader() {
            @Override
            public Resource getResource(String location) {
                return SLOW_MODEL.equals(location) ? model : super.getResource(location);
            }
        };
        return new SpringApplicationBuilder(ServingFixtures.TestApplication.class).bannerMode(Banner.Mode.OFF)
                .resourceLoader(resources)
                .properties("server.port=0", "spring.main.register-shutdown-hook=false", "modelbuilder.model="
                        + SLOW_MODEL, "modelbuilder.engine.cache.enabled=false")
                .run();
    }

    /** A package inside a jar, as the starter reads one: a stream, opened once the latch is released. */
    private static final class ModelResource extends AbstractResource {
        private final byte[] content;
        private final CountDownLatch opened;

        ModelResource(byte[] content, CountDownLatch opened) {
            this.content = content;
            this.opened = opened;
        }

        @Override
        public String getDescription() {
            return "a model read as a stream";
        }

        @Override
        public String getFilename() {
            return "MLModel.zip";
        }

        @Override
        public boolean exists() {
            return true;
        }

        @Override
        public InputStream getInputStream() throws IOException {
            try {
                if (!opened.await(2, TimeUnit.MINUTES)) {
                    throw new IOException("the test did not release the model");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new InterruptedIOException("interrupted");
            }
            return new ByteArrayInputStream(content);
        }
    }
}
