package dev.modelbuilder.cli;

import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** What every command that talks to a backend shares: the backend options, {@code --json} and the output. */
abstract class BackendCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Mixin
    BackendArguments backend;

    @Option(names = "--json", description = "Print JSON.")
    boolean json;

    PrintWriter out() {
        return spec.commandLine().getOut();
    }

    PrintWriter err() {
        return spec.commandLine().getErr();
    }

    /** Prints one line of output: the JSON form with {@code --json}, the text form otherwise. */
    void printLine(Object jsonValue, String text) {
        out().println(json ? Json.line(jsonValue) : text);
        out().flush();
    }

    /** A command about one workspace's resources. */
    abstract static class InWorkspace extends BackendCommand {
        @Option(names = "--workspace", required = true, paramLabel = "NAME", description = "The workspace.")
        String workspace;
    }
}
