import java.awt.image.BufferedImage;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.metadata.IIOMetadata;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.ImageOutputStream;
import org.w3c.dom.Element;
import org.w3c.dom.Node;

/**
 * Writes a YCCK JPEG (Adobe APP14 transform 2), which Pillow cannot write: {@code java MakeYcckJpeg.java IN.png
 * OUT.jpg}. IN is a 4-channel PNG whose channels carry C, M, Y and K. The JDK's writer is given the CMYK samples
 * as a Raster; with transform 2 in the metadata its libjpeg converts them to YCCK. Used by
 * make_decoding_fixtures.py; Pillow then decodes the result for the reference.
 */
public final class MakeYcckJpeg {
    public static void main(String[] args) throws Exception {
        BufferedImage png = ImageIO.read(new File(args[0]));
        Raster cmyk = png.getRaster();
        if (cmyk.getNumBands() != 4) {
            throw new IllegalArgumentException(args[0] + " has " + cmyk.getNumBands() + " channels, 4 needed");
        }
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ImageWriteParam param = writer.getDefaultWriteParam();
        param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
        param.setCompressionQuality(0.92f);
        // first a plain CMYK file, to get the writer's own metadata for four components
        byte[] plain = write(writer, cmyk, null, param);
        ImageReader reader = ImageIO.getImageReadersByFormatName("jpeg").next();
        IIOMetadata metadata;
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(plain))) {
            reader.setInput(in);
            metadata = reader.getImageMetadata(0);
        }
        String format = "javax_imageio_jpeg_image_1.0";
        Node tree = metadata.getAsTree(format);
        Element adobe = find(tree, "app14Adobe");
        if (adobe == null) {
            // the writer writes no Adobe marker for a four-band Raster: add one, first in the marker sequence
            Element markers = find(tree, "markerSequence");
            adobe = new javax.imageio.metadata.IIOMetadataNode("app14Adobe");
            adobe.setAttribute("version", "100");
            adobe.setAttribute("flags0", "0");
            adobe.setAttribute("flags1", "0");
            markers.insertBefore(adobe, markers.getFirstChild());
        }
        adobe.setAttribute("transform", "2");
        metadata.setFromTree(format, tree);
        Files.write(Path.of(args[1]), write(writer, cmyk, metadata, param));
    }

    private static byte[] write(ImageWriter writer, Raster raster, IIOMetadata metadata, ImageWriteParam param)
            throws Exception {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(bytes)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(raster, null, metadata), param);
        }
        return bytes.toByteArray();
    }

    private static Element find(Node node, String name) {
        if (name.equals(node.getNodeName())) {
            return (Element) node;
        }
        for (Node c = node.getFirstChild(); c != null; c = c.getNextSibling()) {
            Element e = find(c, name);
            if (e != null) {
                return e;
            }
        }
        return null;
    }
}
