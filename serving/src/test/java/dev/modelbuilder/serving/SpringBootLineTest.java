package dev.modelbuilder.serving;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootVersion;

/** The build runs the starter's tests on two Spring Boot lines (serving/pom.xml): each run is on the line it names. */
class SpringBootLineTest {

    @Test
    void runsOnTheSpringBootLineTheBuildAskedFor() {
        String expected = System.getProperty("serving.expected.spring-boot.version");
        Assumptions.assumeTrue(expected != null && !expected.isBlank(), "not run by the build");
        assertThat(SpringBootVersion.getVersion()).isEqualTo(expected);
    }
}
