package dev.modelbuilder.serving;

import static dev.modelbuilder.serving.ServingFixtures.assertProblem;
import static dev.modelbuilder.serving.ServingFixtures.get;
import static dev.modelbuilder.serving.ServingFixtures.image;
import static dev.modelbuilder.serving.ServingFixtures.json;
import static dev.modelbuilder.serving.ServingFixtures.multipart;
import static dev.modelbuilder.serving.ServingFixtures.raw;
import static dev.modelbuilder.serving.ServingFixtures.send;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.net.URI;
import java.net.URL;
import java.net.URLClassLoader;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.Banner;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Import;
import org.springframework.core.io.DefaultResourceLoader;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RestController;

/** A Spring Boot application per way of configuring the starter. */
class PropertyPathsTest {
    @TempDir
    Path tmp;

    @Test
    void aClasspathResourceInsideAJarWithEngineParametersAndACacheFolder() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        Path jar = tmp.resolve("models.jar");
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            out.putNextEntry(new JarEntry("models/flowers/MLModel.zip"));
            Files.copy(zip, out);
            out.closeEntry();
        }
        Path cache = tmp.resolve("cache");
        PredictionEngine engine;
        try (URLClassLoader loader = new URLClassLoader(new URL[] {jar.toUri().toURL()}, getClass().getClassLoader());
                ConfigurableApplicationContext context = new SpringApplicationBuilder(ServingFixtures.TestApplication.class)
                        .web(WebApplicationType.NONE).bannerMode(Banner.Mode.OFF)
                        .resourceLoader(new DefaultResourceLoader(loader))
                        .properties("spring.main.register-shutdown-hook=false",
                                "modelbuilder.model=classpath:models/flowers/MLModel.zip", "modelbuilder.name=Flowers",
                                "modelbuilder.engine.batch-size=3", "modelbuilder.engine.intra-op-threads=1",
                                "modelbuilder.engine.cache.directory=" + cache)
                        .run()) {
            engine = context.getBean(PredictionEngine.class);
            assertThat(engine.batchSize()).isEqualTo(3);
            ServedModel model = context.getBean(ServedModel.class);
            assertThat(model.name()).isEqualTo("Flowers");
            assertThat(model.status()).isEqualTo(ServedModel.Status.READY);
            try (PredictionEngine direct = PredictionEngine.fromPackage(zip)) {
                Path rocket = image("rocket.jpg");
                assertThat(engine.predict(rocket).scores()).isEqualTo(direct.predict(rocket).scores());
            }
            try (Stream<Path> files = Files.walk(cache)) {
                assertThat(files.filter(f -> f.toString().endsWith(".onnx")).count())
                        .as("the verified copy is kept in the configured cache").isPositive();
            }
        }
        assertThat(engine.isClosed()).as("closed with the application").isTrue();
    }

    @Test
    void theEngineParametersReachTheEnginesBuilder() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        Path cache = tmp.resolve("cache");
        try (ConfigurableApplicationContext context = ServingFixtures.start(WebApplicationType.NONE, Map.of(
                "modelbuilder.model", zip.toString(), "modelbuilder.engine.intra-op-threads", "2",
                "modelbuilder.engine.preprocessing-threads", "3", "modelbuilder.engine.batch-size", "5",
                "modelbuilder.engine.cache.max-size", "123MB", "modelbuilder.engine.cache.directory", cache.toString(),
                "modelbuilder.server.max-image-size", "2MB"))) {
            ServedModel.EngineParameters options = context.getBean(ServedModel.class).engineParameters();
            assertThat(options.intraOpThreads()).isEqualTo(2);
            assertThat(options.preprocessingThreads()).isEqualTo(3);
            assertThat(options.batchSize()).isEqualTo(5);
            assertThat(options.cache().maxBytes()).isEqualTo(123L * 1024 * 1024);
            assertThat(options.cache().directory()).isEqualTo(cache);
            assertThat(options.maxImageBytes()).isEqualTo(2L * 1024 * 1024);
            // the engine built from them: its batch size, and its model's verified copy in the cache folder given
            assertThat(context.getBean(PredictionEngine.class).batchSize()).isEqualTo(5);
            try (java.util.stream.Stream<Path> files = java.nio.file.Files.walk(cache)) {
                assertThat(files.map(f -> f.getFileName().toString())).anyMatch(name -> name.endsWith(".onnx"));
            }
        }
        try (ConfigurableApplicationContext context = ServingFixtures.start(WebApplicationType.NONE, Map.of(
                "modelbuilder.model", zip.toString(), "modelbuilder.engine.cache.enabled", "false"))) {
            ServedModel.EngineParameters defaults = context.getBean(ServedModel.class).engineParameters();
            assertThat(defaults.intraOpThreads()).isZero();
            assertThat(defaults.preprocessingThreads()).isZero();
            assertThat(defaults.cache()).isNull();
        }
    }

    @Test
    void aFileUrlWithTheCacheOff() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        Path cache = tmp.resolve("unused-cache");
        try (ConfigurableApplicationContext context = ServingFixtures.start(WebApplicationType.NONE, Map.of(
                "modelbuilder.model", zip.toUri().toString(), "modelbuilder.engine.cache.enabled", "false",
                "modelbuilder.engine.cache.directory", cache.toString()))) {
            assertThat(context.getBean(PredictionEngine.class).classCount()).isEqualTo(5);
            assertThat(cache).doesNotExist();
        }
    }

    @Test
    void theGeneratedWebApisPropertyNamesKeepWorking() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        try (ConfigurableApplicationContext context = ServingFixtures.startWeb(Map.of("modelbuilder.model",
                zip.toString(), "modelbuilder.webapi.max-image-size", "30KB", "modelbuilder.webapi.max-batch-images",
                "2"))) {
            ServingFixtures.awaitReady(context);
            URI base = ServingFixtures.base(context);
            assertThat(context.getEnvironment().getProperty("server.tomcat.max-part-count")).isEqualTo("3");
            assertThat(context.getBean(ModelBuilderProperties.class).server().maxBatchImages()).isEqualTo(2);
            Path large = image("rocket.jpg");
            assertThat(Files.size(large)).isGreaterThan(30 * 1024);
            assertProblem(send(raw(base.resolve("/predict"), Files.readAllBytes(large), "image/jpeg")), 413,
                    "image_too_large");
            Path small = image("synth_gray_301x199.jpg");
            assertThat(Files.size(small)).isLessThan(30 * 1024);
            assertThat(json(send(multipart(base.resolve("/predict/batch"), small, small)), 200).size()).isEqualTo(2);
            assertProblem(send(multipart(base.resolve("/predict/batch"), small, small, small)), 400, "too_many_images");
            assertProblem(send(multipart(base.resolve("/predict/batch"), small, small, small, small)), 413,
                    "too_many_parts");
        }
    }

    @Test
    void withTheEndpointsOffAnApplicationServesItsOwnControllerOnTheInjectedEngine() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp.resolve("model"));
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(OwnApplication.class)
                .bannerMode(Banner.Mode.OFF).properties("server.port=0", "spring.main.register-shutdown-hook=false",
                        "modelbuilder.model=" + zip, "modelbuilder.server.enabled=false").run()) {
            URI base = ServingFixtures.base(context);
            Path image = image("coffee.png");
            HttpResponse<String> own = send(raw(base.resolve("/classify"), Files.readAllBytes(image),
                    "application/octet-stream"));
            try (PredictionEngine direct = PredictionEngine.fromPackage(zip)) {
                assertThat(own.statusCode()).as(own.body()).isEqualTo(200);
                assertThat(own.body()).isEqualTo(direct.predict(image).label());
            }
            HttpResponse<String> builtIn = send(raw(base.resolve("/predict"), Files.readAllBytes(image),
                    "application/octet-stream"));
            assertThat(builtIn.statusCode()).isEqualTo(404);
            assertThat(builtIn.body()).as("Spring Boot's own error JSON, not the starter's").doesNotContain("\"detail\"");
            JsonNode health = json(get(base.resolve("/actuator/health")), 200);
            assertThat(health.get("status").asText()).isEqualTo("UP");
        }
    }

    /** An application with its own endpoint on the starter's engine, as the generated Web API's README shows. */
    @SpringBootConfiguration(proxyBeanMethods = false)
    @EnableAutoConfiguration
    @Import(OwnController.class)
    static class OwnApplication {
    }

    @RestController
    static class OwnController {
        private final PredictionEngine engine;

        OwnController(PredictionEngine engine) {
            this.engine = engine;
        }

        @PostMapping(path = "/classify", consumes = "application/octet-stream")
        String classify(@RequestBody byte[] image) {
            Prediction p = engine.predict(image);
            return p.label();
        }
    }

}
