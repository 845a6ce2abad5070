package dev.modelbuilder.local.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.Runs;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelBuilderException;
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

/**
 * The local run handle on the shared polling base: who tells the listener of status changes (the job of this
 * process, or the handle for a run another process trains), cancel-then-poll, and what download says before the
 * run completed.
 */
class LocalTrainingRunTest {
    private static final String OTHER_RUN = "run-20260101-100002-0000000c";

    @TempDir
    Path temp;

    private LocalProvider open() {
        return LocalProvider.builder().withRoot(temp.resolve("root")).withThreads(2).withMaxConcurrentRuns(1).build();
    }

    private static List<ProgressEvent.RunStatusChanged> statuses(List<ProgressEvent> events, String runId) {
        return events.stream().filter(ProgressEvent.RunStatusChanged.class::isInstance)
                .map(ProgressEvent.RunStatusChanged.class::cast).filter(e -> e.runId().equals(runId)).toList();
    }

    /** Each status once: the first with no previous one, each next continuing from the one before. */
    private static void assertEachStatusOnce(List<ProgressEvent.RunStatusChanged> statuses) {
        assertThat(statuses).isNotEmpty();
        assertThat(statuses.get(0).previous()).isNull();
        for (int i = 1; i < statuses.size(); i++) {
            assertThat(statuses.get(i).previous()).as("event %d of %s", i, statuses)
                    .isEqualTo(statuses.get(i - 1).current()).isNotEqualTo(statuses.get(i).current());
        }
    }

    @Test
    void aRunTrainedInThisProcessIsReportedByItsJobOnceAfterTheQueueStep() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            TrainingRun run = mb.workspace("ws1").runs().define(TestData.quick(data)).inExperiment("exp")
                    .withListener(events::add).beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(run.refresh().status()).isEqualTo(RunStatus.COMPLETED);

