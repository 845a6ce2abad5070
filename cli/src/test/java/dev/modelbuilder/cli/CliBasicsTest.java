package dev.modelbuilder.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.WorkStep;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a new user sees first: the command list, the version, and progress that says each thing once. */
class CliBasicsTest {

    @Test
    void noArgumentsListsTheCommandsOneLineEach() {
        CliHarness.Result r = CliHarness.run();
        assertThat(r.exitCode()).isZero();
        assertThat(r.err()).isEmpty();
        List<String> lines = Arrays.asList(r.out().split("\\R"));
        for (String command : List.of("quickstart", "train", "package", "predict", "generate", "sizes", "workspace",
                "compute", "runs")) {
            assertThat(lines).as(command).filteredOn(l -> l.startsWith("  " + command + " ")).hasSize(1);
        }
        assertThat(r.out()).doesNotContain("Missing required subcommand");
        assertThat(lines).filteredOn(l -> l.startsWith("  ")).allSatisfy(l -> assertThat(l.length()).isLessThanOrEqualTo(80));
    }

    @Test
    void aCommandLineRegistersOnlyTheCommandItRuns() {
        assertThat(ModelBuilderCli.commandsFor("predict", "--model", "m.zip", "a.jpg"))
                .containsExactly(PredictCommand.class);
        assertThat(ModelBuilderCli.commandsFor("--verbose", "runs", "list")).containsExactly(RunsCommand.class);
        assertThat(ModelBuilderCli.commandsFor()).isEqualTo(ModelBuilderCli.COMMANDS);
        assertThat(ModelBuilderCli.commandsFor("--version")).isEqualTo(ModelBuilderCli.COMMANDS);
        assertThat(ModelBuilderCli.commandsFor("--", "predict")).isEqualTo(ModelBuilderCli.COMMANDS);
        assertThat(ModelBuilderCli.commandsFor("predikt")).isEqualTo(ModelBuilderCli.COMMANDS);
        assertThat(ModelBuilderCli.COMMANDS).hasSize(13).doesNotHaveDuplicates();
    }

    @Test
    void aCommandsHelpAndErrorsAreTheSameWithOnlyItRegistered() {
        for (String[] args : List.of(new String[] {"predict", "--help"}, new String[] {"runs", "show", "--help"},
                new String[] {"predict", "--top", "x"}, new String[] {"train"}, new String[] {"predikt"})) {
            CliHarness.Result lazy = CliHarness.run(args);
            StringWriter out = new StringWriter();
            StringWriter err = new StringWriter();
            int code = ModelBuilderCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true))
                    .execute(args);
            assertThat(lazy.exitCode()).as(String.join(" ", args)).isEqualTo(code);
            assertThat(lazy.out()).as(String.join(" ", args)).isEqualTo(out.toString());
            assertThat(lazy.err()).as(String.join(" ", args)).isEqualTo(err.toString());
        }
        assertThat(CliHarness.run("predikt").exitCode()).isEqualTo(ModelBuilderCli.BAD_INPUT);
    }

    @Test
    void versionNamesTheSdkOnnxRuntimeAndDjl() {
        CliHarness.Result r = CliHarness.run("--version");
        assertThat(r.exitCode()).isZero();
        assertThat(r.out()).doesNotContain("development build").contains("modelbuilder 0.")
                .containsPattern("ONNX Runtime \\d+\\.\\d+\\.\\d+").containsPattern("DJL \\d+\\.\\d+\\.\\d+")
                .containsPattern("libtorch \\d+\\.\\d+\\.\\d+");
        assertThat(VersionProvider.sdkVersion()).doesNotContain("${").isNotEqualTo(VersionProvider.UNKNOWN);
    }

    @Test
    void plainProgressPrintsOneLinePerEpoch() {
        StringWriter text = new StringWriter();
        try (ProgressRenderer r = new ProgressRenderer(new PrintWriter(text), false)) {
            for (int epoch = 1; epoch <= 2; epoch++) {
                r.onEvent(new ProgressEvent.StepProgress(WorkStep.TRAIN, epoch, 30, "epochs"));
                for (String metric : List.of("loss", "accuracy", "validation_loss", "train_accuracy")) {
                    r.onEvent(new ProgressEvent.MetricLogged("run-1", metric, epoch, 0.5));
                }
                r.onEvent(new ProgressEvent.LogLine("run-1", "epoch " + epoch + "/30: loss 0.5000, validation"
                        + " accuracy 0.5000"));
            }
            r.onEvent(new ProgressEvent.MetricLogged("azure-run", "accuracy", 3, 0.75));
            r.onEvent(new ProgressEvent.MetricLogged("azure-run", "loss", 3, 0.25));
            r.onEvent(new ProgressEvent.RunStatusChanged("azure-run", RunStatus.RUNNING, RunStatus.COMPLETED));
        }
        assertThat(text.toString().split("\\R")).containsExactly(
                "  epoch 1/30: loss 0.5000, validation accuracy 0.5000",
                "  epoch 2/30: loss 0.5000, validation accuracy 0.5000",
                "  epoch 3: accuracy 0.7500, loss 0.2500",
                "  run azure-run: Running -> Completed");
    }

    @Test
    void verboseIsAcceptedByEveryCommandAndTheLibrariesAreQuietByDefault() throws Exception {
        CliHarness.Result r = CliHarness.run("sizes", "--verbose", "--help");
        assertThat(r.exitCode()).isZero();
        java.util.Properties logging = new java.util.Properties();
        try (var in = ModelBuilderCli.class.getClassLoader().getResourceAsStream("simplelogger.properties")) {
            logging.load(in);
        }
        for (String logger : ModelBuilderCli.LIBRARY_LOGGERS) {
            assertThat(logging.getProperty("org.slf4j.simpleLogger.log." + logger)).as(logger).isEqualTo("off");
        }
    }
}
