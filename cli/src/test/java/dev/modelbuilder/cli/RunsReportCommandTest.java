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
                    TrainingSpec.fromData(SampleDatasets.shapes(tmp.resolve("shapes"), 10, 3))
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

        // The same checks as evaluate --report: a folder, or a file the SDK did not write, is refused (exit 2)
        // before anything is written; a report written before is replaced.
        Path folder = Files.createDirectories(tmp.resolve("folder"));
        CliHarness.Result onFolder = show(root, runId, folder);
        assertThat(onFolder.exitCode()).as(onFolder.err()).isEqualTo(2);
        assertThat(onFolder.err()).contains("--report").contains("is a folder").doesNotContain("Exception");
        assertThat(folder).isEmptyDirectory();

        Path notes = Files.writeString(tmp.resolve("notes.html"), "<p>my own notes</p>");
        CliHarness.Result onNotes = show(root, runId, notes);
        assertThat(onNotes.exitCode()).as(onNotes.err()).isEqualTo(2);
        assertThat(onNotes.err()).contains("is not a report this SDK wrote").contains("--overwrite");
        assertThat(Files.readString(notes)).isEqualTo("<p>my own notes</p>");
        CliHarness.Result overwritten = show(root, runId, notes, "--overwrite");
        assertThat(overwritten.exitCode()).as(overwritten.err()).isZero();
        assertThat(Files.readString(notes)).isEqualTo(Files.readString(written));

        CliHarness.Result again = show(root, runId, report);
        assertThat(again.exitCode()).as(again.err()).isZero();

        // A write that fails (its folder is a file) is a typed error with the path, not a raw UncheckedIOException.
        Path underAFile = notes.resolve("report.html");
        CliHarness.Result unwritable = show(root, runId, underAFile);
        assertThat(unwritable.exitCode()).isEqualTo(1);
        assertThat(unwritable.err()).contains("error: could not write the report " + underAFile)
                .doesNotContain("UncheckedIOException");

        Files.delete(written);
        CliHarness.Result missing = CliHarness.run("runs", "show", runId, "--workspace", "ws1", "--local-root",
                root.toString(), "--report", tmp.resolve("other.html").toString());
        assertThat(missing.exitCode()).isEqualTo(1);
        assertThat(missing.err()).contains("has no evaluation report").contains("modelbuilder evaluate --model");
    }

    private static CliHarness.Result show(Path root, String runId, Path report, String... more) {
        java.util.List<String> args = new java.util.ArrayList<>(java.util.List.of("runs", "show", runId,
                "--workspace", "ws1", "--local-root", root.toString(), "--report", report.toString()));
        args.addAll(java.util.List.of(more));
        return CliHarness.run(args.toArray(String[]::new));
    }
}
