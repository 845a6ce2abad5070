package dev.modelbuilder.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.RgbImage;
import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.serving.implementation.ModelHealthIndicator;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.health.contributor.Status;
import org.springframework.core.io.DefaultResourceLoader;

/** The served model without a web server: its states, the health indicator over them, where it is looked for. */
class ServedModelTest {
    @TempDir
    Path tmp;

    static ModelBuilderProperties properties(String... keyValues) {
        MapConfigurationPropertySource source = new MapConfigurationPropertySource();
        for (int i = 0; i < keyValues.length; i += 2) {
            source.put(keyValues[i], keyValues[i + 1]);
        }
        return new Binder(source).bindOrCreate("modelbuilder", Bindable.of(ModelBuilderProperties.class));
    }

    @Test
    void healthIsDownUntilTheModelIsLoadedThenUp() throws Exception {
        Path zip = ServingFixtures.modelPackage(tmp);
        try (ServedModel model = new ServedModel(properties("modelbuilder.model", zip.toString()),
                new DefaultResourceLoader())) {
            ModelHealthIndicator health = new ModelHealthIndicator(model);
            assertThat(model.status()).isEqualTo(ServedModel.Status.LOADING);
            assertThat(health.health().getStatus()).isEqualTo(Status.DOWN);
            assertThat(health.health().getDetails()).containsEntry("state", "LOADING");
            assertThatThrownBy(model::engine).isInstanceOf(InvalidStateException.class).hasMessageContaining("loading");

            model.awaitEngine(Duration.ofMinutes(1));
            assertThat(model.status()).isEqualTo(ServedModel.Status.READY);
            assertThat(health.health().getStatus()).isEqualTo(Status.UP);
            assertThat(health.health().getDetails()).containsEntry("model", "MLModel").containsKey("sha256");
            assertThat(model.engine().labels().size()).isEqualTo(5);
        }
    }

    @Test
    void aModelThatCannotBeLoadedIsFailedAndDown() throws Exception {
        Path broken = Files.write(tmp.resolve("MLModel.zip"), new byte[] {'P', 'K', 3, 4, 0, 0});
        try (ServedModel model = new ServedModel(properties("modelbuilder.model", broken.toString()),
                new DefaultResourceLoader())) {
            assertThatThrownBy(() -> model.awaitEngine(Duration.ofMinutes(1))).isInstanceOf(ModelLoadException.class);
            assertThat(model.status()).isEqualTo(ServedModel.Status.FAILED);
            assertThat(new ModelHealthIndicator(model).health().getStatus()).isEqualTo(Status.DOWN);
            assertThatThrownBy(model::engine).isInstanceOf(InvalidStateException.class)
                    .hasMessageContaining("could not be loaded");
        }
    }

    @Test
    void refusesAMissingOrUnknownLocationAndABadExecutionProvider() throws Exception {
        DefaultResourceLoader loader = new DefaultResourceLoader();
        assertThatThrownBy(() -> new ServedModel(properties(), loader)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("modelbuilder.model");
        assertThatThrownBy(() -> new ServedModel(properties("modelbuilder.model", tmp.resolve("none.zip").toString()),
                loader)).isInstanceOf(ValidationException.class).hasMessageContaining("none.zip");
        assertThatThrownBy(() -> new ServedModel(properties("modelbuilder.model", "classpath:/no/such/MLModel.zip"),
                loader)).isInstanceOf(ValidationException.class).hasMessageContaining("no such resource");
        Path zip = ServingFixtures.modelPackage(tmp);
        assertThatThrownBy(() -> new ServedModel(properties("modelbuilder.model", zip.toString(),
                "modelbuilder.engine.execution-provider", "tpu"), loader)).isInstanceOf(ValidationException.class)
                .hasMessageContaining("cpu, cuda or cuda:N");
    }

    @Test
    void aFolderIsSearchedForExactlyOnePackage() throws Exception {
        Path one = ServingFixtures.modelPackage(tmp.resolve("a/b/c"));
        assertThat(ModelLocation.find(tmp, "--model")).isEqualTo(one);
        assertThat(ModelLocation.find(one, "--model")).isEqualTo(one);
        Path two = ServingFixtures.modelPackage(tmp.resolve("d"));
        assertThatThrownBy(() -> ModelLocation.find(tmp, "--model")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("2 packages").hasMessageContaining(one.toString())
                .hasMessageContaining(two.toString()).hasMessageContaining("--model");
        Path empty = Files.createDirectories(tmp.resolve("empty"));
        assertThatThrownBy(() -> ModelLocation.find(empty, "--model")).isInstanceOf(ValidationException.class)
                .hasMessageContaining("holds no MLModel.zip");
    }

    @Test
    void theTestsBombIsAValidPng() throws Exception {
        RgbImage small = ImageDecoder.decode(ServingFixtures.pngBomb(300, 200));
        assertThat(small.width()).isEqualTo(300);
        assertThat(small.height()).isEqualTo(200);
    }
}
