package dev.modelbuilder.scoring;

import dev.modelbuilder.pipeline.LabelMap;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.pipeline.ModelCache;
import dev.modelbuilder.pipeline.ModelPackage;
import dev.modelbuilder.pipeline.PipelineSpec;
import dev.modelbuilder.pipeline.PreprocessingSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The optimized form of a package's model, kept beside its verified copy (issue 17). Runs ONNX Runtime for real. */
class OptimizedModelCacheTest {
    private static final Path IMAGE = ImageClassificationFixtures.dir().resolve("images/rocket.jpg");

    @TempDir
    Path dir;
    private Path zip;
    private ModelCache cache;
    private Prediction expected;

    @BeforeEach
    void packageTheTinyModel() {
        zip = dir.resolve("MLModel.zip");
        ModelPackage.write(zip, ImageClassificationFixtures.tinyModel(), LabelMap.read(ImageClassificationFixtures.labelMap()),
                PipelineSpec.of(PreprocessingSpec.resizeCrop(256, 224)));
        cache = ModelCache.at(dir.resolve("models"));
        try (PredictionEngine plain = PredictionEngine.builder().withModelPackage(zip).withModelCache(null).build()) {
            expected = plain.predict(IMAGE);
        }
    }

    private Prediction predictWithCache() {
        try (PredictionEngine engine = PredictionEngine.builder().withModelPackage(zip).withModelCache(cache).build()) {
            return engine.predict(IMAGE);
        }
    }

    private List<Path> optimized(String suffix) throws IOException {
        Path folder = cache.directory().resolve("optimized");
        if (!Files.isDirectory(folder)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(folder)) {
            return s.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void theFirstLoadWritesTheOptimizedModelAndLaterLoadsPredictTheSame() throws Exception {
        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(optimized(".onnx")).hasSize(1);
        assertThat(optimized(".probe")).hasSize(1);
        assertThat(optimized(".partial")).isEmpty();
        String sha = ModelPackage.read(zip).modelSha256().orElseThrow();
        assertThat(optimized(".onnx").get(0).getFileName().toString()).startsWith(sha + "-");
        // a rewrite would give the same bytes; it would not keep the old time
        FileTime longAgo = FileTime.from(Instant.now().minus(Duration.ofDays(3)));
        Files.setLastModifiedTime(optimized(".onnx").get(0), longAgo);

        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(Files.getLastModifiedTime(optimized(".onnx").get(0))).as("used, not written again")
                .isEqualTo(longAgo);
    }

    @Test
    void anEntryWhoseProbeNoLongerMatchesIsReplaced() throws Exception {
        predictWithCache();
        Path probe = optimized(".probe").get(0);
        byte[] good = Files.readAllBytes(probe);
        byte[] wrong = good.clone();
        wrong[32 + 3] ^= 0x40; // after the SHA-256, the first output's exponent: as if this machine computed another
        Files.write(probe, wrong);
        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(Files.readAllBytes(optimized(".probe").get(0))).isEqualTo(good);
        wrong[3] ^= 0x40; // the recorded SHA-256 of the optimized form
        Files.write(probe, wrong);

        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(Files.readAllBytes(optimized(".probe").get(0))).isEqualTo(good);
    }

    @Test
    void aDamagedOptimizedModelIsReplaced() throws Exception {
        predictWithCache();
        Path model = optimized(".onnx").get(0);
        Files.writeString(model, "not an ONNX model");

        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(Files.size(optimized(".onnx").get(0))).isGreaterThan(100);
    }

    @Test
    void anOptimizedFormReplacedSinceItWasWrittenIsNeverOpened() throws Exception {
        predictWithCache();
        Path optimizedModel = optimized(".onnx").get(0);
        // the plain model gives the probe's outputs too, so the probe alone would accept it
        byte[] forged = Files.readAllBytes(ImageClassificationFixtures.tinyModel());
        Files.write(optimizedModel, forged);

        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(Files.readAllBytes(optimized(".onnx").get(0))).as("written again from the model")
                .isNotEqualTo(forged);
    }

    @Test
    @org.junit.jupiter.api.Timeout(120)
    void anOptimizedFormNamingExternalDataIsRefusedBeforeOnnxRuntimeOpensIt() throws Exception {
        predictWithCache();
        Path optimizedModel = optimized(".onnx").get(0);
        Path probe = optimized(".probe").get(0);
        byte[] hostile = Files.readAllBytes(ImageClassificationFixtures.testResource(OptimizedModelCacheTest.class,
                "external_outside.onnx"));
        Files.write(optimizedModel, hostile);
        // as someone who can write the cache would do: the recorded SHA-256 is the hostile file's
        byte[] record = Files.readAllBytes(probe);
        System.arraycopy(java.util.HexFormat.of().parseHex(ModelCache.sha256(optimizedModel)), 0, record, 0, 32);
        Files.write(probe, record);
        // a FIFO without a writer: a runtime that opened it would wait forever
        Path secret = cache.directory().resolve("secret.bin");
        assertThat(new ProcessBuilder("mkfifo", secret.toString()).start().waitFor()).isZero();

        assertThat(predictWithCache()).isEqualTo(expected);
        assertThat(Files.readAllBytes(optimized(".onnx").get(0))).isNotEqualTo(hostile);
    }

    @Test
    void entriesOfModelsTheCacheNoLongerHoldsAreRemoved() throws Exception {
        Path folder = cache.directory().resolve("optimized");
        Files.createDirectories(folder);
        String gone = "0".repeat(64);
        Path staleModel = Files.writeString(folder.resolve(gone + "-0123456789abcdef.onnx"), "old");
        Path staleProbe = Files.writeString(folder.resolve(gone + "-0123456789abcdef.probe"), "old");

        predictWithCache();

        assertThat(staleModel).doesNotExist();
        assertThat(staleProbe).doesNotExist();
        assertThat(optimized(".onnx")).hasSize(1);
    }

    @Test
    void aModelFileGivenDirectlyIsNotCached() {
        try (PredictionEngine engine = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel())
                .withLabels(LabelMap.read(ImageClassificationFixtures.labelMap())).withPreprocessing(PreprocessingSpec.resizeCrop(256, 224)).withModelCache(cache)
                .build()) {
            assertThat(engine.predict(IMAGE)).isEqualTo(expected);
        }
        assertThat(cache.directory()).doesNotExist();
    }
}
