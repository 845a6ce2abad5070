package dev.modelbuilder.serving;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.RecordComponent;
import java.net.URL;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/**
 * The configuration metadata that the build generates (META-INF/spring-configuration-metadata.json, which IDEs
 * complete the properties from) lists every property the starter binds, each with a description, and nothing else
 * under {@code modelbuilder.*}.
 */
class ConfigurationMetadataTest {
    /** The generated Web API's names, bound by the starter as aliases of the current ones. */
    private static final List<String> OLD_NAMES = List.of("modelbuilder.webapi.max-image-size",
            "modelbuilder.webapi.max-batch-images");

    @Test
    void everyBoundPropertyIsListedWithADescription() throws IOException {
        Map<String, JsonNode> listed = starterMetadata();
        List<String> bound = new ArrayList<>(OLD_NAMES);
        collect("modelbuilder", ModelBuilderProperties.class, bound);
        assertThat(bound).contains("modelbuilder.model", "modelbuilder.engine.cache.max-size",
                "modelbuilder.server.request-timeout", "modelbuilder.server.max-connections");

        assertThat(new TreeSet<>(listed.keySet())).isEqualTo(new TreeSet<>(bound));
        for (String name : bound) {
            assertThat(listed.get(name).path("description").asText()).as(name).isNotBlank();
        }
    }

    /** The properties of a record bound under a prefix: its components in kebab case, nested records recursively. */
    private static void collect(String prefix, Class<?> type, List<String> names) {
        for (RecordComponent component : type.getRecordComponents()) {
            String name = prefix + "." + kebab(component.getName());
            Class<?> value = component.getType();
            if (value.isRecord() && value.getEnclosingClass() == ModelBuilderProperties.class) {
                collect(name, value, names);
            } else {
                names.add(name);
            }
        }
    }

    private static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    /** @return the {@code modelbuilder.*} properties of the metadata file that lists them (the starter's own) */
    private static Map<String, JsonNode> starterMetadata() throws IOException {
        Map<String, JsonNode> properties = new LinkedHashMap<>();
        List<URL> files = Collections.list(ConfigurationMetadataTest.class.getClassLoader()
                .getResources("META-INF/spring-configuration-metadata.json"));
        for (URL file : files) {
            try (InputStream in = file.openStream()) {
                for (JsonNode property : ServingFixtures.JSON.readTree(in).path("properties")) {
                    String name = property.path("name").asText();
                    if (name.startsWith("modelbuilder.")) {
                        assertThat(properties.put(name, property)).as("%s listed twice", name).isNull();
                    }
                }
            }
        }
        assertThat(properties).as("the starter's metadata on the class path: %s", files).isNotEmpty();
        return properties;
    }
}
