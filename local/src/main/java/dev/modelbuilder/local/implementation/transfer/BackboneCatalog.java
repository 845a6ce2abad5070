package dev.modelbuilder.local.implementation.transfer;

import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;

/**
 * Well-known ImageNet classifiers in ONNX that local training can start from, all from the ONNX model zoo
 * (github.com/onnx/models, Apache-2.0 / MIT licensed models exported from MXNet Gluon). SHA-256 and sizes are those
 * of the zoo's Git LFS objects; all take a float32 [N,3,224,224] input preprocessed as in the zoo's documentation:
 * shorter side resized to 256, centre 224x224 crop, values scaled to [0, 1] and normalized with the ImageNet mean
 * (0.485, 0.456, 0.406) and standard deviation (0.229, 0.224, 0.225).
 */
final class BackboneCatalog {
    private static final String ZOO = "https://github.com/onnx/models/raw/main/validated/vision/classification/";

    /**
     * One downloadable backbone.
     *
     * @param name the name used on the command line and in the API, e.g. {@code mobilenetv2}
     * @param fileName the file name in the cache
     * @param url where to download it
     * @param sha256 the file's SHA-256, lower-case hex
     * @param size the file's size in bytes
     * @param preprocessing what the network expects
     * @param cutNode the node to cut before, or {@code null} for the last Gemm/MatMul
     * @param description one line for listings
     */
    public record Entry(String name, String fileName, URI url, String sha256, long size,
                        PreprocessingSpec preprocessing, String cutNode, String description) {
        /** Checks the values. */
        public Entry {
            Objects.requireNonNull(name, "name");
            Objects.requireNonNull(fileName, "fileName");
            Objects.requireNonNull(url, "url");
            Objects.requireNonNull(preprocessing, "preprocessing");
            if (sha256 == null || !sha256.matches("[0-9a-f]{64}")) {
                throw new IllegalArgumentException("sha256 must be 64 lower-case hex digits, got " + sha256);
            }
            if (size < 1) {
                throw new IllegalArgumentException("size must be positive");
            }
        }

        /**
         * @param newUrl another address for the same file (a mirror, or a test server)
         * @return a copy downloading from there
         */
        public Entry withUrl(URI newUrl) {
            return new Entry(name, fileName, newUrl, sha256, size, preprocessing, cutNode, description);
        }
    }

    /** The name of the backbone used when none is given: small and fast on a CPU (3.5 M parameters, 14 MB). */
    public static final String DEFAULT = "mobilenetv2";

    private static final List<Entry> ENTRIES = List.of(
            new Entry("mobilenetv2", "mobilenetv2-7.onnx", URI.create(ZOO + "mobilenet/model/mobilenetv2-7.onnx"),
                    "c1c513582d56afceff8516c73804e484c81c6a830712ab6d682253f4a3cd042f", 14_246_826L,
                    PreprocessingSpec.resizeCrop(256, 224), "mobilenetv20_output_pred_fwd",
                    "MobileNetV2 1.0 (ONNX model zoo mobilenetv2-7): 1280 features, fast on a CPU"),
            new Entry("resnet50", "resnet50-v2-7.onnx", URI.create(ZOO + "resnet/model/resnet50-v2-7.onnx"),
                    "1e80e8a7c8eec8e8b20c440d7dd7f2f8590779c7c2859dc4514870dc463845d3", 102_442_450L,
                    PreprocessingSpec.resizeCrop(256, 224), null,
                    "ResNet50 v2 (ONNX model zoo resnet50-v2-7): 2048 features, more accurate, several times slower"),
            new Entry("resnet18", "resnet18-v2-7.onnx", URI.create(ZOO + "resnet/model/resnet18-v2-7.onnx"),
                    "3b4d048057854022232aa20bf68262e31718ab7119a17f920b8a2dc1433f824b", 46_806_737L,
                    PreprocessingSpec.resizeCrop(256, 224), null,
                    "ResNet18 v2 (ONNX model zoo resnet18-v2-7): 512 features"));

    private BackboneCatalog() {
    }

    /** @return every entry, the default first */
    public static List<Entry> entries() {
        return ENTRIES;
    }

    /**
     * @param name a catalog name (case-insensitive)
     * @return its entry, if there is one
     */
    public static Optional<Entry> find(String name) {
        if (name == null) {
            return Optional.empty();
        }
        String n = name.trim().toLowerCase(Locale.ROOT);
        return ENTRIES.stream().filter(e -> e.name().equals(n)).findFirst();
    }

    /**
     * @param name a catalog name
     * @return its entry
     * @throws ValidationException naming the known backbones when there is none of that name
     */
    public static Entry get(String name) {
        return find(name).orElseThrow(() -> unknown(name));
    }

    /**
     * @param name a name that is not in the catalog
     * @return the error naming the known backbones
     */
    public static ValidationException unknown(String name) {
        return new ValidationException("backbone", name, "use one of " + ENTRIES.stream().map(Entry::name).toList()
                + " or the path of an ONNX classifier (FILE.onnx)");
    }

    /** @return the default entry */
    public static Entry defaultEntry() {
        return get(DEFAULT);
    }
}
