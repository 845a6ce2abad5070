package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import dev.modelbuilder.scoring.ModelVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;

/**
 * Writes what a run delivers, whether it trained from scratch or from a backbone, into its {@code outputs/} folder
 * all at once: bestModel.onnx, bestModelMap.json, MLModel.zip (verified by ONNX Runtime before it is written),
 * {@value #VALIDATION_FILE}, {@value #REPORT_FILE} when there are validation images, and any extra files. They are
 * written into a staging folder beside {@code outputs/}, which then replaces it with a rename: a crash or a full disk
 * leaves the previous outputs (or none), never some of the files. Stateless apart from its file writer.
 */
final class ArtifactStager {
    /** The model's predictions on the validation images. */
    static final String VALIDATION_FILE = "validation.json";
    /** The evaluation report of the validation split, with the training curves of a run trained in epochs. */
    static final String REPORT_FILE = "report.html";

    /**
     * What a run delivers.
     *
     * @param onnx the model, with its metadata
     * @param preprocessing what the model expects, recorded in MLModel.zip
     * @param validation the model's outputs on the validation images
     * @param history each epoch's metrics for the report's curves, or empty for none
     * @param extraFiles further files by name, e.g. {@code backbone.json}
     */
    record Artifacts(byte[] onnx, PreprocessingSpec preprocessing, ValidationOutputs validation,
            List<Map<String, Double>> history, Map<String, byte[]> extraFiles) {
        Artifacts {
            Objects.requireNonNull(onnx, "onnx");
            Objects.requireNonNull(preprocessing, "preprocessing");
            Objects.requireNonNull(validation, "validation");
            history = List.copyOf(history);
            extraFiles = Map.copyOf(extraFiles);
        }
    }

    /** Writing the artifacts failed; the run fails with error code {@code ArtifactWriteFailed}. */
    static final class ArtifactWriteException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ArtifactWriteException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    private final AtomicFiles files;

    /** @param files how the artifacts are written (a seam for failure tests) */
    ArtifactStager(AtomicFiles files) {
        this.files = Objects.requireNonNull(files, "files");
    }

    /**
     * @param outputs the run's {@code outputs/} folder (replaced)
     * @param artifacts what to write
     * @param runId the run, for the report
     * @param datasetRoot the dataset folder, for the report
     * @return a warning when the report could not be made: the model lands without it (a report never costs a run its
     *     model), empty otherwise
     * @throws ArtifactWriteException when a file cannot be written or the model fails its verification; the staging
     *     folder is removed and {@code outputs/} left as it was
     */
    Optional<String> stage(Path outputs, Artifacts artifacts, String runId, String datasetRoot) {
        Optional<String> warning = Optional.empty();
        Path staging = outputs.resolveSibling("outputs.staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            LabelMap labelMap = LabelMap.of(artifacts.validation().labels());
            Path onnxFile = staging.resolve(TrainedModel.ONNX_FILE);
            files.write(onnxFile, artifacts.onnx());
            files.write(staging.resolve(TrainedModel.LABEL_MAP_FILE),
                    labelMap.toJson().getBytes(StandardCharsets.UTF_8));
            // the package is verified (the model loaded and run by ONNX Runtime) in a scratch file, then copied
            // through the writer like every other artifact
            Path scratch = staging.resolve(".MLModel.zip.scratch");
            PipelineSpec pipeline = PipelineSpec.of(artifacts.preprocessing());
            if (artifacts.validation().isMultiLabel()) {
                // a sigmoid per label, each predicted at probability 0.5 (package --threshold chooses another)
                pipeline = pipeline.withMultiLabel(PipelineSpec.DEFAULT_THRESHOLD, Map.of());
            }
            ModelVerifier.writeVerifiedPackage(scratch, onnxFile, labelMap, pipeline);
            files.copy(scratch, staging.resolve(TrainedModel.PIPELINE_FILE));
            Files.delete(scratch);
            ValidationOutputs validation = artifacts.validation();
            files.write(staging.resolve(VALIDATION_FILE), validation.predictionsJson());
            if (!validation.isEmpty()) {
                warning = writeReport(staging.resolve(REPORT_FILE), validation, datasetRoot, runId,
                        artifacts.history());
            }
            for (Map.Entry<String, byte[]> extra : artifacts.extraFiles().entrySet()) {
                files.write(staging.resolve(extra.getKey()), extra.getValue());
            }
            AtomicFiles.deleteTree(outputs);
            AtomicFiles.moveFolder(staging, outputs);
            return warning;
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteTree(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw new ArtifactWriteException("could not write the model artifacts into " + outputs + ": "
                    + e.getMessage(), e);
        }
    }

    private Optional<String> writeReport(Path file, ValidationOutputs validation, String datasetRoot, String runId,
            List<Map<String, Double>> history) {
        try {
            files.write(file, validation.reportHtml(datasetRoot, runId, history));
            return Optional.empty();
        } catch (IOException | RuntimeException e) {
            return Optional.of("the run's report could not be written (" + e + "); the model is complete without it");
        }
    }
}
