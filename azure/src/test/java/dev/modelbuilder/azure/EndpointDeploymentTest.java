package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.catchThrowable;

import com.azure.core.http.policy.HttpLogDetailLevel;
import com.azure.core.http.policy.HttpLogOptions;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.azure.testing.FaultPlan.Fault;
import dev.modelbuilder.azure.testing.EndpointResources.Received;
import dev.modelbuilder.azure.testing.SpecFields;
import dev.modelbuilder.core.Endpoints;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.exception.DeploymentFailedException;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.ScoringException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.PredictionEngine;
import dev.modelbuilder.serving.ModelServer;
import dev.modelbuilder.testdata.ImageClassificationFixtures;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model behind a managed online endpoint, against the ARM emulator and Azurite, with every request body checked
 * against the REST description (the validator's required fields and enums, {@link SpecFields}' unknown fields) and
 * the scoring URI in front of a real {@code serve} server, so that the smoke test really scores.
 */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class EndpointDeploymentTest {
    private static final String WS = "deploy-ws";
    private static ModelServer server;
    private static Path model;
    private final EmulatedAzure azure;

    @TempDir
    Path temp;

    EndpointDeploymentTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @BeforeAll
    static void startTheInstance(@TempDir Path dir) throws Exception {
        model = dir.resolve("model");
        ServerContainerTest.modelPackage(model);
        server = ModelServer.builder().withModel(model).withPort(0).build();
        server.start();
    }

    @AfterAll
    static void stopTheInstance() {
        server.close();
    }

    @BeforeEach
    void workspace() {
        azure.arm.addWorkspaceMadeElsewhere(WS, "eastus");
        azure.arm.setScoringTarget(server.url());
    }

    private List<JsonNode> bodies(String method, String pathPart) {
        return azure.arm.endpointRequests().stream().filter(r -> r.method().equals(method)
                && r.path().contains(pathPart)).map(Received::body).toList();
    }

    @Test
    void deploysScoresAndIsDeletedAndASecondDeployReusesTheModelWithTheKeyNeverShown() throws Exception {
        ByteArrayOutputStream captured = new ByteArrayOutputStream();
        PrintStream err = System.err;
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        List<String> messages = new ArrayList<>();
        Endpoint created;
        Path image = ImageClassificationFixtures.imageFiles().get(0);
        System.setErr(new PrintStream(captured, true, StandardCharsets.UTF_8));
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().withHttpLogOptions(new HttpLogOptions()
                .setLogLevel(HttpLogDetailLevel.BODY_AND_HEADERS)).build());
                PredictionEngine engine = PredictionEngine.fromPackage(model.resolve("MLModel.zip"))) {
            Endpoints endpoints = mb.workspace(WS).endpoints();
            created = endpoints.define("flowers-ep").withModel(model).withListener(events::add).create();

            assertThat(created.isReady()).isTrue();
            assertThat(created.deployment()).isEqualTo("blue");
            assertThat(created.instanceType()).isEqualTo("Standard_DS3_v2");
            assertThat(created.instanceCount()).isEqualTo(1);
            assertThat(created.traffic()).isEqualTo(Map.of("blue", 100));
            assertThat(created.model()).endsWith("/models/mb-flowers-ep/versions/1");

            // the bodies, as the REST description defines them
            String sha = EndpointAssets.sha256(model.resolve("MLModel.zip"));
            JsonNode modelVersion = bodies("PUT", "/models/mb-flowers-ep/versions/1").get(0);
            assertThat(modelVersion.at("/properties/modelType").asText()).isEqualTo("custom_model");
            assertThat(modelVersion.at("/properties/modelUri").asText())
                    .isEqualTo("azureml://datastores/workspaceblobstore/paths/modelbuilder/models/" + sha + "/");
            assertThat(modelVersion.at("/properties/tags/sha256").asText()).isEqualTo(sha);
            JsonNode environment = bodies("PUT", "/environments/modelbuilder-serve/versions/").get(0);
            assertThat(environment.at("/properties/build/contextUri").asText()).endsWith("/").contains(
                    "/modelbuilder/environments/");
            assertThat(environment.at("/properties/build/dockerfilePath").asText()).isEqualTo("Dockerfile");
            assertThat(environment.at("/properties/inferenceConfig/livenessRoute/path").asText())
                    .isEqualTo("/health/live");
            assertThat(environment.at("/properties/inferenceConfig/readinessRoute/path").asText()).isEqualTo("/health");
            assertThat(environment.at("/properties/inferenceConfig/scoringRoute/path").asText()).isEqualTo("/predict");
            assertThat(environment.at("/properties/inferenceConfig/scoringRoute/port").asInt()).isEqualTo(8080);
            assertThat(azure.arm.builtContexts()).hasSize(1);
            List<JsonNode> endpointPuts = bodies("PUT", "/onlineEndpoints/flowers-ep").stream()
                    .filter(b -> !b.path("properties").has("endpointComputeType")).toList();
            assertThat(endpointPuts).hasSize(2);
            assertThat(endpointPuts.get(0).at("/properties/authMode").asText()).isEqualTo("Key");
            assertThat(endpointPuts.get(0).at("/identity/type").asText()).isEqualTo("SystemAssigned");
            assertThat(endpointPuts.get(0).at("/properties/traffic").size()).isZero();
            assertThat(endpointPuts.get(1).at("/properties/traffic/blue").asInt()).as("a full PUT routes the traffic")
                    .isEqualTo(100);
            assertThat(endpointPuts.get(1).at("/properties/authMode").asText()).isEqualTo("Key");
            JsonNode deployment = bodies("PUT", "/deployments/blue").get(0);
            assertThat(deployment.at("/sku/capacity").asInt()).isEqualTo(1);
            assertThat(deployment.at("/properties/endpointComputeType").asText()).isEqualTo("Managed");
            assertThat(deployment.at("/properties/instanceType").asText()).isEqualTo("Standard_DS3_v2");
            assertThat(deployment.at("/properties/model").asText()).endsWith("/workspaces/" + WS
                    + "/models/mb-flowers-ep/versions/1");
            assertThat(deployment.at("/properties/environmentId").asText()).contains("/environments/modelbuilder-serve/");
            assertThat(deployment.at("/properties/livenessProbe/failureThreshold").asInt()
                    * Duration.parse(deployment.at("/properties/livenessProbe/period").asText()).toSeconds())
                    .as("a JVM gets minutes, not Azure's default seconds, to start").isGreaterThanOrEqualTo(240);
            // readiness: the server answers /health once the model is loaded, which on a cold JVM takes a while;
            // Azure's defaults (azure-ai-ml ProbeSettings: 30 failures 10 s apart, 2 s timeout; OnlineRequestSettings:
            // 5 s per request, 1 at a time) are too tight for a JVM's first requests and waste the instance's cores
            JsonNode readiness = deployment.at("/properties/readinessProbe");
            assertThat(readiness.isObject()).as("a readiness probe is sent").isTrue();
            assertThat(readiness.path("failureThreshold").asInt()
                    * Duration.parse(readiness.path("period").asText()).toSeconds())
                    .as("10 minutes to load the model").isGreaterThanOrEqualTo(600);
            assertThat(Duration.parse(readiness.path("initialDelay").asText())).isEqualTo(Duration.ofSeconds(10));
            assertThat(readiness.path("successThreshold").asInt()).isEqualTo(1);
            for (String probe : List.of("livenessProbe", "readinessProbe")) {
                assertThat(Duration.parse(deployment.at("/properties/" + probe + "/timeout").asText()))
                        .as(probe + " timeout: more than Azure's 2 s default").isEqualTo(Duration.ofSeconds(5));
            }
            assertThat(Duration.parse(deployment.at("/properties/livenessProbe/initialDelay").asText()))
                    .isEqualTo(Duration.ofSeconds(30));
            assertThat(Duration.parse(deployment.at("/properties/requestSettings/requestTimeout").asText()))
                    .as("first requests compile the code paths: more than Azure's 5 s default")
                    .isEqualTo(Duration.ofSeconds(60));
            assertThat(deployment.at("/properties/requestSettings/maxConcurrentRequestsPerInstance").asInt())
                    .as("one request per vCPU of a Standard_DS3_v2").isEqualTo(4);
            for (String[] definition : new String[][] {{"OnlineDeploymentTrackedResource", "/deployments/blue"},
                    {"ModelVersionResource", "/models/"}, {"EnvironmentVersionResource", "/environments/"}}) {
                for (JsonNode b : bodies("PUT", definition[1])) {
                    assertThat(SpecFields.unknown(definition[0], b)).as(definition[0]).isEmpty();
                }
            }
            for (JsonNode b : endpointPuts) {
                assertThat(SpecFields.unknown("OnlineEndpointTrackedResource", b)).isEmpty();
            }

            // progress: the three steps, the deployment's elapsed time, and the smoke test through the scoring URI
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.StepCompleted)
                    .extracting(e -> ((ProgressEvent.StepCompleted) e).step())
                    .containsExactly(WorkStep.UPLOAD_MODEL, WorkStep.DEPLOY_MODEL, WorkStep.TEST_ENDPOINT);
            assertThat(events).anyMatch(e -> e instanceof ProgressEvent.StepProgress p
                    && p.step() == WorkStep.DEPLOY_MODEL && p.unit().contains("elapsed"));
            assertThat(azure.arm.scoringRequests()).containsExactly("flowers-ep blue /predict");
            assertThat(azure.sleeper.waits()).as("Retry-After honoured").contains(Duration.ofSeconds(10));

            // invoke answers as predict does; logs; a second deploy of the same model reuses both versions
            assertThat(endpoints.invoke("flowers-ep", image).label()).isEqualTo(engine.predict(image).label());
            assertThat(endpoints.logs("flowers-ep")).contains("Serving at");
            assertThat(endpoints.logs("flowers-ep", EndpointLogSource.STORAGE_INITIALIZER, 5))
                    .contains("azureml://datastores/workspaceblobstore/paths/modelbuilder/models/" + sha);
            int environmentPuts = bodies("PUT", "/environments/").size();
            // again, through a network that drops, throttles and fails a quarter of the requests
            azure.arm.faults().random(0.25, 20261207L, Fault.THROTTLE, Fault.SERVER_ERROR, Fault.UNAVAILABLE,
                    Fault.DROP_BEFORE, Fault.DROP_AFTER, Fault.GATEWAY_TIMEOUT_AFTER);
            LongRunningOperation<Endpoint> update = endpoints.define("flowers-ep")
                    .withModel(model.resolve("MLModel.zip")).beginCreate();
            assertThat(update.resumeToken()).isEqualTo("azure:endpoint:" + WS + ":flowers-ep:blue");
            Endpoint again = update.waitForCompletion(Duration.ofMinutes(5));
            assertThat(again.model()).endsWith("/models/mb-flowers-ep/versions/1");
            assertThat(endpoints.invoke("flowers-ep", image).label()).isEqualTo(engine.predict(image).label());
            assertThat(azure.arm.faults().total()).as("faults were injected").isGreaterThan(3);
            azure.arm.faults().off();
            assertThat(azure.arm.modelVersions(WS, "mb-flowers-ep")).containsOnlyKeys("1");
            assertThat(bodies("PUT", "/environments/")).hasSize(environmentPuts);
            assertThat(endpoints.resume(update.resumeToken()).waitForCompletion(Duration.ofMinutes(1)).deployment())
                    .isEqualTo("blue");
            // a green deployment takes the traffic; blue, left without any, is named as still billing
            List<ProgressEvent> green = new CopyOnWriteArrayList<>();
            Endpoint switched = endpoints.define("flowers-ep").withModel(model).withListener(green::add)
                    .withOptions(AzureEndpointOptions.builder().withDeploymentName("green").build()).create();
            assertThat(switched.traffic()).isEqualTo(Map.of("green", 100));
            assertThat(green).anyMatch(e -> e instanceof ProgressEvent.LogLine l
                    && l.line().contains("deployment 'blue' gets no traffic now") && l.line().contains("still bill"));
            messages.add(String.valueOf(catchThrowable(() -> endpoints.invoke("flowers-ep", new byte[] {1, 2}))));

            assertThat(endpoints.delete("flowers-ep").existed()).isTrue();
            assertThat(azure.arm.endpointNames(WS)).isEmpty();
            assertThat(azure.arm.count("GET", "mfeOperationResults")).as("the delete is followed by its Location")
                    .isPositive();
            assertThat(endpoints.delete("flowers-ep").existed()).isFalse();
        } finally {
            System.setErr(err);
        }
        String log = captured.toString(StandardCharsets.UTF_8);
        assertThat(log).as("HTTP logging was on").contains("onlineEndpoints");
        assertThat(azure.arm.keysHandedOut()).isNotEmpty();
        for (String key : azure.arm.keysHandedOut()) {
            assertThat(log).doesNotContain(key);
            assertThat(events.toString()).doesNotContain(key);
            assertThat(messages.toString()).doesNotContain(key);
        }
        assertThat(messages.get(0)).contains("400");
    }

    @Test
    void aFailedDeploymentFetchesBothLogsAndSaysWhatToDo() throws Exception {
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            Endpoints endpoints = mb.workspace(WS).endpoints();
            azure.arm.failNextDeployment("ImageBuildFailure", "Image build failed. The build log is available in the "
                    + "workspace blob store 'store' under the path '/azureml/ImageLogs/abc/build.log'.");
            DeploymentFailedException build = deployFails(endpoints);
            assertThat(build.serviceCode()).contains("ImageBuildFailure");
            assertThat(build).hasMessageContaining("ImageLogs").hasMessageContaining("build.log")
                    .hasMessageContaining("modelbuilder endpoints delete flowers-ep");

            azure.arm.failNextDeployment("OutOfQuota", "Not enough quota available for Standard_DS3_v2.");
            DeploymentFailedException quota = deployFails(endpoints);
            assertThat(quota.serviceCode()).contains("OutOfQuota");
            assertThat(quota).hasMessageContaining("request more quota");

            azure.arm.failNextDeployment("ResourceNotReady", "User container has crashed or terminated: liveness "
                    + "probe failed", "error: model 'MLModel.zip' does not load: out of memory");
            DeploymentFailedException live = deployFails(endpoints);
            assertThat(live.serviceCode()).contains("ResourceNotReady");
            assertThat(live).hasMessageContaining("liveness");
            assertThat(live.logs().get("inference-server")).contains("does not load: out of memory");
            assertThat(live.logs().get("storage-initializer")).contains("downloading azureml://datastores/");
            assertThat(azure.arm.count("POST", "/getLogs")).isEqualTo(6);
            assertThat(azure.arm.modelVersions(WS, "mb-flowers-ep")).as("every attempt reused the model version")
                    .containsOnlyKeys("1");
        }
    }

    @Test
    void anImageOfOnesOwnIsTheEnvironmentsImageAndNoBuildContextIsUploaded() throws Exception {
        String image = "myregistry.azurecr.io/flowers-serve:1";
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            Endpoint created = mb.workspace(WS).endpoints().define("flowers-ep").withModel(model)
                    .withOptions(AzureEndpointOptions.builder().withImage(image).build()).create();
            assertThat(created.isReady()).isTrue();
        }
        List<JsonNode> environments = bodies("PUT", "/environments/modelbuilder-serve/versions/");
        assertThat(environments).hasSize(1);
        JsonNode environment = environments.get(0).path("properties");
        assertThat(environment.path("image").asText()).isEqualTo(image);
        assertThat(environment.has("build")).as("no build context named").isFalse();
        assertThat(environment.at("/inferenceConfig/scoringRoute/path").asText()).isEqualTo("/predict");
        assertThat(SpecFields.unknown("EnvironmentVersionResource", environments.get(0))).isEmpty();
        assertThat(bodies("PUT", "/deployments/blue").get(0).at("/properties/environmentId").asText())
                .contains("/environments/modelbuilder-serve/versions/");
        assertThat(azure.arm.builtContexts()).as("Azure built no image").isEmpty();
        List<String> blobs = azure.arm.dataContainer(WS).listBlobs().stream().map(b -> b.getName()).toList();
        assertThat(blobs).as("the model went to the datastore")
                .contains("modelbuilder/models/" + EndpointAssets.sha256(model.resolve("MLModel.zip")) + "/MLModel.zip");
        assertThat(blobs).as("no build context was uploaded").noneMatch(n -> n.startsWith("modelbuilder/environments/"));
        assertThat(azure.arm.scoringRequests()).containsExactly("flowers-ep blue /predict");
    }

    @Test
    void theSmokeTestScoresTheGeneratedProjectsSampleElseTheImageNearestTheModelFolder() throws Exception {
        List<Path> images = ImageClassificationFixtures.imageFiles();
        // a project generated into the model folder keeps its sample 9 folders down; an image of the user's is nearer
        Path withProject = Files.createDirectories(temp.resolve("with-project"));
        Files.copy(model.resolve("MLModel.zip"), withProject.resolve("MLModel.zip"));
        Files.copy(images.get(0), Files.createDirectories(withProject.resolve("images")).resolve("a.png"));
        Path sample = Files.createDirectories(withProject.resolve(
                "Flowers.ConsoleApp/src/main/resources/com/example/flowers/consoleapp")).resolve("sample.png");
        Files.copy(images.get(1), sample);
        Path plain = Files.createDirectories(temp.resolve("plain"));
        Files.copy(model.resolve("MLModel.zip"), plain.resolve("MLModel.zip"));
        Path top = plain.resolve("zinnia.png");
        Files.copy(images.get(3), top);
        Files.copy(images.get(2), Files.createDirectories(plain.resolve("data/test/daisy")).resolve("a.jpg"));
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            Endpoints endpoints = mb.workspace(WS).endpoints();
            endpoints.define("flowers-ep").withModel(withProject).create();
            assertThat(azure.arm.scoredImages()).as("the generated project's sample")
                    .containsExactly(EndpointAssets.sha256(sample));
            endpoints.define("flowers-ep").withModel(plain.resolve("MLModel.zip")).create();
            assertThat(azure.arm.scoredImages()).as("the shallowest image of the model folder")
                    .containsExactly(EndpointAssets.sha256(sample), EndpointAssets.sha256(top));
        }
    }

    @Test
    void theSmokeTestFailsWhenTheEndpointAnswersLabelsTheModelDoesNotHave() throws Exception {
        // the instance serves another model: same network, other label names
        Path other = Files.createDirectories(temp.resolve("other"));
        LabelMap ours = LabelMap.read(ImageClassificationFixtures.labelMap());
        List<String> theirs = new ArrayList<>();
        for (int i = 0; i < ours.size(); i++) {
            theirs.add("other-" + ours.label(i));
        }
        ModelPackage.write(other.resolve("MLModel.zip"), ImageClassificationFixtures.tinyModel(), LabelMap.of(theirs),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelServer wrong = ModelServer.builder().withModel(other).withPort(0).build();
                ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            wrong.start();
            azure.arm.setScoringTarget(wrong.url());
            assertThatThrownBy(() -> mb.workspace(WS).endpoints().define("flowers-ep").withModel(model)
                    .withListener(events::add).create()).isInstanceOf(ScoringException.class)
                    .hasMessageContaining("labels the model does not have").hasMessageContaining("other-")
                    .hasMessageContaining("it serves another model");
        }
        assertThat(azure.arm.scoringRequests()).containsExactly("flowers-ep blue /predict");
        assertThat(events).anyMatch(e -> e instanceof ProgressEvent.StepFailed f && f.step() == WorkStep.TEST_ENDPOINT);
        assertThat(events).noneMatch(e -> e instanceof ProgressEvent.StepCompleted c
                && c.step() == WorkStep.TEST_ENDPOINT);
    }

    private DeploymentFailedException deployFails(Endpoints endpoints) {
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        Throwable thrown = catchThrowable(() -> endpoints.define("flowers-ep").withModel(model)
                .withListener(events::add).create());
        assertThat(thrown).isInstanceOf(DeploymentFailedException.class);
        assertThat(events).anyMatch(e -> e instanceof ProgressEvent.StepFailed f && f.step() == WorkStep.DEPLOY_MODEL);
        DeploymentFailedException failed = (DeploymentFailedException) thrown;
        assertThat(failed.logs()).containsOnlyKeys("storage-initializer", "inference-server");
        return failed;
    }

    @Test
    void theQuotaIsCheckedWithTheUpgradeReserveBeforeAnythingIsCreated() {
        azure.arm.setQuota("dsv2", 10, 3);   // 7 free: one Standard_DS3_v2 takes ceil(1.2) x 4 = 8
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            assertThatThrownBy(() -> mb.workspace(WS).endpoints().define("flowers-ep").withModel(model).create())
                    .isInstanceOf(QuotaExceededException.class).hasMessageContaining("8 needed, 7 available")
                    .hasMessageContaining("reserves 20 %");
        }
        assertThat(azure.arm.endpointRequests()).isEmpty();
        assertThat(azure.arm.count("PUT", ".")).isZero();
    }

    @Test
    void aBadNameOrInstanceTypeFailsBeforeAnyCall() {
        try (ModelBuilder mb = ModelBuilder.using(azure.builder().build())) {
            Endpoints endpoints = mb.workspace(WS).endpoints();
            assertThatThrownBy(() -> endpoints.define("1-flowers")).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("3-32 letters, digits or hyphens");
            assertThatThrownBy(() -> endpoints.define("flowers-")).isInstanceOf(ValidationException.class);
            assertThatThrownBy(() -> endpoints.define("ab")).isInstanceOf(ValidationException.class);
            assertThatThrownBy(() -> endpoints.define("flowers-ep").withModel(model)
                    .withInstanceType("Standard_NC4as_T4_v2").create()).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("Standard_DS3_v2");
            assertThatThrownBy(() -> endpoints.define("flowers-ep").withModel(model)
                    .withInstanceType("Standard_NC24ads_A100_v4").withOptions(AzureEndpointOptions.builder()
                            .withServerJars(List.of(temp)).build()).create()).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("modelbuilder-spring-boot-starter");
            assertThatThrownBy(() -> AzureEndpointOptions.builder().withDeploymentName("b").withImage("HTTP://x y")
                    .build()).isInstanceOf(ValidationException.class).hasMessageContaining("deployment name")
                    .hasMessageContaining("image");
        }
        assertThat(azure.arm.interactions()).as("nothing was sent").isEmpty();
    }
}
