package dev.modelbuilder.serving;

import dev.modelbuilder.testdata.ArchitectureRules;
import org.junit.jupiter.api.Test;

/** The module keeps the architecture's rules (see {@link ArchitectureRules}). */
class ArchitectureTest {

    @Test
    void keepsTheArchitectureRules() {
        ArchitectureRules.check("serving");
    }

    /** The build runs these tests on two Spring Boot lines: each run must really be on the line it names. */
    @Test
    void runsOnTheSpringBootLineTheBuildAskedFor() {
        String expected = System.getProperty("serving.expected.spring-boot.version");
        org.junit.jupiter.api.Assumptions.assumeTrue(expected != null && !expected.isBlank(), "not run by the build");
        org.assertj.core.api.Assertions.assertThat(org.springframework.boot.SpringBootVersion.getVersion())
                .isEqualTo(expected);
    }
}
