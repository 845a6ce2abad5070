package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class SizesCommandTest {

    @Test
    void printsTheCatalogAsATable() {
        CliHarness.Result r = CliHarness.run("sizes");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).contains("NAME", "VCPU", "RETIRED")
                .containsPattern("Standard_NC12\\s+12\\s+112\\s+680\\s+2\\s+24\\s+48\\s+2\\s+2023-09-06")
                .containsPattern("Standard_NC24\\s+24\\s+224\\s+1440\\s+4\\s+48\\s+64\\s+4\\s+2023-09-06")
                .containsPattern("Standard_NC4as_T4_v3\\s+4\\s+28\\s+180\\s+1\\s+16\\s+8\\s+2\\s+-");
    }

    @Test
    void printsJson() throws Exception {
        CliHarness.Result r = CliHarness.run("sizes", "--json");
        assertThat(r.exitCode()).isZero();
        JsonNode rows = new ObjectMapper().readTree(r.out());
        assertThat(rows.isArray()).isTrue();
        assertThat(rows.get(0).get("name").asText()).isEqualTo("Standard_NC12");
        assertThat(rows.get(0).get("retiredOn").asText()).isEqualTo("2023-09-06");
        assertThat(rows.get(2).get("retiredOn").isNull()).isTrue();
    }

    @Test
    void unknownOptionIsBadInput() {
        CliHarness.Result r = CliHarness.run("sizes", "--colour");
        assertThat(r.exitCode()).isEqualTo(2);
        assertThat(r.err()).contains("Unknown option: '--colour'").contains("modelbuilder sizes --help");
    }
}
