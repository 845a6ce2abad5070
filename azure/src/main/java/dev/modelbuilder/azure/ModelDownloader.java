package dev.modelbuilder.azure;

import dev.modelbuilder.core.exception.FileAccessException;
import com.azure.storage.blob.BlobClient;
import com.azure.storage.blob.models.BlobStorageException;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.scoring.ModelVerifier;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Fetches the model of a completed AutoML image-classification job and writes the three artifacts.
 *
 * <ol>
 *   <li>The best trial: the parent run's MLflow tag {@code automl_best_child_run_id}; failing that, the finished
 *       child run with the highest {@code accuracy}.</li>
 *   <li>Its files, from the {@code workspaceartifactstore} datastore (container {@code azureml}) under
 *       {@code ExperimentRun/dcid.<trial>/}: {@code train_artifacts/model.onnx} and {@code train_artifacts/labels.json}
 *       ({@code outputs/...} for older runtimes).</li>
 *   <li>bestModel.onnx (as is), bestModelMap.json (the labels, a JSON array in class-index order) and MLModel.zip,
 *       written with the scoring module's {@code ModelPackage}: resize the shorter side to the job's
 *       {@code validationResizeSize} (AutoML's default 256), centre-crop {@code validationCropSize} (224), and
 *       ImageNet normalization unless the job exported the model with {@code enableOnnxNormalization}, in which case
 *       the graph divides by 255 and normalizes itself and the pipeline feeds it raw pixel values 0-255
 *       ({@code scale: x}, MLModel.zip format 2.0). Either way the pixels are scaled and normalized exactly once, and
 *       pipeline.json records which. The crop is the model's own input size where its ONNX input fixes it (AutoMode
 *       names none in the job).</li>
 * </ol>
 */
final class ModelDownloader {
    private static final Logger LOG = LoggerFactory.getLogger(ModelDownloader.class);
    static final String BEST_CHILD_TAG = "automl_best_child_run_id";
    /** The HyperDrive run between an AutoML image job and its trials: {@code <job>_HD}. */
    static final String SWEEP_SUFFIX = "_HD";
    private static final List<String> MODEL_PATHS = List.of("train_artifacts/model.onnx", "outputs/model.onnx");
    private static final List<String> LABEL_PATHS = List.of("train_artifacts/labels.json", "outputs/labels.json");

    private final DataPlane dataPlane;
    private final Datastores datastores;

    ModelDownloader(DataPlane dataPlane, Datastores datastores) {
        this.dataPlane = dataPlane;
        this.datastores = datastores;
    }

