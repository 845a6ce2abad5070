package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TemplatesTest {
    @Test
    void sectionsKeepTheirLinesOnlyWhenTheirFlagSaysSo() {
        assertThat(Templates.render("test-sections.tmpl", Map.of("name", "x", "on", "true")))
                .isEqualTo("a x\nkept when on\nz\n");
        assertThat(Templates.render("test-sections.tmpl", Map.of("name", "x", "on", "false")))
                .isEqualTo("a x\nkept when off\nz\n");
    }

    @Test
    void aSectionFlagMustBeTrueOrFalseAndEveryKeyKnown() {
        assertThatThrownBy(() -> Templates.render("test-sections.tmpl", Map.of("name", "x")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("section on on whose value is null");
        assertThatThrownBy(() -> Templates.render("test-sections.tmpl", Map.of("on", "true")))
                .isInstanceOf(AssertionError.class).hasMessageContaining("unknown key name");
    }
}
