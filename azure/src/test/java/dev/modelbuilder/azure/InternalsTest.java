package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.testing.TestImages;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The pure parts: job body, preprocessing choice, redaction, family keys, tracking URIs, back-off, Retry-After. */
class InternalsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path temp;

    @Test
    void theJobBodyFollowsTheTrainingSpec() {
        Path data = TestImages.dataset(temp.resolve("d"), List.of("a", "b"), 5);
        TrainingSpec t = TrainingSpec.fromData(data).withValidationSplit(0.1)
                .withTimeBudget(Duration.ofMinutes(90)).build();
        AzureTrainingOptions o = AzureTrainingOptions.builder().withModel("SEResNeXt").withImageSize(299)
                .withMaxTrials(4).withLearningRate(0.01).withOnnxNormalization(true).withMaxConcurrentTrials(2)
                .build();
        DataUploader.Uploaded up = new DataUploader.Uploaded("modelbuilder-d", "abc", "modelbuilder/datasets/abc",
                10, 10, 0, 100);
        JsonNode p = AutoMlJob.body("exp", "/subscriptions/s/computes/gpu", t, o, up,
                "/subscriptions/s/data/modelbuilder-d/versions/abc", List.of("a", "b"))
                .path("properties");
        assertThat(p.path("jobType").asText()).isEqualTo("AutoML");
        assertThat(p.path("computeId").asText()).isEqualTo("/subscriptions/s/computes/gpu");
        assertThat(p.at("/outputs/best_model/jobOutputType").asText()).isEqualTo("mlflow_model");
        JsonNode task = p.path("taskDetails");
        assertThat(task.at("/trainingData/jobInputType").asText()).isEqualTo("mltable");
        assertThat(task.at("/trainingData/uri").asText()).isEqualTo("/subscriptions/s/data/modelbuilder-d/versions/abc");
        assertThat(task.at("/limitSettings/maxTrials").asInt()).isEqualTo(4);
        assertThat(task.at("/limitSettings/maxConcurrentTrials").asInt()).isEqualTo(2);
        assertThat(task.at("/limitSettings/timeout").asText()).isEqualTo("PT1H30M");
        assertThat(task.at("/validationDataSize").asDouble()).isEqualTo(0.1);
        JsonNode ms = task.path("modelSettings");
        assertThat(ms.has("modelName")).as("four trials of one model are a sweep").isFalse();
        assertThat(task.at("/searchSpace/0/modelName").asText()).isEqualTo("choice('seresnext')");
        assertThat(task.at("/searchSpace/0/learningRate").asText()).isEqualTo("choice(0.01)");
        assertThat(ms.path("validationCropSize").asInt()).isEqualTo(299);
        assertThat(ms.path("validationResizeSize").asInt()).isEqualTo(342);
        assertThat(ms.path("enableOnnxNormalization").asBoolean()).isTrue();
        assertThat(ms.has("maxConcurrentTrials")).isFalse();
        assertThat(ms.has("randomSeed")).as("a sweep's trials must differ: no fixed seed (issue 28)").isFalse();
        assertThat(p.has("identity")).as("data read with stored credentials: no job identity").isFalse();
        assertThat(ImageFolderDataset.scan(data).size()).isEqualTo(10);
    }

    /**
     * The spec's seed goes only to a job of one trial: AutoMode's trials, like a sweep's, are left their own seeds
     * (the REST description's {@code randomSeed} is for deterministic training, and AutoMode's {@code modelSettings}
     * hold for every trial it chooses).
     */
    @Test
    void onlyAJobOfOneTrialIsSentTheSeed() {
        Path data = TestImages.dataset(temp.resolve("d"), List.of("a", "b"), 5);
        TrainingSpec t = TrainingSpec.fromData(data).withSeed(1234).build();
        DataUploader.Uploaded up = new DataUploader.Uploaded("modelbuilder-d", "abc", "modelbuilder/datasets/abc",
                10, 10, 0, 100);
        java.util.function.Function<AzureTrainingOptions, JsonNode> settings = o -> AutoMlJob.body("exp",
                "/subscriptions/s/computes/gpu", t, o, up, "/subscriptions/s/data/modelbuilder-d/versions/abc",
                List.of("a", "b")).at("/properties/taskDetails/modelSettings");
        assertThat(settings.apply(AzureTrainingOptions.defaults()).path("randomSeed").asInt()).isEqualTo(1234);
        assertThat(settings.apply(AzureTrainingOptions.builder().withAutoMode().build()).path("randomSeed").asInt())
                .as("AutoMode with one trial: one model, reproducible").isEqualTo(1234);
        JsonNode autoMode = settings.apply(AzureTrainingOptions.builder().withAutoMode().withMaxTrials(10).build());
        assertThat(autoMode.has("randomSeed")).as("AutoMode's trials get no shared seed").isFalse();
        assertThat(autoMode.has("modelName")).isFalse();
        assertThat(settings.apply(AzureTrainingOptions.builder().withMaxTrials(3).build()).has("randomSeed"))
                .as("a sweep's trials get no shared seed").isFalse();
    }

    @Test
    void pipelineNormalizationFollowsTheJob() {
        ObjectNode job = JSON.createObjectNode();
        ObjectNode ms = job.putObject("properties").putObject("taskDetails").putObject("modelSettings");
        PreprocessingSpec defaults = ModelDownloader.preprocessing(job);
        assertThat(defaults.resizeShorterSide()).isEqualTo(256);
        assertThat(defaults.width()).isEqualTo(224);
        assertThat(defaults.normalize()).isTrue();
        ms.put("enableOnnxNormalization", true).put("validationCropSize", 288).put("validationResizeSize", 320);
        PreprocessingSpec inGraph = ModelDownloader.preprocessing(job);
        assertThat(inGraph.normalize()).isFalse();
        assertThat(inGraph.width()).isEqualTo(288);
        assertThat(inGraph.resizeShorterSide()).isEqualTo(320);
    }

    /** Issue 28, item 6: the input shape is read from the ONNX protobuf without loading the model. */
    @Test
    void theOnnxInputShapeIsReadFromTheModelFile() throws Exception {
        Path model = temp.resolve("m.onnx");
        java.nio.file.Files.write(model, dev.modelbuilder.azure.testing.OnnxModels.normalizingClassifier(3, 7, 288));
        assertThat(OnnxInputShape.of(model, "input1")).containsExactly(-1, 3, 288, 288);
        assertThat(OnnxInputShape.of(model, "input2")).isNull();
        assertThat(OnnxInputShape.of(dev.modelbuilder.testdata.ImageClassificationFixtures.tinyModel(), "input1"))
                .containsExactly(-1, 3, 224, 224);
        Path garbage = temp.resolve("g.onnx");
        java.nio.file.Files.write(garbage, new byte[] {(byte) 0xff, (byte) 0xff, 0x01, 0x7f});
        assertThat(OnnxInputShape.of(garbage, "input1")).isNull();
        ObjectNode job = JSON.createObjectNode();
        job.putObject("properties").putObject("taskDetails").putObject("modelSettings");
        PreprocessingSpec auto = ModelDownloader.preprocessing(job, new long[] {-1, 3, 288, 288});
        assertThat(auto.width()).isEqualTo(288);
        assertThat(auto.resizeShorterSide()).isEqualTo(329);
        ((ObjectNode) job.at("/properties/taskDetails/modelSettings")).put("validationCropSize", 224)
                .put("validationResizeSize", 240);
        assertThat(ModelDownloader.preprocessing(job, new long[] {-1, 3, 224, 224}).resizeShorterSide())
                .as("the job's resize for the crop it names").isEqualTo(240);
        assertThat(ModelDownloader.preprocessing(job, new long[] {-1, 3, 384, 384}).width())
                .as("the model's own size wins").isEqualTo(384);
    }

    @Test
    void redactionRemovesQueriesSignaturesAndTokens() {
        assertThat(Redact.url("https://h/p?sig=abc&se=1")).isEqualTo("https://h/p?<query redacted>");
        String text = Redact.text("GET https://acc.blob.core.windows.net/c/b?sv=2023&sig=SECRET%3D failed; "
                + "Authorization: Bearer eyJ0eXAi.abc.def; AccountKey=KEYKEY==;");
        assertThat(text).doesNotContain("SECRET").doesNotContain("eyJ0eXAi").doesNotContain("KEYKEY")
                .contains("https://acc.blob.core.windows.net/c/b?<redacted>");
    }

    @Test
    void quotaFamiliesMatchAcrossVmSizesAndUsages() {
        assertThat(AzureComputes.familyKey("standardNCASv3_T4Family"))
                .isEqualTo(AzureComputes.familyKey("Standard NCASv3_T4 Family Cluster Dedicated vCPUs"))
                .isEqualTo("ncasv3t4");
        assertThat(AzureComputes.familyKey("StandardNCADSA100v4Family"))
                .isEqualTo(AzureComputes.familyKey("Standard NCADSA100v4 Family Cluster LowPriority vCPUs"));
        assertThat(AzureComputes.familyKey("standardNCFamily")).isEqualTo("nc");
    }

    @Test
    void trackingUrisBecomeHttpsBases() {
        assertThat(DataPlane.mlflowBase("azureml://eastus2.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/r"
                + "/providers/Microsoft.MachineLearningServices/workspaces/w?"))
                .isEqualTo("https://eastus2.api.azureml.ms/mlflow/v1.0/subscriptions/s/resourceGroups/r/providers/"
                        + "Microsoft.MachineLearningServices/workspaces/w");
        assertThat(DataPlane.mlflowBase("http://insecure/x")).isNull();
        assertThat(DataPlane.mlflowBase(null)).isNull();
        ObjectNode run = JSON.createObjectNode();
        ObjectNode dataNode = run.putObject("data");
        var metrics = dataNode.putArray("metrics");
        metrics.addObject().put("key", "accuracy").put("value", 0.5).put("timestamp", 1).put("step", 0);
        metrics.addObject().put("key", "accuracy").put("value", 0.8).put("timestamp", 2).put("step", 1);
        dataNode.putArray("tags").addObject().put("key", "automl_best_child_run_id").put("value", "r_0");
        assertThat(DataPlane.metrics(run)).containsEntry("accuracy", 0.8);
        assertThat(DataPlane.tag(run, "automl_best_child_run_id")).isEqualTo("r_0");
    }

    @Test
    void backOffIsExponentialJitteredAndCapped() {
        ArmRetryPolicy p = new ArmRetryPolicy(5, Duration.ofMillis(100), Duration.ofSeconds(2), d -> { },
                new HttpStats());
        for (int i = 0; i < 200; i++) {
            assertThat(p.backoff(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
            assertThat(p.backoff(3)).isBetween(Duration.ofMillis(400), Duration.ofMillis(800));
            assertThat(p.backoff(40)).isBetween(Duration.ofSeconds(1), Duration.ofSeconds(2));
        }
        assertThat(ArmRetryPolicy.isTransient(new java.io.UncheckedIOException(new java.net.SocketException("reset"))))
                .isTrue();
        assertThat(ArmRetryPolicy.isTransient(new RuntimeException(new javax.net.ssl.SSLHandshakeException("x") {
            private static final long serialVersionUID = 1L;
            {
                initCause(new java.security.cert.CertificateException("untrusted"));
            }
        }))).isFalse();
    }

    @Test
    void retryAfterHeadersAreRead() {
        assertThat(ArmResponse.retryAfter(new HttpHeaders().set(HttpHeaderName.RETRY_AFTER, "12")))
                .isEqualTo(Duration.ofSeconds(12));
        assertThat(ArmResponse.retryAfter(new HttpHeaders().set(HttpHeaderName.fromString("x-ms-retry-after-ms"),
                "1500").set(HttpHeaderName.RETRY_AFTER, "9"))).isEqualTo(Duration.ofMillis(1500));
        assertThat(ArmResponse.retryAfter(new HttpHeaders().set(HttpHeaderName.RETRY_AFTER,
                "Fri, 01 Jan 2100 00:00:00 GMT"))).isPositive();
        assertThat(ArmResponse.retryAfter(new HttpHeaders())).isNull();
    }
}
