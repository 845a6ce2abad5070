package dev.modelbuilder.examples;

import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}). */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("examples");
    }
}
