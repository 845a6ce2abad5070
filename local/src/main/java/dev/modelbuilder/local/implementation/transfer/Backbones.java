package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;

/**
 * Turns what the user asked for (a catalog name, an ONNX file, or the default) into a backbone file with its
 * preprocessing. Stateless apart from the cache it is given.
 */
final class Backbones {
    /**
     * How to preprocess for a user's model (catalog entries bring their own unless these are given).
     *
     * @param geometry the geometry, or {@code null} for the backbone's own (resize-crop for a file)
     * @param normalize whether to apply the ImageNet mean and std, or {@code null} for the backbone's own (yes for a
     *     file)
     * @param cutNode the node to cut before, or {@code null} for the backbone's own (the last Gemm/MatMul for a file)
     */
    record Choices(PreprocessingSpec.Geometry geometry, Boolean normalize, String cutNode) {
        /** @return no choices: the backbone's own */
        static Choices defaults() {
            return new Choices(null, null, null);
        }
    }

    private final BackboneCache cache;
    private final BackboneCatalog.Entry defaultEntry;

    /**
     * @param cache where catalog backbones are downloaded
     * @param defaultEntry the backbone used when none is given (normally {@link BackboneCatalog#defaultEntry()})
     */
    Backbones(BackboneCache cache, BackboneCatalog.Entry defaultEntry) {
        this.cache = cache;
        this.defaultEntry = defaultEntry;
    }

    /**
     * @param value a catalog name or the path of an ONNX file
     * @param choices preprocessing and cut choices
     * @param events told of the download's progress ({@code DOWNLOAD_BACKBONE}, in bytes)
     * @param cancelled polled while downloading
     * @return the backbone
     * @throws ValidationException for an unknown name or a missing file
     * @throws ModelLoadException if a catalog backbone cannot be downloaded (saying where to put the file)
     */
    Backbone resolve(String value, Choices choices, ProgressListener events, BooleanSupplier cancelled) {
        String v = value.trim();
        Optional<BackboneCatalog.Entry> entry = BackboneCatalog.find(v);
        if (entry.isPresent()) {
            BackboneCatalog.Entry e = entry.get();
            Path file = cache.fetch(e, events, cancelled);
            PreprocessingSpec spec = adjust(e.preprocessing(), choices, e.preprocessing().width(),
                    e.preprocessing().height());
            return new Backbone(e.name(), file, e.sha256(), spec,
                    choices.cutNode() != null ? choices.cutNode() : e.cutNode());
        }
        Path file = Path.of(v);
        if (!v.toLowerCase(Locale.ROOT).endsWith(".onnx") && !Files.isRegularFile(file)) {
            throw BackboneCatalog.unknown(v);
        }
        if (!Files.isRegularFile(file)) {
            throw new ValidationException("backbone", v, "no such file; give the path of an ONNX classifier or one of "
                    + BackboneCatalog.entries().stream().map(BackboneCatalog.Entry::name).toList());
        }
        BackboneGraph graph = BackboneGraph.read(file, choices.cutNode());
        PreprocessingSpec base = PreprocessingSpec.resizeCrop(
                (int) Math.round(Math.max(graph.inputWidth(), graph.inputHeight()) * 256.0 / 224.0),
                graph.inputWidth(), graph.inputHeight());
        String sha;
        try {
            sha = BackboneCache.sha256(file);
        } catch (IOException e) {
            throw new ModelLoadException("cannot read the backbone " + file + ": " + e.getMessage(), e);
        }
        return new Backbone(file.getFileName().toString(), file.toAbsolutePath(), sha,
                adjust(base, choices, graph.inputWidth(), graph.inputHeight()), choices.cutNode());
    }

    /**
     * The backbone used when none is given: the catalog default when it is cached or can be downloaded.
     *
     * @param events told of the download's progress, and of the one-line reason when there is no backbone
     * @param source the source of that log line (the run id)
     * @param cancelled polled while downloading
     * @return the default backbone, or empty to train from scratch
     */
    Optional<Backbone> resolveDefault(ProgressListener events, String source, BooleanSupplier cancelled) {
        try {
            Path file = cache.fetch(defaultEntry, events, cancelled);
            return Optional.of(new Backbone(defaultEntry.name(), file, defaultEntry.sha256(),
                    defaultEntry.preprocessing(), defaultEntry.cutNode()));
        } catch (ModelLoadException e) {
            events.onEvent(new ProgressEvent.LogLine(source, "no pretrained backbone: " + e.getMessage()
                    + "; training from scratch instead"));
            return Optional.empty();
        }
    }

    private static PreprocessingSpec adjust(PreprocessingSpec base, Choices choices, int width, int height) {
        PreprocessingSpec spec = base;
        if (choices.geometry() != null) {
            PreprocessingSpec.Geometry g = choices.geometry();
            spec = g == PreprocessingSpec.Geometry.SQUASH ? PreprocessingSpec.squash(width, height)
                    : PreprocessingSpec.resizeCrop(base.geometry() == PreprocessingSpec.Geometry.RESIZE_CROP
                            ? base.resizeShorterSide() : (int) Math.round(Math.max(width, height) * 256.0 / 224.0),
                            width, height);
            if (base.normalize()) {
                spec = spec.withNormalization(base.mean(), base.std());
            }
        }
        if (choices.normalize() != null && !choices.normalize()) {
            spec = spec.withoutNormalization();
        } else if (choices.normalize() != null && !spec.normalize()) {
            spec = spec.withNormalization(PreprocessingSpec.squash(1).mean(), PreprocessingSpec.squash(1).std());
        }
        return spec;
    }
}
