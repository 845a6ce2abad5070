package dev.modelbuilder.core.support;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/** A setting is read from the system property, then the environment variable, then the caller's default. */
class SettingTest {
    private static final Setting MODEL = Setting.of("modelbuilder.model", "MODELBUILDER_MODEL", "the model to serve");

    private static Function<String, String> properties(Map<String, String> values) {
        return values::get;
    }

    @Test
    void thePropertyWinsOverTheEnvironmentWhichWinsOverTheDefault() {
        Map<String, String> environment = Map.of("MODELBUILDER_MODEL", "/from/env");
        assertThat(MODEL.valueFrom(properties(Map.of("modelbuilder.model", "/from/property")), environment))
                .contains("/from/property");
        assertThat(MODEL.valueFrom(properties(Map.of()), environment)).contains("/from/env");
        assertThat(MODEL.valueFrom(properties(Map.of()), Map.of()).orElse("/default")).isEqualTo("/default");
    }

    @Test
    void aBlankValueCountsAsUnsetAndValuesAreStripped() {
        assertThat(MODEL.valueFrom(properties(Map.of("modelbuilder.model", "  ")), Map.of("MODELBUILDER_MODEL",
                " /env \n"))).contains("/env");
        assertThat(MODEL.valueFrom(properties(Map.of()), Map.of("MODELBUILDER_MODEL", "\t")).orElse("/default"))
                .isEqualTo("/default");
        // another setting's names are not read
        assertThat(MODEL.valueFrom(properties(Map.of("modelbuilder.cache.dir", "/c")), Map.of("MODELBUILDER_CACHE_DIR",
                "/c"))).isEmpty();
    }

    @Test
    void valueReadsTheSystemPropertiesFirst() {
        Setting setting = Setting.of("modelbuilder.test.setting-test", "MODELBUILDER_TEST_SETTING_TEST_UNSET",
                "a setting only this test sets");
        assertThat(setting.value()).isEmpty();
        System.setProperty(setting.property(), "from the property");
        try {
            assertThat(setting.value()).contains("from the property");
        } finally {
            System.clearProperty(setting.property());
        }
        assertThat(setting.howToSet())
                .isEqualTo("-Dmodelbuilder.test.setting-test or MODELBUILDER_TEST_SETTING_TEST_UNSET");
    }

    @Test
    void refusesNamesOfTheWrongShape() {
        assertThatThrownBy(() -> Setting.of("Modelbuilder.Model", "MODELBUILDER_MODEL", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("Modelbuilder.Model");
        assertThatThrownBy(() -> Setting.of("modelbuilder.model", "modelbuilder-model", "x"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("modelbuilder-model");
    }
}
