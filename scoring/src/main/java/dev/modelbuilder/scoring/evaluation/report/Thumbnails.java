package dev.modelbuilder.scoring.evaluation.report;

import dev.modelbuilder.pipeline.ImageDecoder;
import dev.modelbuilder.pipeline.Resampler;
import dev.modelbuilder.pipeline.RgbImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Optional;
import javax.imageio.ImageIO;

/** Small embedded copies of images: decoded, downscaled to fit a square, JPEG, as a {@code data:} URI. */
final class Thumbnails {
    private Thumbnails() {
    }

    /**
     * @param file the image
     * @param box the largest width and height
     * @return the data URI, or empty when the image cannot be read (the report says so instead)
     */
    static Optional<String> dataUri(Path file, int box) {
        try {
            RgbImage image = ImageDecoder.decode(file);
            double scale = Math.min(1.0, (double) box / Math.max(image.width(), image.height()));
            int w = Math.max(1, (int) Math.round(image.width() * scale));
            int h = Math.max(1, (int) Math.round(image.height() * scale));
            RgbImage small = scale < 1 ? Resampler.resize(image, w, h) : image;
            ByteArrayOutputStream out = new ByteArrayOutputStream(8192);
            if (!ImageIO.write(small.toBufferedImage(), "jpg", out)) {
                return Optional.empty();
            }
            return Optional.of("data:image/jpeg;base64," + Base64.getEncoder().encodeToString(out.toByteArray()));
        } catch (IOException | RuntimeException e) {
            return Optional.empty();
        }
    }

    /**
     * @param dataset an evaluated dataset: a folder, or a labels file
     * @return the folder its images' relative paths start from
     */
    static Path imageRoot(String dataset) {
        Path p = Path.of(dataset);
        return java.nio.file.Files.isRegularFile(p) && p.getParent() != null ? p.getParent() : p;
    }
}
