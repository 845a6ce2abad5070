package dev.modelbuilder.local.transfer;

import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Optional;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;

/**
 * Turns what the user asked for ({@code --backbone NAME|FILE.onnx}, or nothing) into a backbone file with its
 * preprocessing. Stateless apart from the cache it is given.
 */
public final class Backbones {
    /** The value that asks for training from scratch, without a backbone. */
    public static final String NONE = "none";

    /**
     * A backbone ready to use.
     *
     * @param name the catalog name, or the file name of a user's model
     * @param file the ONNX file
     * @param sha256 the file's SHA-256
     * @param preprocessing what the backbone expects
     * @param cutNode the node to cut before, or {@code null} for the last Gemm/MatMul
     */
    public record Resolved(String name, Path file, String sha256, PreprocessingSpec preprocessing, String cutNode) {
    }

    /**
     * How to preprocess for a user's model (catalog entries bring their own unless these are given).
     *
     * @param geometry {@code resize-crop} or {@code squash}, or {@code null} for the backbone's own (resize-crop for a
     *     file)
     * @param normalize whether to apply the ImageNet mean and std, or {@code null} for the backbone's own (yes for a
     *     file)
     * @param cutNode the node to cut before, or {@code null} for the backbone's own (the last Gemm/MatMul for a file)
     */
    public record Choices(String geometry, Boolean normalize, String cutNode) {
        /** @return no choices: the backbone's own */
        public static Choices defaults() {
            return new Choices(null, null, null);
        }
    }

    private final BackboneCache cache;
    private final BackboneCatalog.Entry defaultEntry;

    /**
     * @param cache where catalog backbones are downloaded
     * @param defaultEntry the backbone used when none is given (normally {@link BackboneCatalog#defaultEntry()})
     */
    public Backbones(BackboneCache cache, BackboneCatalog.Entry defaultEntry) {
        this.cache = cache;
        this.defaultEntry = defaultEntry;
    }

    /**
     * @param value a catalog name or the path of an ONNX file
     * @param choices preprocessing and cut choices
     * @param progress told as a download goes on
     * @param cancelled polled while downloading
     * @return the backbone
     * @throws ValidationException for an unknown name or a missing file
     * @throws ModelLoadException if a catalog backbone cannot be downloaded (saying where to put the file)
     */
    public Resolved resolve(String value, Choices choices, BackboneCache.Progress progress,
            BooleanSupplier cancelled) {
        String v = value.trim();
        Optional<BackboneCatalog.Entry> entry = BackboneCatalog.find(v);
        if (entry.isPresent()) {
            BackboneCatalog.Entry e = entry.get();
            Path file = cache.fetch(e, progress, cancelled);
            PreprocessingSpec spec = adjust(e.preprocessing(), choices, e.preprocessing().width(),
                    e.preprocessing().height());
            return new Resolved(e.name(), file, e.sha256(), spec,
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
        return new Resolved(file.getFileName().toString(), file.toAbsolutePath(), sha,
                adjust(base, choices, graph.inputWidth(), graph.inputHeight()), choices.cutNode());
    }

    /**
     * The backbone used when none is given: the catalog default when it is cached or can be downloaded.
     *
     * @param progress told as a download goes on
     * @param cancelled polled while downloading
     * @param whyNot told the one-line reason when there is none
     * @return the default backbone, or empty to train from scratch
     */
    public Optional<Resolved> resolveDefault(BackboneCache.Progress progress, BooleanSupplier cancelled,
            Consumer<String> whyNot) {
        try {
            Path file = cache.fetch(defaultEntry, progress, cancelled);
            return Optional.of(new Resolved(defaultEntry.name(), file, defaultEntry.sha256(),
                    defaultEntry.preprocessing(), defaultEntry.cutNode()));
        } catch (ModelLoadException e) {
            whyNot.accept("no pretrained backbone: " + e.getMessage() + "; training from scratch instead");
            return Optional.empty();
        }
    }

    private static PreprocessingSpec adjust(PreprocessingSpec base, Choices choices, int width, int height) {
        PreprocessingSpec spec = base;
        if (choices.geometry() != null) {
            PreprocessingSpec.Geometry g = PreprocessingSpec.Geometry.fromId(choices.geometry());
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
