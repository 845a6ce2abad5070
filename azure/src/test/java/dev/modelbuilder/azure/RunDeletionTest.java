package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.azure.testing.AzuriteTest;
import dev.modelbuilder.azure.testing.EmulatorState.Interaction;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.AuthorizationException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.testing.TestImages;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Listing and deleting runs and experiments against the emulator, which answers {@code Jobs_Delete} as the REST
 * description says (202 with a signed {@code Location} and {@code Retry-After}, the job gone when the operation ends)
 * and pages {@code Jobs_List} three jobs at a time.
 */
@AzuriteTest
@ExtendWith(EmulatedAzureExtension.class)
class RunDeletionTest {
    private EmulatedAzure azure;
    private ModelBuilder mb;
    private WorkspaceScope ws;
    private TrainingSpec spec;

    @TempDir
    Path temp;

    @BeforeEach
    void open(EmulatedAzure emulated) {
        azure = emulated;
        mb = ModelBuilder.using(azure.builder().build());
        mb.workspaces().define("del-ws").withRegion("eastus").create();
        ws = mb.workspace("del-ws");
        ws.computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).withMaxNodes(1).create();
        spec = TrainingSpec.fromData(TestImages.dataset(temp.resolve("pets"), List.of("cat", "dog"), 6))
                .withCompute("gpu").build();
    }

    @AfterEach
    void close() {
        mb.close();
    }

    private TrainingRun finished(String experiment) {
        TrainingRun run = ws.runs().define(spec).inExperiment(experiment).beginCreate();
        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        return run;
    }

    @Test
    void aRunningRunIsCancelledAndHasEndedBeforeItIsDeleted() {
        azure.arm.setHoldJobsRunning(true);
        TrainingRun run = ws.runs().define(spec).inExperiment("held").beginCreate();
        while (!run.refresh().status().equals(RunStatus.RUNNING)) {
            assertThat(run.status().isTerminal()).isFalse();
        }
        azure.sleeper.clear();

        LongRunningOperation<Deletion> deletion = ws.runs().beginDelete(run.id());
        assertThat(deletion.status()).isEqualTo(OperationStatus.IN_PROGRESS);
        Deletion done = deletion.waitForCompletion(Duration.ofMinutes(1));

        assertThat(done).isEqualTo(new Deletion("run", run.id(), true));
        assertThat(azure.arm.jobsDeletedWhileActive()).as("cancelled, and ended, before the DELETE").isEmpty();
        List<String> calls = azure.arm.interactions().stream()
                .filter(i -> i.path().contains("/jobs/" + run.id()) || i.path().contains("/mfeOperationResults/"))
                .map(i -> i.method() + " " + i.path().replaceAll(".*/(jobs|mfeOperationResults)/", "$1/"))
                .toList();
        int cancel = calls.indexOf("POST jobs/" + run.id() + "/cancel");
        int delete = calls.indexOf("DELETE jobs/" + run.id());
        assertThat(cancel).isNotNegative().isLessThan(delete);
        assertThat(calls.subList(delete + 1, calls.size())).as("the Location is followed")
                .allMatch(c -> c.startsWith("GET mfeOperationResults/")).isNotEmpty();
        assertThat(azure.sleeper.waits()).as("Retry-After of the 202 and of the Location polls")
                .contains(Duration.ofSeconds(10));
        assertThatThrownBy(() -> ws.runs().get(run.id())).isInstanceOf(ResourceNotFoundException.class);

        long deletes = azure.arm.count("DELETE", "/jobs/");
        assertThat(ws.runs().delete(run.id()).existed()).isFalse();
        assertThat(azure.arm.count("DELETE", "/jobs/")).as("nothing left to delete").isEqualTo(deletes);
    }

    @Test
    void deletingAnExperimentDeletesItsRunsOnly() {
        TrainingRun a1 = finished("a");
        TrainingRun a2 = finished("a");
        TrainingRun b = finished("b");
        ws.experiments().define("empty").create();

        Deletion deleted = ws.experiments().delete("a");

        assertThat(deleted).isEqualTo(new Deletion("experiment", "a", true));
        assertThat(azure.arm.jobNames("del-ws")).containsExactly(b.id()).doesNotContain(a1.id(), a2.id());
        assertThat(ws.runs().list()).extracting(Run::id).containsExactly(b.id());
        assertThat(ws.experiments().list()).extracting(Experiment::name).containsExactlyInAnyOrder("b", "empty");
        assertThatThrownBy(() -> ws.experiments().get("a")).isInstanceOf(ResourceNotFoundException.class);
        assertThat(ws.experiments().delete("a").existed()).isFalse();

        assertThat(ws.experiments().delete("empty").existed()).as("defined, without runs yet").isTrue();
        assertThatThrownBy(() -> ws.experiments().get("empty")).isInstanceOf(ResourceNotFoundException.class);
        assertThat(ws.experiments().delete("never").existed()).isFalse();
    }

    @Test
    void everyRunOfTheWorkspaceIsListedAcrossPages() {
        List<String> ids = List.of(finished("x").id(), finished("y").id(), finished("x").id(), finished("z").id());
        long listsBefore = azure.arm.count("GET", "/jobs$");

        assertThat(ws.runs().list()).extracting(Run::id).containsExactlyInAnyOrderElementsOf(ids);
        assertThat(azure.arm.count("GET", "/jobs$") - listsBefore).as("two pages of three").isEqualTo(2);
        assertThat(azure.arm.interactions().stream().filter(i -> i.method().equals("GET")
                && i.path().endsWith("/jobs")).map(Interaction::status)).containsOnly(200);
        assertThat(ws.runs().list("x")).hasSize(2);
    }

    @Test
    void aRefusedDeleteIsTypedAndKeepsTheRun() {
        TrainingRun run = finished("kept");
        azure.arm.failNext("DELETE", "/jobs/", 403, "AuthorizationFailed", "The client does not have authorization "
                + "to perform action 'Microsoft.MachineLearningServices/workspaces/jobs/delete'.", 1);
        assertThatThrownBy(() -> ws.runs().delete(run.id())).isInstanceOf(AuthorizationException.class)
                .hasMessageContaining("jobs/delete");
        assertThat(ws.runs().get(run.id()).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(ws.runs().delete(run.id()).existed()).isTrue();
    }
}
