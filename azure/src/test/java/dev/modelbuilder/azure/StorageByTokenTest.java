package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.azure.testing.Azurite;
import dev.modelbuilder.azure.testing.KeylessStorage;
import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.azure.testing.TestCertificates;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.AuthorizationException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.operation.ProgressEvent;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.azure.testing.ArmEmulator;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A storage account that takes no shared keys (issue 11): the datastore's {@code listSecrets} is refused with 403,
 * and the provider reaches blob storage with the caller's token instead, against an Azurite of its own that serves
 * HTTPS and checks bearer tokens (OAuth level basic: issuer, audience, lifetime).
 */
@AzuriteTest
class StorageByTokenTest {
    private static Azurite tokenAzurite;
    private static EmulatedAzure azure;
    private ModelBuilder mb;
    private WorkspaceScope ws;

    @TempDir
    Path temp;

    @BeforeAll
    static void start(@TempDir Path pem) throws Exception {
        TestCertificates certificates = TestCertificates.create();
        tokenAzurite = Azurite.startWithOAuth(certificates, pem);
        azure = new EmulatedAzure(tokenAzurite, certificates);
    }

    @AfterAll
    static void stop() {
        azure.close();
        tokenAzurite.close();
    }

    @BeforeEach
    void open() {
        azure.arm.reset();
        azure.arm.credential().setStorageAudience("https://storage.azure.com");
        mb = ModelBuilder.using(azure.builder().build());
        mb.workspaces().define("keyless").withRegion("eastus").create();
        ws = mb.workspace("keyless");
        ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
        azure.arm.setSharedKeyDisabled(true);
    }

    @AfterEach
    void close() {
        mb.close();
        assertThat(azure.arm.violations()).as("spec violations").isEmpty();
    }

    /** Does what the provider's message tells the user: gives the compute's identity Storage Blob Data Reader. */
    private void grantTheComputesIdentityTheRole() {
        String principal = azure.arm.computePrincipal("keyless", "gpu");
        assertThat(principal).as("the compute has a system-assigned identity").isNotNull();
        azure.arm.grantStorageBlobDataReader(principal);
    }

    @Test
    void refusedKeysFallBackToTheCallersTokenForUploadAndDownload() {
        grantTheComputesIdentityTheRole();
        int before = azure.arm.credential().requestedScopes().size();
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("keyless").beginCreate();
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        TrainedModel model = run.downloadModel(temp.resolve("model"));

        assertThat(model.labels()).containsExactly("cat", "dog");
        assertThat(azure.arm.count("POST", "/listSecrets$")).isGreaterThanOrEqualTo(1);
        assertThat(azure.arm.secretsHandedOut()).isEmpty();
        assertThat(azure.arm.credential().requestedScopes().subList(before, azure.arm.credential().requestedScopes()
                .size())).contains("https://storage.azure.com/.default");
        assertThat(azure.arm.dataContainer("keyless").listBlobs()).isNotEmpty();
    }

