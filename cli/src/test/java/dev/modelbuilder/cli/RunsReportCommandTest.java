package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.local.LocalTrainingOptions;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.local.LocalProvider;
import dev.modelbuilder.local.SampleDatasets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code runs show --report FILE} writes the report a local run made when it completed. */
class RunsReportCommandTest {
    @TempDir
    Path tmp;

    @Test
    void runsShowWritesTheRunsReport() throws Exception {
        Path root = tmp.resolve("root");
        String runId;
        try (ModelBuilder mb = ModelBuilder.using(LocalProvider.builder().withRoot(root).withThreads(2).build())) {
            mb.workspaces().define("ws1").create();
            TrainingRun run = mb.workspace("ws1").runs().define(
                    TrainingSpec.fromFolder(SampleDatasets.shapes(tmp.resolve("shapes"), 10, 3))
                            .withOptions(LocalTrainingOptions.builder().withImageSize(32).withMaxEpochs(1).build())
                            .build()).inExperiment("shapes").beginCreate();
            Run done = run.waitForCompletion(Duration.ofMinutes(5));
            assertThat(done.status()).as("%s", done.error()).isEqualTo(RunStatus.COMPLETED);
            runId = run.id();
        }
        Path written = root.resolve("ws1/runs").resolve(runId).resolve("outputs").resolve("report.html");
        Path report = tmp.resolve("copy/report.html");

        CliHarness.Result r = CliHarness.run("runs", "show", runId, "--workspace", "ws1", "--local-root",
                root.toString(), "--report", report.toString());
        assertThat(r.exitCode()).as(r.err()).isZero();
        assertThat(r.out()).contains(runId).contains("Report written to " + report.toAbsolutePath());
        assertThat(Files.readString(report)).isEqualTo(Files.readString(written)).contains("id=\"training-curves\"");

        Files.delete(written);
        CliHarness.Result missing = CliHarness.run("runs", "show", runId, "--workspace", "ws1", "--local-root",
                root.toString(), "--report", tmp.resolve("other.html").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("has no evaluation report").contains("modelbuilder evaluate --model");
    }
}
