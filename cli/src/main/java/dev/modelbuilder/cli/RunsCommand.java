package dev.modelbuilder.cli;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelbuilder runs list|show|watch|cancel}. */
@Command(name = "runs", mixinStandardHelpOptions = true, description = "Follow and manage training runs.",
        subcommands = {RunsCommand.ListAll.class, RunsCommand.Show.class, RunsCommand.Watch.class,
            RunsCommand.Cancel.class})
final class RunsCommand {

    /** Shared options of the runs subcommands. */
    abstract static class Base extends BackendCommand.InWorkspace {
        void print(Run r) {
            printLine(Views.run(r), Views.describe(r));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the runs of an experiment.")
    static final class ListAll extends Base {
        @Option(names = "--experiment", required = true, paramLabel = "NAME")
        String experiment;

        @Option(names = "--limit", defaultValue = "50", description = "Most runs shown (default 50).")
        int limit;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                mb.workspace(workspace).experiments().get(experiment); // not found: say so rather than list nothing
                var runs = mb.workspace(workspace).runs().list(experiment).toList(limit);
                if (json) {
                    out().println(Json.line(runs.stream().map(Views::run).toList()));
                    out().flush();
                } else {
                    runs.forEach(this::print);
                }
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show a run.")
    static final class Show extends Base {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--report", paramLabel = "FILE", description = "Also write the run's evaluation report "
                + "(validation split and training curves; HTML) to FILE. Local runs write one when they complete. "
                + "A report written before is replaced; any other existing file only with --overwrite.")
        java.nio.file.Path report;

        @Option(names = "--overwrite", description = "With --report: replace an existing file that is not a report.")
        boolean overwrite;

        @Override
        public Integer call() {
            if (report != null) {
                ReportTarget.check(report, overwrite);
            }
            ModelBuilderProvider provider = backend.open();
            try (ModelBuilder mb = ModelBuilder.using(provider)) {
                Run run = mb.workspace(workspace).runs().get(runId);
                print(run);
                if (report != null) {
                    RunReports.copy(provider, workspace, run, report);
                    (json ? err() : out()).println("Report written to " + report.toAbsolutePath());
                    (json ? err() : out()).flush();
                }
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "watch", mixinStandardHelpOptions = true,
            description = "Follow a run until it ends; optionally download its model.")
    static final class Watch extends Base {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Option(names = "--timeout", defaultValue = "24h", converter = DurationConverter.class,
                description = "Longest wait (default 24h).")
        Duration timeout;

        @Option(names = "--output", paramLabel = "DIR", description = "Download the model here when it completes.")
        java.nio.file.Path output;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open());
                    ProgressRenderer progress = new ProgressRenderer(json ? err() : out(),
                            !json && ProgressRenderer.isTerminal())) {
                TrainingRun run = mb.workspace(workspace).runs().resume(runId, progress);
                Run ended = run.waitForCompletion(timeout);
                print(ended);
                if (output != null && ended.status().equals(dev.modelbuilder.core.model.RunStatus.COMPLETED)) {
                    var model = run.downloadModel(output);
                    out().println(json ? Json.line(Views.model(model)) : "Model written to " + model.directory());
                    out().flush();
                }
                return ended.status().equals(dev.modelbuilder.core.model.RunStatus.COMPLETED) ? ModelBuilderCli.OK
                        : ModelBuilderCli.FAILURE;
            }
        }
    }

    @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a run.")
    static final class Cancel extends Base {
        @Parameters(paramLabel = "RUN_ID")
        String runId;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                Run before = mb.workspace(workspace).runs().get(runId);
                if (before.isTerminal()) {
                    java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(Views.run(before));
                    m.put("cancelled", false);
                    printLine(m, "Run " + runId + " has already ended (" + before.status()
                            + "): nothing to cancel, nothing changed.");
                    return ModelBuilderCli.OK;
                }
                mb.workspace(workspace).runs().cancel(runId);
                Run after = mb.workspace(workspace).runs().get(runId);
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>(Views.run(after));
                m.put("cancelled", true);
                printLine(m, "Cancellation requested for run " + runId + " (now " + after.status()
                        + "): it stops at its next step.");
            }
            return ModelBuilderCli.OK;
        }
    }
}
