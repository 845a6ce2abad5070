package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import dev.modelbuilder.codegen.testing.GeneratedBuild;
import dev.modelbuilder.scoring.Prediction;
import dev.modelbuilder.scoring.PredictionEngine;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;

/**
 * Tier 3: generates the projects from a packaged fixture model, builds them with Maven <em>offline</em> against a
 * local repository that holds this build's artifacts, runs the console app on fixture images, and checks that it
 * prints what the SDK's own engine predicts. Needs Maven (the one running this build) and the dependencies this
 * build already resolved; it never touches the network.
 */
// runs beside the other test classes: it mostly waits on a nested Maven build and the console apps' JVMs
@Execution(ExecutionMode.CONCURRENT)
@Tag("integration")
class GeneratedProjectBuildTest {
    @TempDir
    Path tmp;

    @Test
    void generatedProjectsBuildOfflineAndPredictLikeTheSdk() throws Exception {
        Path model = ModelFixture.create(tmp.resolve("model"));
        Path sample = ModelFixture.image("rocket.jpg");
        GeneratedProjects projects = ProjectGenerator.forModel(model).withName("Flowers").withSampleImage(sample)
                .generate(tmp.resolve("Flowers"));
        GeneratedBuild.buildOffline(projects.root(), tmp);

        Path jar = projects.consoleProject().resolve("target/flowers-consoleapp.jar");
        assertThat(jar).isRegularFile();
        Path coffee = ModelFixture.image("coffee.png");
        Path gray = ModelFixture.image("synth_gray_301x199.jpg");
        // no argument: the bundled sample, which is rocket.jpg
        List<String> printed = GeneratedBuild.runConsoles(jar, tmp,
                List.of(List.of(coffee.toString()), List.of(gray.toString()), List.of()));
        try (PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            assertPrintsWhatTheEnginePredicts(printed.get(0), engine.predict(coffee));
            assertPrintsWhatTheEnginePredicts(printed.get(1), engine.predict(gray));
            assertPrintsWhatTheEnginePredicts(printed.get(2), engine.predict(sample));
        }
    }

    @Test
    void aMultiLabelModelsProjectsPrintTheLabelsThatPassed() throws Exception {
        Path model = ModelFixture.createMultiLabel(tmp.resolve("multi-model"));
        GeneratedProjects projects = ProjectGenerator.forModel(model).withName("Tags").generate(tmp.resolve("Tags"));
        assertThat(projects.modelProject().resolve("src/main/java/com/example/tags/model/ModelOutput.java"))
                .content().contains("List<String> predictedLabels");
        GeneratedBuild.buildOffline(projects.root(), tmp);
        Path jar = projects.consoleProject().resolve("target/tags-consoleapp.jar");
        Path coffee = ModelFixture.image("coffee.png");
        Path rocket = ModelFixture.image("rocket.jpg");
        List<String> printed = GeneratedBuild.runConsoles(jar, tmp, List.of(List.of(coffee.toString()),
                List.of(rocket.toString())));
        try (PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            for (int i = 0; i < 2; i++) {
                Prediction expected = engine.predict(i == 0 ? coffee : rocket);
                assertThat(printed.get(i)).contains("Predicted labels: " + expected.labels());
                Map<String, Double> scores = GeneratedBuild.parseConsoleOutput(printed.get(i)).getValue();
                expected.scores().forEach((l, p) -> assertThat(scores.get(l)).as(l).isCloseTo(p, within(1e-6)));
            }
        }
    }

    private static void assertPrintsWhatTheEnginePredicts(String output, Prediction expected) {
        Map.Entry<String, Map<String, Double>> printed = GeneratedBuild.parseConsoleOutput(output);
        assertThat(printed.getKey()).as(output).isEqualTo(expected.label());
        assertThat(printed.getValue().keySet()).containsExactlyElementsOf(expected.scores().keySet());
        expected.scores().forEach((l, p) -> assertThat(printed.getValue().get(l)).as(l).isCloseTo(p, within(1e-6)));
    }
}
