package dev.modelbuilder.local;

import dev.modelbuilder.core.testing.DiskFull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.Runs;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.WorkspaceScope;
import dev.modelbuilder.core.dataset.DatasetValidationException;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.TrainingOptions;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.support.AtomicFiles;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.LocalDate;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Bad input and bad luck: each ends in a clear error or a clear run state. */
class LocalRunFailuresTest {

    @TempDir
    Path temp;

    private ModelBuilder open(AtomicFiles artifacts) {
        ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root")).withThreads(2)
                .withArtifactFiles(artifacts).build());
        mb.workspaces().define("ws1").create();
        return mb;
    }

    private ModelBuilder open() {
        return open(AtomicFiles.system());
    }

    @Test
    void emptyAndOneLabelDatasetsAreRejectedBeforeARunExists() throws Exception {
        try (ModelBuilder mb = open()) {
            Runs runs = mb.workspace("ws1").runs();
            Path empty = Files.createDirectories(temp.resolve("empty"));
            assertThatThrownBy(() -> runs.define(TestData.quick(empty)).inExperiment("exp").beginCreate())
                    .isInstanceOf(DatasetValidationException.class).hasMessageContaining("label");
            Path one = SampleDatasets.shapes(temp.resolve("one"), 6, 1, java.util.EnumSet.of(
                    SampleDatasets.Shape.CIRCLE));
            assertThatThrownBy(() -> runs.define(TestData.quick(one)).inExperiment("exp").beginCreate())
                    .isInstanceOf(DatasetValidationException.class).hasMessageContaining("at least 2");
            assertThat(runs.list()).isEmpty();
        }
    }

    @Test
    void anImageThatPassesTheScanButCannotBeDecodedFailsTheRunNamingIt() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        Path bad = data.resolve("square").resolve("broken.png");
        Files.write(bad, pngWithGarbageData());
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = open()) {
            TrainingRun run = mb.workspace("ws1").runs().define(TestData.quick(data)).inExperiment("exp")
                    .withListener(events::add).beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).isEqualTo(RunStatus.FAILED);
            assertThat(done.error().code()).isEqualTo("UnreadableImages");
            assertThat(done.error().step()).isEqualTo(WorkStep.TRAIN);
            assertThat(done.error().message()).contains("broken.png");
            assertThat(done.error().describe()).startsWith("train failed: UnreadableImages");
            assertThat(events).anySatisfy(e -> assertThat(e).isInstanceOfSatisfying(ProgressEvent.StepFailed.class,
                    f -> assertThat(f.step()).isEqualTo(WorkStep.TRAIN)));
        }
    }

    @Test
    void cancelStopsTrainingAndKeepsTheBestCheckpointForExport() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        CountDownLatch firstEpoch = new CountDownLatch(1);
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = open()) {
            WorkspaceScope ws = mb.workspace("ws1");
            TrainingRun run = ws.runs().define(TestData.endless(data)).inExperiment("exp").withListener(e -> {
                events.add(e);
                if (e instanceof ProgressEvent.MetricLogged m && m.name().equals("accuracy")) {
                    firstEpoch.countDown();
                }
            }).beginCreate();
            assertThat(firstEpoch.await(2, TimeUnit.MINUTES)).isTrue();
            run.cancel();
            Run ended = run.waitForCompletion(Duration.ofMinutes(1));
            assertThat(ended.status()).isEqualTo(RunStatus.CANCELED);
            assertThat(ended.error()).isNull();
            assertThat(ended.metrics()).containsKeys("accuracy", "best_epoch");
            assertThat(ended.metrics().get("epochs")).isLessThan(100_000);
            assertThat(events).anySatisfy(e -> assertThat(e).isEqualTo(new ProgressEvent.RunStatusChanged(run.id(),
                    RunStatus.RUNNING, RunStatus.CANCEL_REQUESTED)));
            assertThatThrownBy(() -> run.downloadModel(temp.resolve("nope"))).isInstanceOf(
                    InvalidStateException.class).hasMessageContaining("exportCheckpoint");
            TrainedModel partial = ((LocalProvider) mb.provider()).exportCheckpoint("ws1", run.id(),
                    temp.resolve("partial"));
            assertThat(partial.onnxModel()).isRegularFile();
            assertThat(partial.pipeline()).isRegularFile();
            assertThat(partial.labels()).containsExactly("circle", "square");
        }
    }

    @Test
    void theTimeBudgetEndsTrainingWithAModel() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        try (ModelBuilder mb = open()) {
            long start = System.nanoTime();
            TrainingRun run = mb.workspace("ws1").runs().define(TestData.endless(data).toBuilder()
                    .withTimeBudget(Duration.ofSeconds(3)).build()).inExperiment("exp").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).isEqualTo(RunStatus.COMPLETED);
            assertThat(done.metrics().get("epochs")).isGreaterThanOrEqualTo(1).isLessThan(100_000);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(60));
            assertThat(run.downloadModel(temp.resolve("m")).onnxModel()).isRegularFile();
        }
    }

    @Test
    void aFullDiskWhilePackagingFailsTheRunAndLeavesNoPartialOutputs() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        try (ModelBuilder mb = open(DiskFull.after(100))) {
            TrainingRun run = mb.workspace("ws1").runs().define(TestData.quick(data)).inExperiment("exp")
                    .beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));
            assertThat(done.status()).isEqualTo(RunStatus.FAILED);
            assertThat(done.error().code()).isEqualTo("ArtifactWriteFailed");
            assertThat(done.error().step()).isEqualTo(WorkStep.PACKAGE_MODEL);
            assertThat(done.error().message()).contains("No space left on device");
            Path runDir = temp.resolve("root").resolve("ws1").resolve("runs").resolve(run.id());
            try (Stream<Path> s = Files.list(runDir)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactly("run.json");
            }
        }
    }

    @Test
    void aReportThatCannotBeWrittenCostsTheRunNothingButAWarning() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        AtomicFiles noReport = new AtomicFiles(file -> file.getFileName().toString().startsWith(".report.html")
                ? DiskFull.failingAfter(Files.newOutputStream(file), 10) : Files.newOutputStream(file));
        List<ProgressEvent> events = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = open(noReport)) {
            TrainingRun run = mb.workspace("ws1").runs().define(TestData.quick(data)).inExperiment("exp")
                    .withListener(events::add).beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(2));

            assertThat(done.status()).as("%s", done.error()).isEqualTo(RunStatus.COMPLETED);
            TrainedModel model = run.downloadModel(temp.resolve("model"));
            assertThat(model.pipeline()).isRegularFile();
            assertThat(events).filteredOn(e -> e instanceof ProgressEvent.LogLine l
                    && l.line().startsWith("warning: the run's report could not be written")).hasSize(1);
        }
    }

    @Test
    void aFullDiskWhileDownloadingKeepsThePreviousModelIntact() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        AtomicBoolean diskFull = new AtomicBoolean();
        AtomicFiles seam = new AtomicFiles(file -> diskFull.get()
                ? DiskFull.failingAfter(Files.newOutputStream(file), 1000) : Files.newOutputStream(file));
        try (ModelBuilder mb = open(seam)) {
            Runs runs = mb.workspace("ws1").runs();
            TrainingRun first = runs.define(TestData.quick(data)).inExperiment("exp").beginCreate();
            first.waitForCompletion(Duration.ofMinutes(2));
            Path dir = temp.resolve("model");
            TrainedModel good = first.downloadModel(dir);
            byte[] onnx = Files.readAllBytes(good.onnxModel());
            byte[] zip = Files.readAllBytes(good.pipeline());
            byte[] map = Files.readAllBytes(good.labelMap());

            TrainingRun second = runs.define(TestData.quick(data).toBuilder().withSeed(7).build())
                    .inExperiment("exp").beginCreate();
            assertThat(second.waitForCompletion(Duration.ofMinutes(2)).status()).isEqualTo(RunStatus.COMPLETED);
            diskFull.set(true);
            assertThatThrownBy(() -> second.downloadModel(dir)).isInstanceOf(FileAccessException.class)
                    .hasMessageContaining("No space left on device").hasMessageContaining("left as they were");
            assertThat(Files.readAllBytes(good.onnxModel())).isEqualTo(onnx);
            assertThat(Files.readAllBytes(good.pipeline())).isEqualTo(zip);
            assertThat(Files.readAllBytes(good.labelMap())).isEqualTo(map);
            try (Stream<Path> s = Files.list(dir)) {
                assertThat(s.map(p -> p.getFileName().toString())).containsExactlyInAnyOrder("bestModel.onnx",
                        "bestModelMap.json", "MLModel.zip");
            }
            diskFull.set(false);
            assertThat(Files.readAllBytes(second.downloadModel(dir).onnxModel())).isNotEqualTo(onnx);
        }
    }

    @Test
    void gpuAndRetiredSizesAreRefusedAndTheCpuIsDescribed() {
        try (ModelBuilder mb = open()) {
            WorkspaceScope ws = mb.workspace("ws1");
            ComputeSize gpu = new ComputeSize("Standard_NC4as_T4_v3", "standardNCASv3_T4Family", 4, 28, 180, 1, 16,
                    8, 2, "NVIDIA T4", null, List.of());
            ComputeSize retired = new ComputeSize("Standard_NC12", "standardNCFamily", 12, 112, 680, 2, 24, 48, 2,
                    "NVIDIA Tesla K80", LocalDate.of(2023, 9, 6), List.of("Standard_NC4as_T4_v3"));
            assertThatThrownBy(() -> ws.computes().define("gpu").withSize(gpu).create())
                    .isInstanceOf(ValidationException.class).hasMessageContaining("this machine's CPU");
            assertThatThrownBy(() -> ws.computes().define("old").withSize(retired).create())
                    .isInstanceOf(ValidationException.class).hasMessageContaining("this machine's CPU")
                    .hasMessageContaining("(it was also retired on 2023-09-06)")
                    .hasMessageNotContaining("Azure no longer offers it");
            assertThatThrownBy(() -> ws.computes().define("gpu").withSize("Standard_NC4as_T4_v3").create())
                    .isInstanceOf(ValidationException.class)
                    .hasMessageStartingWith("compute size 'Standard_NC4as_T4_v3' is invalid: provider 'local' does not"
                            + " offer it; use one of its sizes, e.g. local-cpu");
            ComputeSize cpu = ((LocalProvider) mb.provider()).cpuSize();
            assertThat(cpu.name()).isEqualTo(LocalProvider.CPU_COMPUTE);
            assertThat(cpu.vcpus()).isEqualTo(Runtime.getRuntime().availableProcessors());
            assertThat(cpu.gpus()).isZero();
            assertThat(cpu.family()).as("no quota family on this machine").isNull();
            assertThat(cpu.memoryGiB()).isPositive();
            assertThat(ws.computes().availableSizes()).containsExactly(cpu);
            assertThat(mb.provider().computes().sizeCatalog()).containsExactly(cpu);
            assertThat(ws.computes().define("trainer").withSize("local-cpu").create().size()).isEqualTo(cpu);
        }
    }

    @Test
    void optionsOfAnotherProviderAndMissingComputesAreRejectedBeforeARunExists() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        TrainingOptions azure = () -> "azure";
        try (ModelBuilder mb = open()) {
            Runs runs = mb.workspace("ws1").runs();
            TrainingSpec base = TestData.quick(data);
            assertThatThrownBy(() -> runs.define(base.toBuilder().withOptions(azure).build()).inExperiment("exp")
                    .beginCreate()).isInstanceOf(ValidationException.class)
                    .hasMessageContaining("provider 'local'").hasMessageContaining("LocalTrainingOptions");
            assertThatThrownBy(() -> runs.define(base.toBuilder().withCompute("elsewhere").build())
                    .inExperiment("exp").beginCreate())
                    .isInstanceOf(ResourceNotFoundException.class).hasMessageContaining("elsewhere");
            assertThat(runs.list()).isEmpty();
            assertThat(mb.workspace("ws1").experiments().list()).isEmpty();
        }
    }

    /** A PNG whose chunks and checksums are valid (so the dataset scan accepts it) but whose pixel data is not. */
    private static byte[] pngWithGarbageData() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'});
        chunk(out, "IHDR", ByteBuffer.allocate(13).putInt(8).putInt(8).put((byte) 8).put((byte) 2).put((byte) 0)
                .put((byte) 0).put((byte) 0).array());
        chunk(out, "IDAT", "this is not zlib data at all".getBytes(StandardCharsets.US_ASCII));
        chunk(out, "IEND", new byte[0]);
        return out.toByteArray();
    }

    private static void chunk(ByteArrayOutputStream out, String type, byte[] data) throws IOException {
        byte[] t = type.getBytes(StandardCharsets.US_ASCII);
        out.write(ByteBuffer.allocate(4).putInt(data.length).array());
        out.write(t);
        out.write(data);
        CRC32 crc = new CRC32();
        crc.update(t);
        crc.update(data);
        out.write(ByteBuffer.allocate(4).putInt((int) crc.getValue()).array());
    }
}
