package dev.modelbuilder.local;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.Runs;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs that train at the same time in one JVM ({@code withMaxConcurrentRuns(2)}) both complete. DJL's PyTorch engine
 * allows one recording gradient collector per process, so without turns the second run failed with "A
 * PtGradientCollector is already collecting".
 */
class ConcurrentRunsTest {
    @TempDir
    Path temp;

    @Test
    void twoRunsTrainingAtOnceBothComplete() throws Exception {
        Path data = TestData.tinyShapes(temp.resolve("data"));
        // about 30 optimization steps each, so that the two runs' steps overlap many times
        TrainingSpec spec = TrainingSpec.fromData(data).withOptions(TestData.quickOptions().withMaxEpochs(5)
                .withBatchSize(2).withPatience(100).build()).build();
        List<ProgressEvent.RunStatusChanged> statuses = new CopyOnWriteArrayList<>();
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(temp.resolve("root"))
                .withThreads(1).withMaxConcurrentRuns(2).build())) {
            mb.workspaces().define("ws1").create();
            Runs runs = mb.workspace("ws1").runs();
            ProgressListener bothRuns = e -> {
                if (e instanceof ProgressEvent.RunStatusChanged s) {
                    statuses.add(s);
                }
            };
            TrainingRun first = runs.define(spec).inExperiment("exp").withListener(bothRuns).beginCreate();
            TrainingRun second = runs.define(spec).inExperiment("exp").withListener(bothRuns).beginCreate();
            Run one = first.waitForCompletion(Duration.ofMinutes(3));
            Run two = second.waitForCompletion(Duration.ofMinutes(3));

            assertThat(one.status()).as("first run: %s", one.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(two.status()).as("second run: %s", two.error()).isEqualTo(RunStatus.COMPLETED);
            assertThat(one.metrics().get("epochs")).isEqualTo(5.0);
            assertThat(two.metrics().get("epochs")).isEqualTo(5.0);
            // they did train at the same time: both were Running before either ended
            List<RunStatus> order = statuses.stream().map(ProgressEvent.RunStatusChanged::current)
                    .filter(s -> s == RunStatus.RUNNING || s.isTerminal()).toList();
            assertThat(order).as("%s", statuses).startsWith(RunStatus.RUNNING, RunStatus.RUNNING);
        }
    }
}
