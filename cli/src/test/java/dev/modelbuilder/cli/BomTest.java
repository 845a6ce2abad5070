package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.Node;
import org.w3c.dom.NodeList;

/** The BOM pins every published module, at the build's own version. */
class BomTest {
    private static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    /** Built by the reactor but not published: test data and example programs. */
    private static final List<String> UNPUBLISHED = List.of("testdata", "examples", "bom");

    @Test
    void bomListsEveryPublishedModuleAtTheParentsVersion() throws Exception {
        Document parent = parse(ROOT.resolve("pom.xml"));
        String version = childText(parent.getDocumentElement(), "version");

        Map<String, String> expected = new LinkedHashMap<>();
        for (String module : texts(parent.getDocumentElement(), "modules", "module")) {
            if (!UNPUBLISHED.contains(module)) {
                Document pom = parse(ROOT.resolve(module).resolve("pom.xml"));
                expected.put(childText(pom.getDocumentElement(), "artifactId"), version);
            }
        }

        Document bom = parse(ROOT.resolve("bom/pom.xml"));
        assertThat(childText(bom.getDocumentElement(), "version")).isEqualTo(version);
        String bomVersion = childText(child(bom.getDocumentElement(), "properties"), "modelbuilder.version");
        Map<String, String> pinned = new LinkedHashMap<>();
        NodeList deps = bom.getElementsByTagName("dependency");
        for (int i = 0; i < deps.getLength(); i++) {
            Element d = (Element) deps.item(i);
            pinned.put(childText(d, "artifactId"), childText(d, "version").replace("${modelbuilder.version}", bomVersion));
        }
        assertThat(expected).hasSizeGreaterThanOrEqualTo(7);
        assertThat(pinned).isEqualTo(expected);
    }

    private static Document parse(Path pom) throws Exception {
        DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
        f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
        try (var in = Files.newInputStream(pom)) {
            return f.newDocumentBuilder().parse(in);
        }
    }

    private static Element child(Element parent, String name) {
        for (Node n = parent.getFirstChild(); n != null; n = n.getNextSibling()) {
            if (n instanceof Element e && e.getTagName().equals(name)) {
                return e;
            }
        }
        throw new AssertionError(parent.getTagName() + " has no <" + name + ">");
    }

    private static String childText(Element parent, String name) {
        return child(parent, name).getTextContent().trim();
    }

    private static List<String> texts(Element root, String container, String name) {
        List<String> out = new ArrayList<>();
        NodeList items = child(root, container).getElementsByTagName(name);
        for (int i = 0; i < items.getLength(); i++) {
            out.add(items.item(i).getTextContent().trim());
        }
        return out;
    }
}
