package dev.modelbuilder.local;

import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}). */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("local");
    }

    @Test
    void letsOnlyModelBuilderExceptionsOutOfItsPublicApi() {
        ArchitectureRules.checkApiErrors("local");
    }
}
