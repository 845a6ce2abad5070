package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.support.AtomicFiles;
import dev.modelbuilder.local.TestData;
import dev.modelbuilder.local.LocalProvider;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.local.implementation.Records.OwnerRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import dev.modelbuilder.pipeline.ModelPackage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What survives the process: runs, their artifacts, and the truth about runs whose process died. */
class LocalPersistenceTest {

    @TempDir
    Path temp;

    private LocalProvider open() {
        return LocalProvider.builder().withRoot(temp.resolve("root")).withThreads(2).build();
    }

    private static RunRecord orphan(String id, String status, OwnerRecord owner, Instant created) {
        return new RunRecord(id, "exp", "ws1", status, created.toString(), created.toString(), null, Map.of(),
                List.of(), null, owner, List.of("a", "b"), "/nowhere", Map.of(), false);
    }

    @Test
    void runningRunWithoutLiveOwnerIsFailedAsInterruptedOnReopen() throws Exception {
        try (ModelBuilder mb = ModelBuilder.using(open())) {
            mb.workspaces().define("ws1").create();
            mb.workspace("ws1").experiments().define("exp").create();
        }
        // what a crashed JVM leaves behind: one run with no owner, one owned by a process that has exited, and one
        // owned by this (live) process that some other provider instance is training
        Process gone = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-version").redirectErrorStream(true).start();
        gone.getInputStream().readAllBytes();
        assertThat(gone.waitFor(30, TimeUnit.SECONDS)).isTrue();
        OwnerRecord dead = new OwnerRecord(gone.pid(), gone.info().startInstant().map(Instant::toString).orElse(null),
                "crashed");
        LocalStore store = new LocalStore(temp.resolve("root"), AtomicFiles.system());
        Instant t = Instant.parse("2026-01-01T10:00:00Z");
        store.writeRun(orphan("run-20260101-100000-0000000a", "Running", null, t));
        store.writeRun(orphan("run-20260101-100001-0000000b", "Queued", dead, t.plusSeconds(1)));
        store.writeRun(orphan("run-20260101-100002-0000000c", "Running", OwnerRecord.current("elsewhere"),
                t.plusSeconds(2)));

        try (LocalProvider provider = open(); ModelBuilder mb = ModelBuilder.using(provider)) {
            Run a = mb.workspace("ws1").runs().get("run-20260101-100000-0000000a");
            assertThat(a.status()).isEqualTo(RunStatus.FAILED);
            assertThat(a.error().code()).isEqualTo("Interrupted");
            assertThat(a.error().message()).contains("interrupted");
            assertThat(a.error().step()).isEqualTo(WorkStep.TRAIN);
            assertThat(a.endedAt()).isNotNull();
            Run b = mb.workspace("ws1").runs().get("run-20260101-100001-0000000b");
            assertThat(b.status()).isEqualTo(RunStatus.FAILED);
            assertThat(b.error().message()).contains("pid " + gone.pid());
            Run c = mb.workspace("ws1").runs().get("run-20260101-100002-0000000c");
            assertThat(c.status()).isEqualTo(RunStatus.RUNNING);

            List<ProgressEvent> events = new CopyOnWriteArrayList<>();
            TrainingRun attached = mb.workspace("ws1").runs().resume(a.id(), events::add);
            assertThat(attached.waitForCompletion(Duration.ofSeconds(5)).status()).isEqualTo(RunStatus.FAILED);
            assertThat(events).singleElement().isEqualTo(new ProgressEvent.RunStatusChanged(a.id(), null,
                    RunStatus.FAILED));
            assertThatThrownBy(() -> attached.downloadModel(temp.resolve("x"))).isInstanceOf(
                    InvalidStateException.class).hasMessageContaining("Interrupted");
            // newest first
            assertThat(mb.workspace("ws1").runs().list("exp")).extracting(Run::id).containsExactly(
                    "run-20260101-100002-0000000c", "run-20260101-100001-0000000b", "run-20260101-100000-0000000a");
        }
        // the failure was written down, not just shown
        assertThat(store.findRun("ws1", "run-20260101-100000-0000000a").orElseThrow().status()).isEqualTo("Failed");
    }

    @Test
    void completedRunReopensWithItsArtifacts() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        String id;
        Map<String, Double> metrics;
        try (ModelBuilder mb = ModelBuilder.using(open())) {
            mb.workspaces().define("ws1").create();
            TrainingRun run = mb.workspace("ws1").runs().define(TestData.quick(data)).inExperiment("exp")
                    .beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            id = run.id();
            metrics = done.metrics();
        }
        try (ModelBuilder mb = ModelBuilder.using(open())) {
            Run again = mb.workspace("ws1").runs().get(id);
            assertThat(again.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(again.metrics()).isEqualTo(metrics).containsKeys("accuracy", "loss", "accuracy/circle");
            assertThat(again.startedAt()).isAfterOrEqualTo(again.createdAt());
            assertThat(again.endedAt()).isAfterOrEqualTo(again.startedAt());
            TrainedModel model = mb.workspace("ws1").runs().resume(id).downloadModel(temp.resolve("model"));
            assertThat(model.labels()).containsExactly("circle", "square");
            assertThat(ModelPackage.read(model.pipeline()).labels().labels()).containsExactly("circle", "square");
            assertThat(Files.size(model.onnxModel())).isPositive();
            try (Stream<Path> files = Files.list(temp.resolve("model"))) {
                assertThat(files.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder(
                        "bestModel.onnx", "bestModelMap.json", "MLModel.zip");
            }
        }
    }

    @Test
    void runIdsThatCouldEscapeTheRootAreNotFound() {
        try (ModelBuilder mb = ModelBuilder.using(open())) {
            mb.workspaces().define("ws1").create();
            assertThatThrownBy(() -> mb.workspace("ws1").runs().get("..")).isInstanceOf(
                    ResourceNotFoundException.class).hasMessageContaining("run-");
            assertThatThrownBy(() -> mb.workspace("ws1").runs().get("run-20260101-100000-00000000"))
                    .isInstanceOf(ResourceNotFoundException.class);
        }
    }
}
