package dev.modelbuilder.core.dataset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.testing.TestImages;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class ImageProbeTest {

    @ParameterizedTest
    @CsvSource({"jpg, JPEG", "png, PNG", "bmp, BMP", "gif, GIF"})
    void recognisesFormatsAndSizes(String format, ImageFormat expected) throws Exception {
        ImageInfo info = ImageProbe.probe(TestImages.encode(TestImages.picture(33, 17, 1), format));
        assertThat(info).isEqualTo(new ImageInfo(expected, 33, 17));
    }

    @ParameterizedTest
    @ValueSource(strings = {"jpg", "png", "bmp", "gif"})
    void findsTruncationInEveryFormat(String format) {
        byte[] full = TestImages.encode(TestImages.picture(64, 64, 2), format);
        byte[] cut = Arrays.copyOf(full, full.length - 40);
        assertThatThrownBy(() -> ImageProbe.probe(cut)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> {
                    assertThat(e.recognised()).isTrue();
                    assertThat(e.getMessage()).containsAnyOf("truncated", "corrupt");
                });
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "RIFF\u0000\u0000\u0000\u0000WEBPVP8 | WebP is not supported: convert it to JPEG or PNG",
        "II*\u0000abcd | TIFF is not supported: convert it to JPEG or PNG",
        "hello world | not a JPEG, PNG, BMP or GIF image"})
    void namesForeignFormats(String content, String message) {
        byte[] bytes = content.strip().getBytes(StandardCharsets.ISO_8859_1);
        assertThatThrownBy(() -> ImageProbe.probe(bytes)).isInstanceOfSatisfying(ImageProbe.ProbeFailure.class,
                e -> {
                    assertThat(e.recognised()).isFalse();
                    assertThat(e.getMessage()).isEqualTo(message);
                });
    }
}
