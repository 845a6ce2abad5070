package dev.modelbuilder.codegen;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ValidationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ProjectNameTest {

    @Test
    void derivesFoldersArtifactsAndPackages() {
        ProjectName n = ProjectName.of("Flowers_2", "org.acme");
        assertThat(n.modelFolder()).isEqualTo("Flowers_2.Model");
        assertThat(n.consoleFolder()).isEqualTo("Flowers_2.ConsoleApp");
        assertThat(n.modelArtifactId()).isEqualTo("flowers-2-model");
        assertThat(n.consoleArtifactId()).isEqualTo("flowers-2-consoleapp");
        assertThat(n.parentArtifactId()).isEqualTo("flowers-2-parent");
        assertThat(n.modelPackage()).isEqualTo("org.acme.flowers2.model");
        assertThat(n.consolePackage()).isEqualTo("org.acme.flowers2.consoleapp");
        assertThat(n.webApiFolder()).isEqualTo("Flowers_2.WebApi");
        assertThat(n.webApiArtifactId()).isEqualTo("flowers-2-webapi");
        assertThat(n.webApiPackage()).isEqualTo("org.acme.flowers2.webapi");
    }

    @ParameterizedTest
    @CsvSource({"Blumen-Überblick, Blumen-Uberblick", "Café, Cafe", "my flowers, my-flowers", "Straße, Strase"})
    void mapsAccentsAndSpaces(String raw, String mapped) {
        assertThat(ProjectName.of(raw, null).name()).isEqualTo(mapped);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "'' | project name is missing",
        "../evil | it must be a name, not a path",
        "a/b | it must be a name, not a path",
        "a\\b | it must be a name, not a path",
        "C:x | it must be a name, not a path",
        "class | its package name 'class' is a reserved word in Java",
        "Null | its package name 'null' is a reserved word in Java",
        "花 | it has characters with no ASCII form",
        "9lives | project name '9lives' is invalid",
        "-x | project name '-x' is invalid"})
    void rejectsUnusableNames(String raw, String message) {
        assertThatThrownBy(() -> ProjectName.of(raw, null)).isInstanceOf(ValidationException.class)
                .hasMessageContaining(message);
    }

    @Test
    void rejectsBadGroupIds() {
        assertThatThrownBy(() -> ProjectName.of("Flowers", "Com.Example")).hasMessageContaining("group id");
        assertThatThrownBy(() -> ProjectName.of("Flowers", "com.new")).hasMessageContaining("'new' is a reserved word");
    }

    @org.junit.jupiter.params.ParameterizedTest
    @org.junit.jupiter.params.provider.ValueSource(strings = {"con", "CON", "Prn", "aux", "nul", "com1", "COM9", "lpt1",
        "lpt9"})
    void rejectsWindowsDeviceNames(String device) {
        assertThatThrownBy(() -> ProjectName.of(device, null)).hasMessageContaining("is a device name on Windows");
    }

    @Test
    void acceptsNamesThatOnlyStartLikeADevice() {
        assertThat(ProjectName.of("console", null).modelFolder()).isEqualTo("console.Model");
        assertThat(ProjectName.of("com10", null).modelFolder()).isEqualTo("com10.Model");
    }
}
