package dev.modelbuilder.pipeline;

import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}). */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("pipeline");
    }

    @Test
    void letsOnlyModelBuilderExceptionsOutOfItsPublicApi() {
        ArchitectureRules.checkApiErrors("pipeline");
    }
}
