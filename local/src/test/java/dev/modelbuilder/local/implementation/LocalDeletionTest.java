package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.TestData;
import dev.modelbuilder.local.implementation.Records.OwnerRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Deleting runs and experiments stops what is still going first, in this process or in another one. */
class LocalDeletionTest {
    private static final String OTHER_RUN = "run-20260101-100002-0000000c";

    @TempDir
    Path temp;

    private LocalProvider open() {
        return LocalProvider.builder().withRoot(temp.resolve("root")).withThreads(2).build();
    }

    private Path runDir(String runId) {
        return temp.resolve("root").resolve("ws1").resolve("runs").resolve(runId);
    }

    @Test
    void deletingAnExperimentCancelsItsTrainingRunAndRemovesItsFiles() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            WorkspaceScope ws = mb.workspace("ws1");
            CountDownLatch training = new CountDownLatch(1);
            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            TrainingRun endless = ws.runs().define(TestData.endless(data)).inExperiment("doomed").withListener(e -> {
                events.add(e);
                if (e instanceof ProgressEvent.StepStarted s && s.step() == WorkStep.TRAIN) {
                    training.countDown();
                }
            }).beginCreate();
            assertThat(training.await(2, TimeUnit.MINUTES)).isTrue();
            assertThat(runDir(endless.id())).isDirectory();

            assertThat(ws.experiments().delete("doomed").existed()).isTrue();

            assertThat(events).contains(new ProgressEvent.RunStatusChanged(endless.id(), RunStatus.CANCEL_REQUESTED,
                    RunStatus.CANCELED));
            assertThat(runDir(endless.id())).doesNotExist();
            assertThatThrownBy(() -> ws.runs().get(endless.id())).isInstanceOf(ResourceNotFoundException.class);
            assertThatThrownBy(() -> ws.experiments().get("doomed")).isInstanceOf(ResourceNotFoundException.class);
            assertThat(ws.runs().list()).isEmpty();
        }
    }

    @Test
    void deletingARunOfAnotherProcessAsksItToStopAndWaitsForIt() throws Exception {
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            mb.workspace("ws1").experiments().define("exp").create();
            LocalStore store = new LocalStore(temp.resolve("root"), AtomicFiles.system());
            String created = Instant.parse("2026-01-01T10:00:02Z").toString();
            // a live owner that is not this provider: another process training the run
            RunRecord running = new RunRecord(OTHER_RUN, "exp", "ws1", RunStatus.RUNNING.value(), created, created,
                    null, Map.of(), List.of(), null, OwnerRecord.current("another-process"), List.of("a", "b"),
                    "/elsewhere", Map.of(), false);
            store.writeRun(running);
            Path marker = store.cancelMarker("ws1", OTHER_RUN);
            // the other process: it sees the marker before its next batch, and ends the run
            Thread other = new Thread(() -> {
                long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
                try {
                    while (!Files.exists(marker) && System.nanoTime() < deadline) {
                        Thread.sleep(10);
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                store.writeRun(running.ended(RunStatus.CANCELED, Instant.now().toString(), null, false));
            });
            other.start();

            assertThat(mb.workspace("ws1").runs().delete(OTHER_RUN).existed()).isTrue();
            other.join();

            assertThat(runDir(OTHER_RUN)).doesNotExist();
            assertThat(mb.workspace("ws1").runs().list("exp")).isEmpty();
            assertThat(mb.workspace("ws1").runs().delete(OTHER_RUN).existed()).isFalse();
        }
    }

    @Test
    void deletingWhatCannotExistSucceedsWithNothingDeleted() {
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            assertThat(mb.workspace("ws1").runs().delete("not-a-local-run-id").existed()).isFalse();
            assertThat(mb.workspace("ws1").experiments().delete("never-made").existed()).isFalse();
            assertThat(provider.runs().beginDelete("no-such-ws", OTHER_RUN).finalResult().existed()).isFalse();
            assertThat(provider.experiments().beginDelete("no-such-ws", "exp").finalResult().existed()).isFalse();
        }
    }

    @Test
    void aCompletedRunIsDeletedWithItsArtifactsAndTheOthersStay() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            WorkspaceScope ws = mb.workspace("ws1");
            Run gone = ws.runs().define(TestData.quick(data)).inExperiment("exp").create();
            Run kept = ws.runs().define(TestData.quick(data)).inExperiment("exp").create();
            assertThat(runDir(gone.id()).resolve("outputs").resolve("bestModel.onnx")).isRegularFile();

            assertThat(ws.runs().delete(gone.id()).existed()).isTrue();

            assertThat(runDir(gone.id())).doesNotExist();
            assertThat(ws.runs().list("exp")).extracting(Run::id).containsExactly(kept.id());
            assertThat(ws.experiments().get("exp").name()).as("the experiment stays").isEqualTo("exp");
        }
    }
}
