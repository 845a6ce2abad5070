package dev.modelbuilder.serving.testing;

import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import javax.imageio.ImageIO;

/** Images the serving tests send (shared with the CLI's tests of {@code serve} through the starter's test-jar). */
public final class TestImages {
    private TestImages() {
    }


    /** A small PNG of its own colour, so that batch answers can be told apart. */
    public static byte[] colourPng(int rgb) throws IOException {
        BufferedImage image = new BufferedImage(40, 30, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < 30; y++) {
            for (int x = 0; x < 40; x++) {
                image.setRGB(x, y, rgb ^ (x * 5 + y * 3));
            }
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(image, "png", out);
        return out.toByteArray();
    }

}
