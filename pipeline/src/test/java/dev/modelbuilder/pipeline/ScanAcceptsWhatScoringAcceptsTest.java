package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.dataset.ImageFolderDataset;
import dev.modelbuilder.core.dataset.ImageInfo;
import dev.modelbuilder.core.dataset.ImageProbe;
import dev.modelbuilder.testdata.DecodingFixtures;
import dev.modelbuilder.testdata.DecodingFixtures.Entry;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The dataset scan (core's probe) accepts every file that scoring decodes, with the decoded size, so that a CMYK
 * JPEG, a WebP or a TIFF in a training folder is no longer listed as unreadable.
 */
class ScanAcceptsWhatScoringAcceptsTest {

    static List<Entry> fixtures() {
        return DecodingFixtures.entries();
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("fixtures")
    void theProbeAcceptsEveryDecodableFixture(Entry fixture) throws Exception {
        byte[] data = Files.readAllBytes(DecodingFixtures.file(fixture));

        ImageInfo info = ImageProbe.probe(data);
        RgbImage image = ImageDecoder.decode(data);

        assertThat(info.format().name()).isEqualTo(fixture.kind());
        if (!fixture.file().startsWith("gif_")) {
            // a GIF's canvas can grow past the logical screen the probe reads
            assertThat(info.width()).isEqualTo(image.width());
            assertThat(info.height()).isEqualTo(image.height());
        }
    }

    @Test
    void aTrainingFolderOfEveryKindHasNoProblems(@TempDir Path root) throws Exception {
        List<Entry> all = fixtures();
        for (int i = 0; i < all.size(); i++) {
            Path label = Files.createDirectories(root.resolve(i % 2 == 0 ? "even" : "odd"));
            Files.copy(DecodingFixtures.file(all.get(i)), label.resolve(all.get(i).file()));
        }

        ImageFolderDataset data = ImageFolderDataset.scan(root);

        assertThat(data.images()).hasSize(all.size());
        assertThat(data.images()).extracting(i -> i.path().getFileName().toString()).contains("jpeg_cmyk.jpg",
                "jpeg_ycck.jpg", "webp_lossy.webp", "tiff_rgb_lzw.tif", "png_grey16.png");
    }
}