    @Test
    void aKeyThatStorageRefusesIsReplacedByTheCallersToken() {
        mb.close();
        azure.arm.setSharedKeyDisabled(false);
        KeylessStorage keyless = new KeylessStorage(azure.httpClient, tokenAzurite.port());
        mb = ModelBuilder.using(azure.builder().withHttpClient(keyless).build());
        ws = mb.workspace("keyless");
        grantTheComputesIdentityTheRole();
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("keyless").beginCreate();
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.downloadModel(temp.resolve("model")).labels()).containsExactly("cat", "dog");
        assertThat(azure.arm.secretsHandedOut()).as("the key was handed out").isNotEmpty();
        assertThat(keyless.refused()).as("one probe per datastore, then tokens only").isEqualTo(2);
    }

    @Test
    void anIdentityBasedDatastoreIsReachedByTokenWithoutAskingForSecrets() {
        azure.arm.setSharedKeyDisabled(false);
        azure.arm.setIdentityDatastores(true);
        grantTheComputesIdentityTheRole();
        int before = azure.arm.credential().requestedScopes().size();
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("identity").beginCreate();
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.downloadModel(temp.resolve("model")).labels()).containsExactly("cat", "dog");
        assertThat(azure.arm.count("POST", "/listSecrets$")).isZero();
        assertThat(azure.arm.credential().requestedScopes().subList(before, azure.arm.credential().requestedScopes()
                .size())).contains("https://storage.azure.com/.default");
    }

    @Test
    void aTokenThatStorageRefusesNamesTheRoleAndTheAccount() {
        azure.arm.credential().setStorageAudience("https://someone-else.example");
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("keyless").beginCreate())
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("Storage Blob Data Contributor")
                .hasMessageContaining("storage account " + Azurite.ACCOUNT);
    }

    private static final Pattern ROLE_COMMAND = Pattern.compile("az role assignment create --assignee-object-id "
            + "(\\S+) --assignee-principal-type ServicePrincipal --role \"Storage Blob Data Reader\" --scope (\\S+)");

    /**
     * Issue 28, item 5: with keys refused, upload works by token, but the trials read the data on the cluster: a
     * datastore with a stored key is read with the key (refused), so the provider registers a datastore without
     * credentials over the same container, creates computes with a system-assigned identity, sends the job with the
     * identity {@code Managed}, and tells the user the exact role assignment the compute's identity needs, which it
     * never performs itself. The emulator fails the trials until the role is assigned.
     */
    @Test
    void trainingOnStorageWithoutKeysReadsTheDataWithTheComputesIdentity() {
        String principal = azure.arm.computePrincipal("keyless", "gpu");
        assertThat(principal).as("computes are created with a system-assigned identity").isNotNull();
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        TrainingRun refused = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("keyless").withListener(events::add).beginCreate();
        Run failed = refused.waitForCompletion(Duration.ofMinutes(1));
        assertThat(failed.status()).as("the role is not assigned yet").isEqualTo(RunStatus.FAILED);
        assertThat(failed.failure()).hasValueSatisfying(e -> assertThat(e.message())
                .contains("AuthorizationPermissionMismatch"));

        String line = events.stream().filter(ProgressEvent.LogLine.class::isInstance)
                .map(e -> ((ProgressEvent.LogLine) e).line()).filter(l -> l.contains("az role assignment create"))
                .findFirst().orElseThrow(() -> new AssertionError("no role assignment told: " + events));
        Matcher command = ROLE_COMMAND.matcher(line);
        assertThat(command.find()).as(line).isTrue();
        assertThat(command.group(1)).isEqualTo(principal);
        assertThat(command.group(2)).isEqualTo("/subscriptions/" + ArmEmulator.SUBSCRIPTION + "/resourceGroups/rg/"
                + "providers/Microsoft.Storage/storageAccounts/" + Azurite.ACCOUNT);
        azure.arm.grantStorageBlobDataReader(command.group(1));

        TrainingRun run = ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("keyless").beginCreate();
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        JsonNode job = azure.arm.jobProperties("keyless", run.id());
        assertThat(job.at("/identity/identityType").asText()).isEqualTo("Managed");
        assertThat(azure.arm.registeredDatastores("keyless")).hasEntrySatisfying("modelbuilderblobstore",
                d -> assertThat(d.at("/properties/credentials/credentialsType").asText()).isEqualTo("None"));
        assertThat(run.downloadModel(temp.resolve("model")).labels()).containsExactly("cat", "dog");
    }

    /** Issue 28, item 5: a compute without an identity cannot read credential-less data: refused before upload. */
    @Test
    void aComputeWithoutAnIdentityIsRefusedBeforeAnythingIsUploaded() {
        azure.arm.removeComputeIdentity("keyless", "gpu");
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromData(data).withCompute("gpu").build())
                .inExperiment("keyless").beginCreate())
                .isInstanceOf(ValidationException.class).hasMessageContaining("compute 'gpu'")
                .hasMessageContaining("managed identity").hasMessageContaining(Azurite.ACCOUNT);
        assertThat(azure.arm.count("PUT", "/jobs/")).isZero();
        assertThat(azure.arm.dataContainer("keyless").listBlobs().stream().count()).isZero();
    }
}
