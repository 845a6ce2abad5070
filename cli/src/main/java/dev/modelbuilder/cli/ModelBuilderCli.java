package dev.modelbuilder.cli;

import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.ModelLoadException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.scoring.PredictionEngine;
import java.io.PrintWriter;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ScopeType;
import picocli.CommandLine.Spec;

/**
 * The {@code modelbuilder} command-line tool. Exit codes: 0 success, 2 bad input (arguments, validation), 1 any
 * other failure. With no command it lists the commands, one line each.
 *
 * <p>Logging: the tool prints its own lines; what libraries log (DJL's GPU probe, azure-identity's credential
 * probes, Netty) is off unless {@code --verbose} is given, which turns every library's INFO logging and libtorch's
 * native warnings on, on standard error. The tool's own warnings are always shown.
 */
@Command(name = "modelbuilder", mixinStandardHelpOptions = true, versionProvider = VersionProvider.class,
        description = "Train an image classifier on Azure Machine Learning or on this machine, score it, and "
                + "generate starter projects.")
public final class ModelBuilderCli implements Callable<Integer> {
    /**
     * The commands, in the order the command list shows them. Registered with picocli by {@link #commandLine}: all of
     * them, or only the one a command line runs (see {@link #run}).
     */
    static final List<Class<?>> COMMANDS = List.of(QuickstartCommand.class, TrainCommand.class, PackageCommand.class,
            PredictCommand.class, EvaluateCommand.class, GenerateCommand.class, SizesCommand.class,
            WorkspaceCommand.class, ComputeCommand.class, RunsCommand.class, ServeCommand.class, DeployCommand.class,
            EndpointsCommand.class);

    /** Exit code for success. */
    public static final int OK = 0;
    /** Exit code for a failure. */
    public static final int FAILURE = 1;
    /** Exit code for bad input. */
    public static final int BAD_INPUT = 2;

    /** The option that lets libraries log, on every command. */
    static final String VERBOSE = "--verbose";
    /** Loggers of third-party libraries, off unless {@value #VERBOSE} is given (see simplelogger.properties). */
    static final List<String> LIBRARY_LOGGERS = List.of("ai.djl", "com.azure", "com.microsoft", "reactor",
            "io.netty", "ai.onnxruntime");

    @Spec
    CommandSpec spec;

    @Option(names = VERBOSE, scope = ScopeType.INHERIT,
            description = "Show what libraries log (DJL, PyTorch, Azure SDK), on standard error.")
    boolean verbose;

    private ModelBuilderCli() {
    }

    /** Lists the commands, one line each, like {@code git} or {@code az} with no arguments. */
    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.println("usage: modelbuilder <command> [options]   (modelbuilder <command> --help for a command's options)");
        out.println();
        out.println("Commands:");
        spec.subcommands().forEach((name, sub) -> out.printf("  %-11s %s%n", name, summary(sub.getCommandSpec())));
        out.println();
        out.println("Options: --version, --help, --verbose");
        out.flush();
        return OK;
    }

    /** Widest summary in the command list, so that each command's line fits 80 columns. */
    static final int SUMMARY_WIDTH = 66;

    /**
     * @param command a subcommand
     * @return its header when it has one, else the first sentence of its description, cut at a word to fit
     */
    static String summary(CommandSpec command) {
        String[] header = command.usageMessage().header();
        String[] description = command.usageMessage().description();
        String text = header.length > 0 ? header[0] : description.length > 0 ? description[0] : "";
        int end = text.indexOf(". ");
        text = end < 0 ? text : text.substring(0, end);
        text = text.endsWith(".") ? text.substring(0, text.length() - 1) : text;
        if (text.length() > SUMMARY_WIDTH) {
            int cut = text.lastIndexOf(' ', SUMMARY_WIDTH - 4);
            text = text.substring(0, cut < 0 ? SUMMARY_WIDTH - 4 : cut).replaceAll("[,:;]$", "") + " ...";
        }
        return text;
    }

    /**
     * Sets the logging system properties before any logger exists: libraries quiet by default, loud with
     * {@value #VERBOSE} (given anywhere before a {@code --}).
     *
     * @param args the arguments
     */
    static void configureLogging(String... args) {
        List<String> options = Arrays.asList(args);
        int end = options.indexOf("--");
        boolean loud = (end < 0 ? options : options.subList(0, end)).contains(VERBOSE);
        if (!loud) {
            return;
        }
        System.setProperty("org.slf4j.simpleLogger.defaultLogLevel", "info");
        System.setProperty("org.slf4j.simpleLogger.showLogName", "true");
        for (String logger : LIBRARY_LOGGERS) {
            System.setProperty("org.slf4j.simpleLogger.log." + logger, "info");
        }
        System.setProperty(dev.modelbuilder.local.LocalProvider.TORCH_WARNINGS_SETTING.property(), "true");
    }

    /**
     * Builds the command line with the tool's exit-code and error conventions.
     *
     * @param out standard output
     * @param err standard error
     * @return the command line
     */
    public static CommandLine commandLine(PrintWriter out, PrintWriter err) {
        return commandLine(out, err, COMMANDS);
    }

    /**
     * The command line with only the commands a run needs: picocli inspects every registered command (its options,
     * its mixins, the types they name) before parsing, which on a cold JVM costs more than a short command's work.
     * The named command alone when the arguments name one; every command otherwise (no command, top-level options
     * only, or an unknown command, which picocli then reports as before).
     *
     * @param args the arguments
     * @return the commands to register, in list order
     */
    static List<Class<?>> commandsFor(String... args) {
        for (String arg : args) {
            if ("--".equals(arg)) {
                break;
            }
            if (!arg.startsWith("-")) {
                List<Class<?>> named = COMMANDS.stream()
                        .filter(c -> c.getAnnotation(Command.class).name().equals(arg)).toList();
                return named.isEmpty() ? COMMANDS : named;
            }
        }
        return COMMANDS;
    }

    /**
     * @param out standard output
     * @param err standard error
     * @param commands the commands to register
     * @return the command line
     */
    static CommandLine commandLine(PrintWriter out, PrintWriter err, List<Class<?>> commands) {
        CommandLine cli = new CommandLine(new ModelBuilderCli());
        commands.forEach(cli::addSubcommand);
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
        configureLogging(args);
        PrintWriter out = new PrintWriter(System.out, true, java.nio.charset.StandardCharsets.UTF_8);
        PrintWriter err = new PrintWriter(System.err, true, java.nio.charset.StandardCharsets.UTF_8);
        List<Class<?>> commands = commandsFor(args);
        CompletableFuture<Void> warmUp = commands.size() == 1 && ScoresImages.class.isAssignableFrom(commands.get(0))
                ? PredictionEngine.warmUp() : CompletableFuture.completedFuture(null);
        try {
            return commandLine(out, err, commands).execute(args);
        } finally {
            // a command that ends early (--help, bad input) must not exit while ONNX Runtime is still loading
            warmUp.join();
        }
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
