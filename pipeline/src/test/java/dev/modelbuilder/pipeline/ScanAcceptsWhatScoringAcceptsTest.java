package dev.modelbuilder.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.dataset.ImageInfo;
import dev.modelbuilder.core.dataset.ImageProbe;
import dev.modelbuilder.testdata.DecodingFixtures;
import dev.modelbuilder.testdata.DecodingFixtures.Entry;
import java.nio.file.Files;
import java.util.List;
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
}
