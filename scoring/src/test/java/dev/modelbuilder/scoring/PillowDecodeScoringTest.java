package dev.modelbuilder.scoring;

import dev.modelbuilder.testdata.ImageClassificationFixtures;

import dev.modelbuilder.pipeline.PreprocessingSpec;

import dev.modelbuilder.pipeline.LabelMap;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.testdata.DecodingFixtures;
import dev.modelbuilder.testdata.DecodingFixtures.Entry;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A model scores every kind of file exactly as it scores a lossless PNG of Pillow's decode of it: the same scores,
 * bit for bit, for each decoding fixture (PNG modes, GIF canvases, CMYK and YCCK JPEG, TIFF variants, lossy and
 * lossless WebP, BMP), with both geometries.
 */
class PillowDecodeScoringTest {
    private static PredictionEngine squash;
    private static PredictionEngine crop;

    @BeforeAll
    static void load() {
        LabelMap labels = LabelMap.read(ImageClassificationFixtures.labelMap());
        squash = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel()).withLabels(labels)
                .withPreprocessing(PreprocessingSpec.squash(224)).build();
        crop = PredictionEngine.builder().withOnnxModel(ImageClassificationFixtures.tinyModel()).withLabels(labels)
                .withPreprocessing(PreprocessingSpec.resizeCrop(256, 224)).build();
    }

    @AfterAll
    static void close() {
        squash.close();
        crop.close();
    }

    static List<Entry> fixtures() {
        return DecodingFixtures.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void scoresEqualThoseOfPillowsDecode(Entry fixture) {
        for (PredictionEngine engine : List.of(squash, crop)) {
            Prediction file = engine.predict(DecodingFixtures.file(fixture));
            Prediction pillow = engine.predict(DecodingFixtures.pillowDecode(fixture));

            // label, scores and the model's raw outputs, compared exactly
            assertThat(file).isEqualTo(pillow);
        }
    }
}
