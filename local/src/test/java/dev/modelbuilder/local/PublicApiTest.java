package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The local module's public API is the few types its package-info names (the rules every module keeps are checked by
 * {@link ArchitectureTest}).
 */
class PublicApiTest {
    private static final JavaClasses LOCAL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.modelbuilder.local");

    @Test
    void thePublicApiIsTheProviderItsOptionsAndTheSampleDatasets() {
        assertThat(LOCAL.stream().filter(c -> c.getPackageName().equals("dev.modelbuilder.local"))
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC)).filter(JavaClass::isTopLevelClass)
                .map(JavaClass::getSimpleName)).containsExactlyInAnyOrder("LocalProvider", "LocalProviderBuilder",
                        "LocalTrainingOptions", "LocalTrainingOptionsBuilder", "SampleDatasets");
    }
}
