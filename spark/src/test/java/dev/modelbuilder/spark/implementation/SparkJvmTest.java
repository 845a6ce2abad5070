package dev.modelbuilder.spark.implementation;

import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The JVM options Spark needs on Java 17: the pom's copy for the test JVMs, and the relaunch's own check. */
class SparkJvmTest {
    @Test
    void thePomGivesTheTestJvmsEveryOptionOfThisSparksLauncher() {
        List<String> pom = List.of(System.getProperty("spark.jvm.options", "").trim().split("\\s+"));
        assertThat(pom).as("spark.jvm.options in spark/pom.xml against Spark's JavaModuleOptions")
                .containsExactlyInAnyOrderElementsOf(SparkJvm.options());
        assertThat(ManagementFactory.getRuntimeMXBean().getInputArguments()).containsAll(SparkJvm.options().stream()
                .filter(o -> o.startsWith("--add-opens") || o.startsWith("-D")).toList());
    }

    @Test
    void thisJvmHasEveryOpenPackageSoTheBatchJobWouldNotRelaunch() {
        assertThat(SparkJvm.missingOpens()).isEmpty();
        assertThat(SparkJvm.relaunched()).isFalse();
        assertThat(SparkJvm.options()).contains("--add-opens=java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Test
    void argumentFileQuotingKeepsSpacesQuotesAndBackslashes() {
        assertThat(SparkJvm.quote("C:\\Program Files\\x \"y\"")).isEqualTo("\"C:\\\\Program Files\\\\x \\\"y\\\"\"");
    }
}
