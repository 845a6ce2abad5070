package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpHeaders;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.QuotaExceededException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ResourceExistsException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.exception.ThrottledException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** ARM, AML and MLflow error bodies to typed exceptions. */
class ArmErrorsTest {

    private static ArmResponse response(String method, int status, String body, String... headers) {
        HttpHeaders h = new HttpHeaders().set(HttpHeaderName.fromString("x-ms-request-id"), "req-123");
        for (int i = 0; i + 1 < headers.length; i += 2) {
            h.set(HttpHeaderName.fromString(headers[i]), headers[i + 1]);
        }
        return new ArmResponse(method, "/x", status, h, body.getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void armErrorBodiesKeepCodeMessageDetailsAndRequestId() {
        ServiceErrorDetails d = ArmErrors.details(response("PUT", 400, "{\"error\":{\"code\":\"DeploymentFailed\","
                + "\"message\":\"At least one resource deployment operation failed.\",\"details\":[{\"code\":"
                + "\"StorageAccountAlreadyTaken\",\"message\":\"The storage account named x is already taken.\"}]}}"));
        assertThat(d.code()).isEqualTo("DeploymentFailed");
        assertThat(d.message()).contains("At least one").contains("StorageAccountAlreadyTaken: The storage account");
        assertThat(d.requestId()).isEqualTo("req-123");
        assertThat(d.httpStatus()).isEqualTo(400);
        ServiceErrorDetails mlflow = ArmErrors.details(response("GET", 404, "{\"error_code\":\"RESOURCE_DOES_NOT_EXIST\","
                + "\"message\":\"Run 'x' not found\"}"));
        assertThat(mlflow.code()).isEqualTo("RESOURCE_DOES_NOT_EXIST");
    }

    @Test
    void statusesMapToTypedExceptions() {
        String body = "{\"error\":{\"code\":\"C\",\"message\":\"M\"}}";
        ModelBuilderException notFound = ArmErrors.toException(response("GET", 404, body), "get x", "compute", "gpu");
        assertThat(notFound).isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("compute 'gpu'")
                .hasMessageContaining("C: M").hasMessageContaining("req-123");
        assertThat(ArmErrors.toException(response("PUT", 409, body), "create", "job", "j"))
                .isInstanceOf(ResourceExistsException.class);
        assertThat(ArmErrors.toException(response("DELETE", 409, body), "delete", "job", "j"))
                .isExactlyInstanceOf(RemoteOperationException.class);
        ModelBuilderException throttled = ArmErrors.toException(response("GET", 429, body, "Retry-After", "17"), "get",
                "workspace", "w");
        assertThat(throttled).isInstanceOfSatisfying(ThrottledException.class,
                t -> assertThat(t.retryAfter()).contains(Duration.ofSeconds(17)));
    }

    @Test
    void quotaMessagesSayHowMuchIsMissing() {
        String arm = "{\"error\":{\"code\":\"QuotaExceeded\",\"message\":\"Operation could not be completed as it "
                + "results in exceeding approved standardNCASv3_T4Family Cores quota. Additional details - Deployment "
                + "Model: Resource Manager, Location: eastus, Current Limit: 8, Current Usage: 4, Additional Required: "
                + "12, (Minimum) New Limit Required: 16.\"}}";
        ModelBuilderException e = ArmErrors.toException(response("PUT", 400, arm), "create compute", "compute", "c");
        assertThat(e).isInstanceOfSatisfying(QuotaExceededException.class, q -> {
            assertThat(q.available()).isEqualTo(4);
            assertThat(q.required()).isEqualTo(16);
            assertThat(q.quotaName()).isEqualTo("standardNCASv3_T4Family");
            assertThat(q.getMessage()).contains("12 missing");
        });
        ServiceErrorDetails aml = new ServiceErrorDetails(0, "BadRequest", "The specified subscription has a Standard "
                + "NC family vCPU quota of 0 and cannot accomodate for at least 1 requested managed compute nodes which "
                + "maps to 12 vCPUs", null);
        assertThat(ArmErrors.isQuota(aml)).isTrue();
        QuotaExceededException q = ArmErrors.quota(aml);
        assertThat(q.required()).isEqualTo(12);
        assertThat(q.available()).isZero();
        assertThat(q.quotaName()).isEqualToIgnoringCase("Standard NC family");
        assertThat(ArmErrors.isQuota(new ServiceErrorDetails(0, "UserError", "bad image", null))).isFalse();
    }

    /**
     * Issue 28, item 4: a template deployment's error holds the reason several levels down; every level is read,
     * the innermost first, also when a level's message is itself a JSON error (as deployment operations write them).
     */
    @Test
    void nestedDetailsAreReadToAnyDepthInnermostFirst() {
        ServiceErrorDetails d = ArmErrors.details(response("GET", 200, "{\"status\":\"Failed\",\"error\":{"
                + "\"code\":\"DeploymentFailed\",\"message\":\"At least one resource deployment operation failed.\","
                + "\"details\":[{\"code\":\"ResourceDeploymentFailure\",\"message\":\"The resource write "
                + "operation failed to complete successfully.\",\"details\":[{\"code\":\"BadRequest\",\"message\":"
                + "\"Soft-deleted workspace exists. Please purge or recover it. https://aka.ms/wsoftdelete\"}]}]}}"));
        assertThat(d.code()).isEqualTo("DeploymentFailed");
        assertThat(d.message()).startsWith("BadRequest: Soft-deleted workspace exists. Please purge or recover it.")
                .contains("; ResourceDeploymentFailure: The resource write operation")
                .endsWith("; At least one resource deployment operation failed.");
        ServiceErrorDetails json = ArmErrors.details(response("GET", 200, "{\"error\":{\"code\":\"DeploymentFailed\","
                + "\"message\":\"At least one resource deployment operation failed.\",\"details\":[{\"code\":"
                + "\"Conflict\",\"message\":\"{\\r\\n  \\\"status\\\": \\\"Failed\\\",\\r\\n  \\\"error\\\": {"
                + "\\\"code\\\": \\\"QuotaExceeded\\\", \\\"message\\\": \\\"Deep reason.\\\"}}\"}]}}"));
        assertThat(json.message()).startsWith("QuotaExceeded: Deep reason.");
        StringBuilder deep = new StringBuilder("{\"error\":{\"code\":\"L0\",\"message\":\"level 0\"");
        for (int i = 1; i <= 12; i++) {
            deep.append(",\"details\":[{\"code\":\"L").append(i).append("\",\"message\":\"level ").append(i)
                    .append('"');
        }
        deep.append("}]".repeat(12)).append("}}");
        assertThat(ArmErrors.details(response("GET", 400, deep.toString())).message()).startsWith("L12: level 12");
    }
}
