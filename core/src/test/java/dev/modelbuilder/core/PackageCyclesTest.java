package dev.modelbuilder.core;

import static com.tngtech.archunit.library.dependencies.SlicesRuleDefinition.slices;
import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.Test;

/** The packages of core depend on each other in one direction only, and core stays free of heavy dependencies. */
class PackageCyclesTest {
    private static final JavaClasses CORE = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("dev.modelbuilder.core");

    @Test
    void corePackagesHaveNoCycles() {
        // one slice per package (the root package included), so a cycle between any two packages fails
        slices().matching("dev.modelbuilder.(**)").should().beFreeOfCycles().check(CORE);
    }

    @Test
    void coreDependsOnNoCloudOrMachineLearningLibrary() {
        noClasses().should().dependOnClassesThat().resideInAnyPackage("com.azure..", "ai.onnxruntime..", "ai.djl..",
                "com.fasterxml..").check(CORE);
    }
}
