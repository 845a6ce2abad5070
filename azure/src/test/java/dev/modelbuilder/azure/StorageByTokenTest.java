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
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
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

    @Test
    void refusedKeysFallBackToTheCallersTokenForUploadAndDownload() {
        int before = azure.arm.credential().requestedScopes().size();
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromFolder(data).withCompute("gpu").build())
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
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromFolder(data).withCompute("gpu").build())
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
        int before = azure.arm.credential().requestedScopes().size();
        Path data = TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6);
        TrainingRun run = ws.runs().define(TrainingSpec.fromFolder(data).withCompute("gpu").build())
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
        assertThatThrownBy(() -> ws.runs().define(TrainingSpec.fromFolder(data).withCompute("gpu").build())
                .inExperiment("keyless").beginCreate())
                .isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("Storage Blob Data Contributor")
                .hasMessageContaining("storage account " + Azurite.ACCOUNT);
    }
}
