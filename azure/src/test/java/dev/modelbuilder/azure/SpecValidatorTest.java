package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.modelbuilder.azure.testing.SpecValidator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The validator the emulator relies on: it accepts the spec's own examples for the operations the provider uses,
 * and rejects bodies that break the spec (so an emulator or client drift cannot pass unnoticed). (The compute GET
 * examples are left out: they hold {@code null}s where the schema has none, which the service does not send.)
 */
class SpecValidatorTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String WS = "/subscriptions/00000000-1111-2222-3333-444444444444/resourceGroups/test-rg/"
            + "providers/Microsoft.MachineLearningServices/workspaces/my-aml-workspace";
    private static final Map<String, String> API = Map.of("api-version", "2024-04-01");

    private static JsonNode example(String file) throws Exception {
        return JSON.readTree(SpecValidator.specDir().resolve("examples").resolve(file).toFile());
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "Compute/createOrUpdate/BasicAmlCompute.json, PUT, /computes/compute123, 200",
        "Compute/patch.json, PATCH, /computes/compute123, 200",
        "Workspace/get.json, GET, '', 200",
        "Datastore/get.json, GET, /datastores/string, 200",
        "Datastore/listSecrets.json, POST, /datastores/string/listSecrets, 200",
        "Workspace/DataVersionBase/createOrUpdate.json, PUT, /data/string/versions/string, 200",
        "Job/cancel.json, POST, /jobs/string/cancel, 202"})
    void theSpecExamplesOfTheOperationsWeUsePass(String file, String method, String suffix, int status)
            throws Exception {
        JsonNode ex = example(file);
        JsonNode body = ex.at("/parameters/body").isMissingNode() ? ex.at("/parameters/parameters")
                : ex.at("/parameters/body");
        JsonNode parameters = ex.path("parameters");
        String path = WS.replace("test-rg", parameters.path("resourceGroupName").asText("test-rg"))
                .replace("my-aml-workspace", parameters.path("workspaceName").asText("my-aml-workspace")) + suffix;
        JsonNode response = ex.at("/responses/" + status + "/body");
        List<String> problems = SpecValidator.get().validate(method, path, API, body.isMissingNode() ? null
                : body.toString(), status, response.isMissingNode() ? null : response.toString());
        assertThat(problems).isEmpty();
    }

    @Test
    void theAutoMlJobExampleOnlyFailsOnItsKnownStatusBug() throws Exception {
        JsonNode job = example("Job/AutoMLJob/createOrUpdate.json");
        List<String> problems = SpecValidator.get().validate("PUT", WS + "/jobs/string", API,
                job.at("/parameters/body").toString(), 201, job.at("/responses/201/body").toString());
        assertThat(problems).isNotEmpty().allSatisfy(p -> assertThat(p).contains("Scheduled"));
    }

    @Test
    void bodiesThatBreakTheSpecAreRejected() throws Exception {
        JsonNode job = example("Job/AutoMLJob/createOrUpdate.json").at("/parameters/body");
        ObjectNode noLimits = job.deepCopy();
        ((ObjectNode) noLimits.at("/properties/taskDetails")).remove("limitSettings");
        assertThat(SpecValidator.get().validateRequest("PUT", WS + "/jobs/j", API, noLimits.toString()))
                .anySatisfy(p -> assertThat(p).contains("limitSettings"));
        ObjectNode wrongType = job.deepCopy();
        ((ObjectNode) wrongType.at("/properties/taskDetails/trainingData")).put("jobInputType", "table");
        assertThat(SpecValidator.get().validateRequest("PUT", WS + "/jobs/j", API, wrongType.toString())).isNotEmpty();
        ObjectNode unknownField = job.deepCopy();
        ((ObjectNode) unknownField.at("/properties/taskDetails/limitSettings")).put("maxEpochs", 3);
        assertThat(SpecValidator.get().validateRequest("PUT", WS + "/jobs/j", API, unknownField.toString()))
                .anySatisfy(p -> assertThat(p).contains("maxEpochs"));

        JsonNode compute = example("Compute/createOrUpdate/BasicAmlCompute.json").at("/parameters/parameters");
        ObjectNode badPriority = compute.isMissingNode() ? JSON.createObjectNode() : compute.deepCopy();
        badPriority.putObject("properties").put("computeType", "AmlCompute").putObject("properties")
                .put("vmPriority", "Cheap").putObject("scaleSettings").put("maxNodeCount", 1);
        badPriority.put("location", "eastus");
        assertThat(SpecValidator.get().validateRequest("PUT", WS + "/computes/c", API, badPriority.toString()))
                .anySatisfy(p -> assertThat(p).contains("Cheap"));
        assertThat(SpecValidator.get().validateRequest("DELETE", WS + "/computes/c", API, null))
                .anySatisfy(p -> assertThat(p).contains("underlyingResourceAction"));
        assertThat(SpecValidator.get().validateRequest("GET", WS + "/jobs/j", Map.of(), null))
                .anySatisfy(p -> assertThat(p).contains("api-version"));
    }
}
