package dev.modelbuilder.local.transfer;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.core.dataset.DatasetSplit;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.pipeline.LabelMap;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.scoring.ModelVerifier;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.BooleanSupplier;

/**
 * The transfer-learning part of a local training run, for the run job: choose the backbone (downloading it when
 * needed), train, and write the run's artifacts ({@code bestModel.onnx}, {@code bestModelMap.json},
 * {@code MLModel.zip} with the backbone's preprocessing, {@value #VALIDATION_FILE} and {@value #BACKBONE_FILE})
 * into its {@code outputs/} folder, all at once. Stateless.
 */
public final class TransferRun {
    /** The head's predictions on the validation images. */
    public static final String VALIDATION_FILE = "validation.json";
    /** Which backbone the model was made from: name, SHA-256, cut, preprocessing. */
    public static final String BACKBONE_FILE = "backbone.json";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What the run is told. */
    public interface Events {
        /** @param line a line for the run's log */
        void log(String line);

        /**
         * @param done units done
         * @param total units in all
         * @param unit {@code bytes} (download) or {@code images} (features)
         */
        void progress(long done, long total, String unit);
    }

    private TransferRun() {
    }

    /**
     * @param settings the run's transfer settings
     * @param cache where catalog backbones are downloaded
     * @param events told about downloads and the choice
     * @param cancelled polled while downloading
     * @return the backbone, or empty to train from scratch
     * @throws dev.modelbuilder.core.exception.ModelLoadException if a named catalog backbone cannot be downloaded
     * @throws dev.modelbuilder.core.exception.ValidationException for an unknown name or a missing file
     */
    public static Optional<Backbones.Resolved> chooseBackbone(TransferSettings settings, BackboneCache cache,
            Events events, BooleanSupplier cancelled) {
        Backbones backbones = new Backbones(cache, BackboneCatalog.defaultEntry());
        BackboneCache.Progress download = new BackboneCache.Progress() {
            private long reported = -1;

            @Override
            public void bytes(long done, long total) {
                long step = Math.max(1, total / 100);
                if (done == total || done / step != reported / step) {
                    reported = done;
                    events.progress(done, total, "bytes");
                }
            }
        };
        return switch (settings.mode()) {
            case SCRATCH -> Optional.empty();
            case EXPLICIT -> Optional.of(backbones.resolve(settings.backbone(), settings.choices(), download,
                    cancelled));
            case DEFAULT_IF_AVAILABLE -> backbones.resolveDefault(download, cancelled, events::log);
        };
    }

    /**
     * Trains the head on the backbone's features (kept in a {@code features} folder beside {@code outputs}).
     *
     * @param split the images
     * @param backbone the backbone
     * @param settings the run's transfer settings
     * @param threads threads to use
     * @param outputs the run's {@code outputs/} folder
     * @param events told what happens
     * @param cancelled polled during feature extraction and head training
     * @return the outcome
     * @throws java.util.concurrent.CancellationException when {@code cancelled} says so
     */
    public static TransferTrainer.Outcome train(DatasetSplit split, Backbones.Resolved backbone,
            TransferSettings settings, int threads, Path outputs, Events events, BooleanSupplier cancelled) {
        TransferTrainer.Options options = new TransferTrainer.Options(settings.views(), threads, 32,
                LogisticHead.Settings.defaults(threads));
        return TransferTrainer.train(split, backbone, options, outputs.resolveSibling("features"),
                new TransferTrainer.Listener() {
                    @Override
                    public void log(String line) {
                        events.log(line);
                    }

                    @Override
                    public void features(int done, int total) {
                        events.progress(done, total, "images");
                    }
                }, cancelled);
    }

    /**
     * Writes the artifacts into a staging folder and renames it to {@code outputs}.
     *
     * @param out the trained model
     * @param backbone its backbone
     * @param outputs the run's {@code outputs/} folder (replaced)
     * @param files how artifacts are written
     * @param runId the run id, for the model's metadata
     * @throws IOException if the artifacts cannot be written
     */
    public static void writeArtifacts(TransferTrainer.Outcome out, Backbones.Resolved backbone, Path outputs,
            AtomicFiles files, String runId) throws IOException {
        Path staging = outputs.resolveSibling("outputs.staging-" + UUID.randomUUID());
        try {
            Files.createDirectories(staging);
            LabelMap labels = LabelMap.of(out.labels());
            Path onnx = staging.resolve(TrainedModel.ONNX_FILE);
            files.write(onnx, withRunId(out.onnx(), runId));
            files.write(staging.resolve(TrainedModel.LABEL_MAP_FILE), labels.toJson().getBytes(StandardCharsets.UTF_8));
            Path scratch = staging.resolve(".MLModel.zip.scratch");
            ModelVerifier.writeVerifiedPackage(scratch, onnx, labels, PipelineSpec.of(backbone.preprocessing()));
            files.copy(scratch, staging.resolve(TrainedModel.PIPELINE_FILE));
            Files.delete(scratch);
            files.write(staging.resolve(VALIDATION_FILE), validationReport(out));
            files.write(staging.resolve(BACKBONE_FILE), JSON.writerWithDefaultPrettyPrinter()
                    .writeValueAsBytes(record(backbone)));
            AtomicFiles.deleteTree(outputs);
            AtomicFiles.moveFolder(staging, outputs);
        } catch (IOException | RuntimeException e) {
            try {
                AtomicFiles.deleteTree(staging);
            } catch (IOException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /**
     * @param backbone a backbone
     * @return what the run records about it: name, SHA-256, cut node, preprocessing
     */
    public static Map<String, Object> record(Backbones.Resolved backbone) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", backbone.name());
        m.put("sha256", backbone.sha256());
        if (backbone.cutNode() != null) {
            m.put("cutNode", backbone.cutNode());
        }
        m.put("preprocessing", backbone.preprocessing().toString());
        return m;
    }

    private static byte[] withRunId(byte[] onnx, String runId) {
        try {
            var model = dev.modelbuilder.local.implementation.onnx.Onnx.ModelProto.parseFrom(onnx).toBuilder();
            model.addMetadataProps(dev.modelbuilder.local.implementation.onnx.Onnx.StringStringEntryProto.newBuilder()
                    .setKey("modelbuilder.run").setValue(runId));
            return model.build().toByteArray();
        } catch (com.google.protobuf.InvalidProtocolBufferException e) {
            throw new IllegalStateException("the merged model does not parse", e);
        }
    }

    private static byte[] validationReport(TransferTrainer.Outcome out) throws IOException {
        List<Map<String, Object>> rows = new ArrayList<>();
        for (int i = 0; i < out.validationLogits().length; i++) {
            float[] logits = out.validationLogits()[i];
            int best = 0;
            for (int c = 1; c < logits.length; c++) {
                if (logits[c] > logits[best]) {
                    best = c;
                }
            }
            Map<String, Object> row = new LinkedHashMap<>();
            row.put("file", out.validationFiles().get(i));
            row.put("label", out.labels().get(out.validationLabels()[i]));
            row.put("predicted", out.labels().get(best));
            row.put("logits", logits);
            rows.add(row);
        }
        return JSON.writerWithDefaultPrettyPrinter().writeValueAsBytes(rows);
    }
}
