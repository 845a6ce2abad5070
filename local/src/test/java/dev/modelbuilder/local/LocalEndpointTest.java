package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.Endpoints;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointOptions;
import dev.modelbuilder.core.model.EndpointPrediction;
import dev.modelbuilder.core.model.EndpointState;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The local provider's endpoint: the serve server in this process, created, invoked like predict, and deleted. */
class LocalEndpointTest {
    @TempDir
    Path temp;

    static Path modelFolder(Path dir) throws IOException {
        Files.createDirectories(dir);
        ModelPackage.write(dir.resolve("MLModel.zip"), ImageClassificationFixtures.tinyModel(),
                LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        return dir;
    }

    @Test
    void createsAnEndpointThatAnswersAsPredictDoesAndStopsWhenDeleted() throws Exception {
        Path model = modelFolder(temp.resolve("model"));
        Path image = ImageClassificationFixtures.imageFiles().get(0);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root")).build());
                PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            Endpoints endpoints = mb.workspace("local-ws").endpoints();
            Endpoint created = endpoints.define("flowers").withModel(model).withListener(events::add).create();

            assertThat(created.isReady()).isTrue();
            assertThat(created.state()).isEqualTo(EndpointState.SUCCEEDED);
            assertThat(created.scoringUri().getHost()).isEqualTo("127.0.0.1");
            assertThat(created.scoringUri().getPath()).isEqualTo("/predict");
            assertThat(events).contains(new ProgressEvent.StepStarted(WorkStep.DEPLOY_MODEL))
                    .anyMatch(e -> e instanceof ProgressEvent.StepCompleted c && c.step() == WorkStep.DEPLOY_MODEL);

            Prediction want = engine.predict(image);
            EndpointPrediction got = endpoints.invoke("flowers", image);
            assertThat(got.label()).isEqualTo(want.label());
            assertThat(got.labels()).containsExactly(want.label());
            assertThat(got.scores().keySet()).containsExactlyElementsOf(want.scores().keySet());
            want.scores().forEach((label, p) -> assertThat(got.scores().get(label)).isCloseTo(p,
                    org.assertj.core.api.Assertions.within(1e-6)));

            assertThat(endpoints.get("flowers").scoringUri()).isEqualTo(created.scoringUri());
            assertThat(endpoints.list().stream().map(Endpoint::name)).containsExactly("flowers");
            assertThat(endpoints.logs("flowers")).contains("serving", "POST /predict");
            assertThat(endpoints.logs("flowers", EndpointLogSource.STORAGE_INITIALIZER, 10)).isEmpty();
            assertThatThrownBy(() -> endpoints.invoke("flowers", "not an image".getBytes()))
                    .isInstanceOf(ScoringException.class).hasMessageContaining("400");

            assertThat(endpoints.delete("flowers").existed()).isTrue();
            assertThat(listening(created)).as("the server stopped").isFalse();
            assertThatThrownBy(() -> endpoints.get("flowers")).isInstanceOf(ResourceNotFoundException.class);
            assertThat(endpoints.delete("flowers").existed()).isFalse();
        }
    }

    @Test
    void closingTheProviderStopsItsEndpointsAndOptionsOfAnotherProviderAreRefused() throws Exception {
        Path model = modelFolder(temp.resolve("model"));
        Endpoint created;
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root")).build())) {
            Endpoints endpoints = mb.workspace("local-ws").endpoints();
            EndpointOptions azure = () -> "azure";
            assertThatThrownBy(() -> endpoints.define("flowers").withModel(model).withOptions(azure).create())
                    .isInstanceOf(ValidationException.class).hasMessageContaining("provider 'local'");
            created = endpoints.define("flowers").withModel(model.resolve("MLModel.zip")).create();
            assertThat(listening(created)).isTrue();
        }
        assertThat(listening(created)).as("closing the provider stopped its endpoint").isFalse();
    }

    private static boolean listening(Endpoint e) {
        try (Socket s = new Socket(e.scoringUri().getHost(), e.scoringUri().getPort())) {
            return s.isConnected();
        } catch (IOException ex) {
            return false;
        }
    }
}