    /**
     * @param workspace the workspace
     * @param job the completed job's ARM representation
     * @param trackingBase the MLflow REST base
     * @param directory where to write the artifacts
     * @param listener progress
     * @return the model
     */
    TrainedModel download(String workspace, JsonNode job, String trackingBase, Path directory,
            ProgressListener listener) {
        String jobName = Json.text(job, "/name");
        long start = System.nanoTime();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.DOWNLOAD_MODEL));
        Path onnx = directory.resolve(TrainedModel.ONNX_FILE);
        List<String> labels;
        Map<String, Double> metrics;
        try {
            if (trackingBase == null) {
                throw new ModelBuilderException("job " + jobName + " names no MLflow tracking endpoint, so its best "
                        + "trial cannot be found");
            }
            JsonNode parent = dataPlane.mlflowRun(trackingBase, jobName);
            if (parent == null) {
                throw new ModelBuilderException("MLflow knows no run " + jobName);
            }
            String best = DataPlane.tag(parent, BEST_CHILD_TAG);
            JsonNode bestRun = best == null ? null : dataPlane.mlflowRun(trackingBase, best);
            if (best == null) {
                bestRun = bestFinishedChild(trackingBase, parent, jobName);
                best = Json.text(bestRun, "/info/run_id");
            }
            metrics = new LinkedHashMap<>(DataPlane.metrics(parent));
            if (bestRun != null) {
                metrics.putAll(DataPlane.metrics(bestRun));
            }
            Datastores.Store artifacts = datastores.open(workspace, Datastores.ARTIFACT_STORE);
            String prefix = "ExperimentRun/dcid." + best + "/";
            Files.createDirectories(directory);
            Path tmpModel = Files.createTempFile(directory, ".bestModel-", ".onnx.tmp");
            try {
                String modelBlob = download(artifacts, prefix, MODEL_PATHS, tmpModel, listener, best);
                Path tmpLabels = Files.createTempFile(directory, ".labels-", ".json.tmp");
                try {
                    download(artifacts, prefix, LABEL_PATHS, tmpLabels, ProgressListener.none(), best);
                    labels = LabelMap.read(tmpLabels).labels();
                } finally {
                    Files.deleteIfExists(tmpLabels);
                }
                AtomicFiles.replace(tmpModel, onnx);
                LOG.info("downloaded {} of trial {} ({} bytes, {} labels)", modelBlob, best, Files.size(onnx),
                        labels.size());
            } finally {
                Files.deleteIfExists(tmpModel);
            }
        } catch (IOException e) {
            fail(listener, WorkStep.DOWNLOAD_MODEL, e.getMessage());
            throw new FileAccessException(directory, "cannot write the model into " + directory + ": " + e.getMessage(),
                    e);
        } catch (RuntimeException e) {
            ModelBuilderException failure = ArmErrors.unexpected("download the model of " + jobName, e);
            fail(listener, WorkStep.DOWNLOAD_MODEL, failure.getMessage());
            throw failure;
        }
        ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.DOWNLOAD_MODEL,
                Duration.ofNanos(System.nanoTime() - start)));

        long packStart = System.nanoTime();
        ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.PACKAGE_MODEL));
        TrainedModel model = TrainedModel.inDirectory(directory, labels, jobName, metrics);
        try {
            LabelMap map = LabelMap.of(labels);
            map.write(model.labelMap());
            long[] shape;
            try {
                shape = OnnxInputShape.of(onnx, PipelineSpec.DEFAULT_INPUT_NAME);
            } catch (IOException e) {
                throw new FileAccessException(onnx, "cannot read " + onnx + ": " + e.getMessage(), e);
            }
            PipelineSpec pipeline = PipelineSpec.of(preprocessing(job, shape));
            if (isMultiLabel(job)) {
                // AutoML's multi-label ONNX export gives logits for a sigmoid per label; 0.5 is its own threshold
                pipeline = pipeline.withMultiLabel(PipelineSpec.DEFAULT_THRESHOLD, java.util.Map.of());
            }
            ModelVerifier.writeVerifiedPackage(model.pipeline(), onnx, map, pipeline);
        } catch (RuntimeException e) {
            ModelBuilderException failure = ArmErrors.unexpected("package the model of " + jobName, e);
            fail(listener, WorkStep.PACKAGE_MODEL, failure.getMessage());
            throw failure;
        }
        ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.PACKAGE_MODEL,
                Duration.ofNanos(System.nanoTime() - packStart)));
        return model;
    }

    /**
     * @param job the job's ARM representation
     * @return the preprocessing its model expects, from the job's settings alone
     */
    static PreprocessingSpec preprocessing(JsonNode job) {
        return preprocessing(job, null);
    }

    /**
     * The preprocessing the best trial's model expects. The crop is the model's input size when its ONNX input
     * {@code [N,3,H,W]} fixes it (AutoMode chooses models and sizes itself and the job names none; Learn's ONNX
     * inference how-to says to read H and W from the model), else the job's {@code validationCropSize}, else AutoML's
     * default 224. The resize is the job's {@code validationResizeSize} when the job names the crop the model has,
     * else AutoML's default ratio (resize 256 for crop 224). With {@code enableOnnxNormalization} the graph divides by
     * 255 and normalizes itself (the AutoML vision package's {@code export_onnx_model}), so it is fed raw pixel values
     * 0-255 ({@link PreprocessingSpec#withRawPixels()}); otherwise {@code x / 255} and ImageNet normalization.
     *
     * @param job the job's ARM representation
     * @param inputShape the model's {@code input1} dimensions ({@code -1} where symbolic), or {@code null} when unknown
     * @return the preprocessing
     */
    static PreprocessingSpec preprocessing(JsonNode job, long[] inputShape) {
        JsonNode settings = job.at("/properties/taskDetails/modelSettings");
        int jobCrop = Json.integer(settings, "/validationCropSize", 0);
        int jobResize = Json.integer(settings, "/validationResizeSize", 0);
        int height = jobCrop > 0 ? jobCrop : AzureTrainingOptions.DEFAULT_IMAGE_SIZE;
        int width = height;
        if (inputShape != null && inputShape.length == 4 && inputShape[2] > 0 && inputShape[3] > 0
                && inputShape[2] <= Integer.MAX_VALUE && inputShape[3] <= Integer.MAX_VALUE) {
            height = (int) inputShape[2];
            width = (int) inputShape[3];
        }
        int longer = Math.max(width, height);
        boolean jobNamesThisCrop = jobCrop > 0 && jobCrop == width && jobCrop == height;
        int resize = jobResize > 0 && (jobNamesThisCrop || jobCrop == 0 && inputShape == null) ? jobResize
                : (int) Math.round(longer * 256.0 / 224.0);
        PreprocessingSpec spec = PreprocessingSpec.resizeCrop(Math.max(resize, longer), width, height);
        return settings.path("enableOnnxNormalization").asBoolean(false) ? spec.withRawPixels() : spec;
    }

    /**
     * The finished trial with the best accuracy. Trials are the children of the HyperDrive run {@code <job>_HD}, the
     * parent's only child in AutoML image jobs; the parent's own children are searched when it has none.
     */
    private JsonNode bestFinishedChild(String base, JsonNode parent, String jobName) {
        String experimentId = Json.text(parent, "/info/experiment_id");
        List<JsonNode> children = experimentId == null ? List.of()
                : dataPlane.mlflowChildren(base, experimentId, jobName + SWEEP_SUFFIX);
        if (children.isEmpty() && experimentId != null) {
            children = dataPlane.mlflowChildren(base, experimentId, jobName);
        }
        JsonNode best = null;
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        for (JsonNode c : children) {
            if (!"FINISHED".equalsIgnoreCase(Json.text(c, "/info/status"))) {
                continue;
            }
            double acc = DataPlane.metrics(c).getOrDefault("accuracy", Double.NEGATIVE_INFINITY);
            if (best == null || acc > bestAccuracy) {
                best = c;
                bestAccuracy = acc;
            }
        }
        if (best == null) {
            throw new ModelBuilderException("run " + jobName + " has no tag " + BEST_CHILD_TAG + " and no finished "
                    + "trial, so there is no model to download");
        }
        return best;
    }

    private static String download(Datastores.Store store, String prefix, List<String> candidates, Path target,
            ProgressListener listener, String trial) {
        List<String> tried = new ArrayList<>();
        for (String candidate : candidates) {
            BlobClient blob = store.client().getBlobClient(prefix + candidate);
            tried.add(prefix + candidate);
            try {
                long size = blob.getProperties().getBlobSize();
                try (OutputStream out = new ProgressStream(Files.newOutputStream(target), listener, size)) {
                    blob.downloadStream(out);
                }
                return prefix + candidate;
            } catch (BlobStorageException e) {
                if (e.getStatusCode() != 404) {
                    throw DataUploader.storageError("download " + prefix + candidate, store, e);
                }
            } catch (IOException e) {
                throw new FileAccessException(target, "cannot write " + target + ": " + e.getMessage(), e);
            }
        }
        throw new ModelBuilderException("trial " + trial + " has none of " + tried + " in container "
                + store.containerName() + " of storage account " + store.account());
    }

    private static void fail(ProgressListener listener, WorkStep step, String message) {
        ProgressListener.emit(listener, new ProgressEvent.StepFailed(step, message));
    }

    /** Reports download progress in bytes. */
    private static final class ProgressStream extends java.io.FilterOutputStream {
        private final ProgressListener listener;
        private final long total;
        private long done;
        private long reported;

        ProgressStream(OutputStream out, ProgressListener listener, long total) {
            super(out);
            this.listener = listener;
            this.total = total;
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            out.write(b, off, len);
            done += len;
            if (done - reported >= (1 << 20) || done == total) {
                reported = done;
                ProgressListener.emit(listener, new ProgressEvent.StepProgress(WorkStep.DOWNLOAD_MODEL, done,
                        total, "bytes"));
            }
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }
    }

    /**
     * @param job the job's properties (or the job)
     * @return whether it is an AutoML multi-label image classification
     */
    static boolean isMultiLabel(com.fasterxml.jackson.databind.JsonNode job) {
        com.fasterxml.jackson.databind.JsonNode p = job.has("properties") ? job.path("properties") : job;
        return "ImageClassificationMultilabel".equals(p.path("taskDetails").path("taskType").asText());
    }
}
