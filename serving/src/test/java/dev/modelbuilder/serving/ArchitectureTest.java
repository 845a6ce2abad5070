package dev.modelbuilder.serving;

import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}). */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("serving");
    }

    @Test
    void letsOnlyModelBuilderExceptionsOutOfItsPublicApi() {
        ArchitectureRules.checkApiErrors("serving");
    }
}
