package dev.modelbuilder.testdata;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The error rule finds what leaks, leaves programming errors and hidden members alone, and refuses to check nothing. */
class ApiErrorRulesTest {
    private static final String SAMPLE = "dev.modelbuilder.testdata.errorsample";
    private static final Path SOURCES = Path.of("src", "test", "java", "dev", "modelbuilder", "testdata", "errorsample");

    @Test
    void namesADeclaredCheckedExceptionAndADocumentedForeignOne() {
        JavaClasses sample = new ClassFileImporter().importPackages(SAMPLE);

        assertThatThrownBy(() -> ApiErrorRules.check(SAMPLE, sample, SOURCES))
                .isInstanceOf(AssertionError.class)
                .hasMessageContaining(SAMPLE + ".LeakyApi.read() declares java.io.IOException")
                .hasMessageContaining("LeakyApi.java:12 documents @throws IOException")
                .hasMessageContaining("LeakyApi.java:20 documents @throws IllegalStateException")
                .satisfies(e -> org.assertj.core.api.Assertions.assertThat(e.getMessage())
                        .doesNotContain("IndexOutOfBoundsException").doesNotContain("not API"));
    }

    @Test
    void refusesToCheckNothing() {
        JavaClasses none = new ClassFileImporter().importPackages("dev.modelbuilder.nosuchmodule");

        assertThatThrownBy(() -> ApiErrorRules.check("dev.modelbuilder.nosuchmodule", none, SOURCES))
                .isInstanceOf(AssertionError.class).hasMessageContaining("no classes");
        assertThatThrownBy(() -> ApiErrorRules.check(SAMPLE, new ClassFileImporter().importPackages(SAMPLE),
                Path.of("no", "such", "folder"))).isInstanceOf(AssertionError.class).hasMessageContaining("no sources");
    }
}
