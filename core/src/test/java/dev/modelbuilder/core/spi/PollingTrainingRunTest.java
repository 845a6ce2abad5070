package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.exception.InvalidStateException;

import dev.modelbuilder.core.support.Sleeper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The behaviour every provider's training run shares: status events, cancel-then-poll, download, interruption. */
class PollingTrainingRunTest {
    private static final Instant CREATED = Instant.parse("2026-01-01T00:00:00Z");

    private static Run run(RunStatus status) {
        return new Run("run-1", "exp", "ws", status, CREATED, null, null, null, Map.of(), null);
    }

    /** A run whose polls follow a script; a cancellation makes the next poll see it cancelled. */
    private static final class Scripted extends PollingTrainingRun {
        final Deque<RunStatus> script;
        final List<String> calls = new ArrayList<>();
        boolean cancelRequested;

        Scripted(RunStatus first, List<RunStatus> script, ProgressListener listener, boolean reportStatus,
                Sleeper sleeper) {
            super("run-1", run(first), listener, Duration.ofSeconds(1), Clock.systemUTC(), sleeper, reportStatus);
            this.script = new ArrayDeque<>(script);
        }

        @Override
        protected Run pollRun() {
            calls.add("poll");
            if (cancelRequested) {
                return run(RunStatus.CANCELED);
            }
            return run(script.isEmpty() ? snapshot().status() : script.removeFirst());
        }

        @Override
        protected void requestCancel() {
            calls.add("cancel");
            cancelRequested = true;
        }

        @Override
        protected TrainedModel download(Run completed, Path directory) {
            calls.add("download");
            return TrainedModel.inDirectory(directory, List.of("a", "b"), completed.id(), completed.metrics());
        }
    }

    private static Scripted scripted(RunStatus first, List<RunStatus> script, List<ProgressEvent> events,
            boolean reportStatus) {
        return new Scripted(first, script, events::add, reportStatus, d -> { });
    }

    @Test
    void eachRunStatusIsReportedOnceAsARunStatusChange() {
        List<ProgressEvent> events = new ArrayList<>();
        // Running -> Finalizing is one operation status (in progress) but two run statuses
        Scripted run = scripted(RunStatus.QUEUED, List.of(RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.RUNNING,
                RunStatus.FINALIZING, RunStatus.COMPLETED), events, true);

        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(events).containsExactly(
                new ProgressEvent.RunStatusChanged("run-1", null, RunStatus.QUEUED),
                new ProgressEvent.RunStatusChanged("run-1", RunStatus.QUEUED, RunStatus.RUNNING),
                new ProgressEvent.RunStatusChanged("run-1", RunStatus.RUNNING, RunStatus.FINALIZING),
                new ProgressEvent.RunStatusChanged("run-1", RunStatus.FINALIZING, RunStatus.COMPLETED));
    }

    @Test
    void aProviderWhoseJobReportsStatusTurnsTheHandlesReportsOff() {
        List<ProgressEvent> events = new ArrayList<>();
        Scripted run = scripted(RunStatus.QUEUED, List.of(RunStatus.RUNNING, RunStatus.COMPLETED), events, false);

        assertThat(run.waitForCompletion(Duration.ofMinutes(1)).status()).isEqualTo(RunStatus.COMPLETED);
        assertThat(run.calls).containsExactly("poll", "poll");
        assertThat(events).isEmpty();
    }

    @Test
    void cancelAsksTheProviderThenPollsSoTheSnapshotShowsTheOutcome() {
        List<ProgressEvent> events = new ArrayList<>();
        Scripted run = scripted(RunStatus.RUNNING, List.of(), events, true);

        run.cancel();
        assertThat(run.calls).containsExactly("cancel", "poll");
        assertThat(run.snapshot().status()).isEqualTo(RunStatus.CANCELED);
        assertThat(run.finalResult().status()).as("a cancelled run is a result, not an error")
                .isEqualTo(RunStatus.CANCELED);
        assertThat(events).last().isEqualTo(new ProgressEvent.RunStatusChanged("run-1", RunStatus.RUNNING,
                RunStatus.CANCELED));
    }

    @Test
    void downloadLooksAgainFirstAndRefusesARunThatHasNotCompleted() {
        Scripted run = scripted(RunStatus.QUEUED, List.of(RunStatus.RUNNING, RunStatus.COMPLETED), new ArrayList<>(),
                true);

        assertThatThrownBy(() -> run.downloadModel(Path.of("model"))).isInstanceOf(InvalidStateException.class)
                .hasMessage("run run-1 has no model to download: its status is Running");
        assertThat(run.downloadModel(Path.of("model")).runId()).isEqualTo("run-1");
        assertThat(run.calls).containsExactly("poll", "poll", "download");
    }

    @Test
    void anInterruptedWaitSaysTheRunGoesOnAndHowToAttachToIt() {
        Scripted run = new Scripted(RunStatus.RUNNING, List.of(), ProgressListener.none(), true, d -> {
            throw new InterruptedException();
        });
        assertThatThrownBy(() -> run.waitForCompletion(Duration.ofMinutes(1))).isInstanceOf(
                ModelBuilderException.class).hasMessage("interrupted while waiting for run run-1; it goes on: attach"
                        + " to it again with its id");
        assertThat(Thread.interrupted()).isTrue();
    }
}
