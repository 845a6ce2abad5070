package dev.modelbuilder.local;

import static com.tngtech.archunit.base.DescribedPredicate.not;
import static com.tngtech.archunit.core.domain.JavaClass.Predicates.resideInAPackage;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static org.assertj.core.api.Assertions.assertThat;

import com.tngtech.archunit.core.domain.JavaClass;
import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.domain.JavaModifier;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/**
 * The local module's packages point one way (API, then implementation, then transfer learning, then the generated
 * ONNX classes), it uses no other module's internals, and its public API is the few types its package-info names.
 */
class PackageDependenciesTest {
    private static final JavaClasses LOCAL = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.modelbuilder.local");

    @Test
    void localPackagesHaveNoCycles() {
        slices().matching("dev.modelbuilder.(**)").should().beFreeOfCycles().check(LOCAL);
    }

    @Test
    void localUsesNoOtherModulesImplementation() {
        noClasses().should().dependOnClassesThat(resideInAPackage("dev.modelbuilder.*.implementation..")
                .and(not(resideInAPackage("dev.modelbuilder.local.implementation..")))).check(LOCAL);
    }

    @Test
    void thePublicApiIsTheProviderItsOptionsAndTheSampleDatasets() {
        assertThat(LOCAL.stream().filter(c -> c.getPackageName().equals("dev.modelbuilder.local"))
                .filter(c -> c.getModifiers().contains(JavaModifier.PUBLIC)).filter(JavaClass::isTopLevelClass)
                .map(JavaClass::getSimpleName)).containsExactlyInAnyOrder("LocalProvider", "LocalProviderBuilder",
                        "LocalTrainingOptions", "LocalTrainingOptionsBuilder", "SampleDatasets");
    }
}
