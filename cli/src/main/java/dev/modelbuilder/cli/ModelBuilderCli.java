package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import java.io.PrintWriter;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/**
 * The {@code modelbuilder} command-line tool. Exit codes: 0 success, 2 bad input (arguments, validation), 1 any
 * other failure.
 */
@Command(name = "modelbuilder", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train an image classifier on Azure Machine Learning or on this machine, score it, and "
                + "generate starter projects.",
        subcommands = {QuickstartCommand.class, TrainCommand.class, PackageCommand.class, PredictCommand.class, EvaluateCommand.class, GenerateCommand.class,
            SizesCommand.class, WorkspaceCommand.class, ComputeCommand.class, RunsCommand.class})
public final class ModelBuilderCli {
    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a failure. */
    public static final int FAILURE = 1;
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    private ModelBuilderCli() {
    }

    /**
     * Builds the command line with the tool's exit-code and error conventions.
     *
     * @param out standard output
     * @param err standard error
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        CommandLine cli = new CommandLine(new ModelBuilderCli());
        cli.setOut(out);
        cli.setErr(err);
        cli.setExitCodeExceptionMapper(ModelBuilderCli::exitCode);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("error: " + Printable.of(message(e)));
            commandLine.getErr().flush();
            return exitCode(e);
        });
        cli.setParameterExceptionHandler((e, args) -> {
            CommandLine c = e.getCommandLine();
            c.getErr().println("error: " + Printable.of(e.getMessage()));
            c.getErr().println("Run '" + c.getCommandSpec().qualifiedName() + " --help' for usage.");
            c.getErr().flush();
            return BAD_INPUT;
        });
        return cli;
    }

    private static int exitCode(Throwable e) {
        // a model or label map that does not load is the caller's input, like an invalid name
        return e instanceof ValidationException || e instanceof ModelLoadException
                || e instanceof IllegalArgumentException || e instanceof CommandLine.ParameterException
                ? BAD_INPUT : FAILURE;
    }

    private static String message(Throwable e) {
        if (e instanceof ModelBuilderException || e instanceof IllegalArgumentException) {
            return e.getMessage();
        }
        return e.getClass().getSimpleName() + ": " + e.getMessage();
    }

    /**
     * Runs the tool.
     *
     * @param args the arguments
     * @return the exit code
     */
    public static int run(String... args) {
        PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
        return commandLine(out, err).execute(args);
    }

    /**
     * Entry point of {@code java -jar modelbuilder.jar}.
     *
     * @param args the arguments
     */
    public static void main(String... args) {
        System.exit(run(args));
    }
}
