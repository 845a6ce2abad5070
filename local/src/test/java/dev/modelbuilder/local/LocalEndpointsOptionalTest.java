package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.exception.OperationNotSupportedException;
import java.io.File;
import java.lang.reflect.InvocationTargetException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.Arrays;
import javax.xml.parsers.DocumentBuilderFactory;
import org.junit.jupiter.api.Test;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * Spring Boot stays out of an application that only trains locally: the starter is an optional dependency of this
 * module, and without it on the class path the provider trains as before and says what to add for endpoints.
 */
class LocalEndpointsOptionalTest {

    @Test
    void theStarterIsAnOptionalDependency() throws Exception {
        var pom = DocumentBuilderFactory.newInstance().newDocumentBuilder().parse(Path.of("pom.xml").toFile());
        NodeList dependencies = pom.getElementsByTagName("dependency");
        Element starter = null;
        for (int i = 0; i < dependencies.getLength(); i++) {
            Element d = (Element) dependencies.item(i);
            if (text(d, "artifactId").equals("modelbuilder-spring-boot-starter")) {
                starter = d;
            }
        }
        assertThat(starter).as("local declares the starter").isNotNull();
        assertThat(text(starter, "optional")).isEqualTo("true");
    }

    private static String text(Element e, String tag) {
        NodeList n = e.getElementsByTagName(tag);
        return n.getLength() == 0 ? "" : n.item(0).getTextContent().strip();
    }

    @Test
    void withoutTheStarterEndpointsAreRefusedNamingIt() throws Exception {
        URL[] withoutSpring = Arrays.stream(System.getProperty("java.class.path").split(File.pathSeparator))
                .filter(entry -> !entry.contains("spring") && !entry.contains("serving")
                        && !entry.contains("modelbuilder-spring-boot-starter"))
                .map(entry -> {
                    try {
                        return Path.of(entry).toUri().toURL();
                    } catch (java.net.MalformedURLException e) {
                        throw new IllegalStateException(e);
                    }
                }).toArray(URL[]::new);
        try (URLClassLoader loader = new URLClassLoader(withoutSpring, ClassLoader.getPlatformClassLoader())) {
            assertThat(loader.getResource("dev/modelbuilder/serving/ModelServer.class")).isNull();
            Class<?> providerType = loader.loadClass(LocalProvider.class.getName());
            Object builder = providerType.getMethod("builder").invoke(null);
            builder.getClass().getMethod("withRoot", Path.class).invoke(builder,
                    java.nio.file.Files.createTempDirectory("local-root"));
            AutoCloseable provider = (AutoCloseable) builder.getClass().getMethod("build").invoke(builder);
            try (provider) {
                Object computes = providerType.getMethod("computes").invoke(provider);
                assertThat(computes).as("the provider works without the starter").isNotNull();
                InvocationTargetException thrown = org.junit.jupiter.api.Assertions.assertThrows(
                        InvocationTargetException.class, () -> providerType.getMethod("endpoints").invoke(provider));
                assertThat(thrown.getCause().getClass().getName())
                        .isEqualTo(OperationNotSupportedException.class.getName());
                assertThat(thrown.getCause()).hasMessageContaining("modelbuilder-spring-boot-starter");
            }
        }
    }
}