            List<ProgressEvent.RunStatusChanged> statuses = statuses(events, run.id());
            assertEachStatusOnce(statuses);
            assertThat(statuses).extracting(ProgressEvent.RunStatusChanged::current).startsWith(RunStatus.QUEUED)
                    .contains(RunStatus.RUNNING).endsWith(RunStatus.COMPLETED);
            assertThat(events).noneMatch(ProgressEvent.OperationStatusChanged.class::isInstance);
            assertThat(events.indexOf(new ProgressEvent.StepStarted(WorkStep.QUEUE))).as("> queue, then Queued")
                    .isNotNegative().isLessThan(events.indexOf(statuses.get(0)));
        }
    }

    @Test
    void cancelThenPollShowsAQueuedRunCancelledAndDownloadSaysHowToExportACheckpoint() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            Runs runs = mb.workspace("ws1").runs();
            CountDownLatch training = new CountDownLatch(1);
            TrainingRun first = runs.define(TestData.endless(data)).inExperiment("exp").withListener(e -> {
                events.add(e);
                if (e instanceof ProgressEvent.StepStarted s && s.step() == WorkStep.TRAIN) {
                    training.countDown();
                }
            }).beginCreate();
            // one run at a time: the second waits in the queue until the endless first one ends
            TrainingRun second = runs.define(TestData.quick(data)).inExperiment("exp").withListener(events::add)
                    .beginCreate();
            assertThat(second.snapshot().status()).isEqualTo(RunStatus.QUEUED);
            assertThatThrownBy(() -> second.downloadModel(temp.resolve("early"))).isInstanceOf(
                    InvalidStateException.class).hasMessage("run " + second.id() + " has no model to download: its"
                            + " status is Queued");

            second.cancel();
            assertThat(second.snapshot().status()).as("seen by the poll that follows the request")
                    .isEqualTo(RunStatus.CANCELED);
            assertThat(second.status().isTerminal()).isTrue();
            assertThat(statuses(events, second.id())).extracting(ProgressEvent.RunStatusChanged::current)
                    .containsExactly(RunStatus.QUEUED, RunStatus.CANCELED);
            assertThatThrownBy(() -> second.downloadModel(temp.resolve("nope"))).isInstanceOf(
                    InvalidStateException.class).hasMessageContaining("its status is Canceled")
                    .hasMessageContaining("LocalProvider.exportCheckpoint");

            assertThat(training.await(2, TimeUnit.MINUTES)).isTrue();
            first.cancel();
            assertThat(first.snapshot().status()).isIn(RunStatus.CANCEL_REQUESTED, RunStatus.CANCELED);
            assertThat(first.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.CANCELED);
            assertEachStatusOnce(statuses(events, first.id()));
            assertEachStatusOnce(statuses(events, second.id()));
        }
    }

    @Test
    void aRunOfAnotherProcessIsReportedFromItsRecordAsItChangesOnDisk() throws Exception {
        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            mb.workspaces().define("ws1").create();
            mb.workspace("ws1").experiments().define("exp").create();
            LocalStore store = new LocalStore(temp.resolve("root"), AtomicFiles.system());
            // a live owner that is not this provider: another process training the run
            String created = Instant.parse("2026-01-01T10:00:02Z").toString();
            RunRecord running = new RunRecord(OTHER_RUN, "exp", "ws1", RunStatus.RUNNING.value(), created, created,
                    null, Map.of(), List.of(), null, OwnerRecord.current("another-process"), List.of("a", "b"),
                    "/elsewhere", Map.of(), false);
            store.writeRun(running);

            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            TrainingRun run = mb.workspace("ws1").runs().resume(OTHER_RUN, events::add);
            assertThat(events).containsExactly(new ProgressEvent.RunStatusChanged(OTHER_RUN, null,
                    RunStatus.RUNNING));

            assertThat(run.refresh().status()).isEqualTo(RunStatus.RUNNING);
            assertThat(events).hasSize(1);
            assertThatThrownBy(() -> run.downloadModel(temp.resolve("early"))).isInstanceOf(
                    InvalidStateException.class).hasMessage("run " + OTHER_RUN + " has no model to download: its"
                            + " status is Running");

            run.cancel();
            assertThat(store.cancelMarker("ws1", OTHER_RUN)).as("asked through the marker the other process reads")
                    .isRegularFile();
            assertThat(run.snapshot().status()).as("the other process has not seen the marker yet")
                    .isEqualTo(RunStatus.RUNNING);

            store.writeRun(running.withStatus(RunStatus.CANCEL_REQUESTED));
            assertThat(run.refresh().status()).isEqualTo(RunStatus.CANCEL_REQUESTED);

            Thread.currentThread().interrupt();
            assertThatThrownBy(() -> run.waitForCompletion(Duration.ofSeconds(30))).isInstanceOf(
                    ModelBuilderException.class).hasMessage("interrupted while waiting for run " + OTHER_RUN
                            + "; it goes on: attach to it again with its id");
            assertThat(Thread.interrupted()).isTrue();

            // the other process ends the run while this one waits, polling the record
            Thread other = new Thread(() -> store.writeRun(running.ended(RunStatus.CANCELED,
                    Instant.parse("2026-01-01T10:05:00Z").toString(), null, false)));
            other.start();
            assertThat(run.waitForCompletion(Duration.ofSeconds(30)).status()).isEqualTo(RunStatus.CANCELED);
            other.join();

            assertThat(events).containsExactly(
                    new ProgressEvent.RunStatusChanged(OTHER_RUN, null, RunStatus.RUNNING),
                    new ProgressEvent.RunStatusChanged(OTHER_RUN, RunStatus.RUNNING, RunStatus.CANCEL_REQUESTED),
                    new ProgressEvent.RunStatusChanged(OTHER_RUN, RunStatus.CANCEL_REQUESTED, RunStatus.CANCELED));
            assertThatThrownBy(() -> run.downloadModel(temp.resolve("nope"))).isInstanceOf(
                    InvalidStateException.class).hasMessageContaining("LocalProvider.exportCheckpoint");
        }
    }
}
