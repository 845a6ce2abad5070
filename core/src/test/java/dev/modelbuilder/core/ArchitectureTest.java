package dev.modelbuilder.core;

import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}). */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("core");
    }

    @Test
    void coreDependsOnTheJdkAndSlf4jOnly() {
        ArchitectureRules.checkCoreDependencies();
    }

    @Test
    void letsOnlyModelBuilderExceptionsOutOfItsPublicApi() {
        ArchitectureRules.checkApiErrors("core");
    }
}
