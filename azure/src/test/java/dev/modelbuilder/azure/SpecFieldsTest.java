package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.modelbuilder.azure.testing.SpecFields;
import dev.modelbuilder.azure.testing.SpecValidator;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The endpoint bodies' checks catch what the service would refuse or drop: the checks themselves, tested. */
class SpecFieldsTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void aMisspelledFieldAnywhereInADeploymentIsFoundAndKnownOnesAreNot() throws Exception {
        JsonNode body = JSON.readTree("""
                {"location":"eastus","sku":{"name":"Default","capacity":1},"tags":{"a":"b"},
                 "properties":{"endpointComputeType":"Managed","instanceType":"Standard_DS3_v2","model":"m",
                   "scaleSettings":{"scaleType":"Default"},
                   "livenessProbe":{"initialDelaySeconds":"PT30S","period":"PT10S"},
                   "requestSettings":{"requestTimeout":"PT60S","maxConcurrentRequestsPerInstance":4},
                   "environmentVariables":{"ANY":"value"}, "instanceCount": 2}}
                """);
        assertThat(SpecFields.unknown("OnlineDeploymentTrackedResource", body))
                .containsExactlyInAnyOrder("properties.livenessProbe.initialDelaySeconds", "properties.instanceCount");
    }

    @Test
    void anEnvironmentsRoutesAndAnEndpointsTrafficAreChecked() throws Exception {
        assertThat(SpecFields.unknown("EnvironmentVersionResource", JSON.readTree("""
                {"properties":{"build":{"contextUri":"https://a/b/","dockerfilePath":"Dockerfile"},
                  "inferenceConfig":{"scoringRoute":{"path":"/predict","port":8080,"verb":"POST"}}}}
                """))).containsExactly("properties.inferenceConfig.scoringRoute.verb");
        assertThat(SpecFields.unknown("OnlineEndpointTrackedResource", JSON.readTree("""
                {"location":"eastus","identity":{"type":"SystemAssigned"},
                 "properties":{"authMode":"Key","traffic":{"blue":100},"auth":"Key"}}
                """))).containsExactly("properties.auth");
    }

    @Test
    void theValidatorRefusesAMissingRequiredFieldAndAValueOutsideAnEnum() {
        SpecValidator spec = SpecValidator.get();
        String path = "/subscriptions/s/resourceGroups/rg/providers/Microsoft.MachineLearningServices/workspaces/w"
                + "/onlineEndpoints/e/deployments/blue";
        Map<String, String> query = Map.of("api-version", "2024-04-01");
        assertThat(spec.validateRequest("PUT", path, query, "{\"location\":\"eastus\",\"properties\":{}}"))
                .anyMatch(p -> p.contains("endpointComputeType"));
        assertThat(spec.validateRequest("PUT", path.substring(0, path.indexOf("/deployments")), query,
                "{\"location\":\"eastus\",\"properties\":{\"authMode\":\"Keys\"}}")).isNotEmpty();
    }
}
