package dev.modelbuilder.cli;

import java.io.PrintWriter;
import java.io.StringWriter;

/** Runs the CLI as its entry point does (only the commands the arguments need), with captured output. */
final class CliHarness {
    record Result(int exitCode, String out, String err) {
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int code = ModelBuilderCli.commandLine(new PrintWriter(out, true), new PrintWriter(err, true),
                ModelBuilderCli.commandsFor(args)).execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    private CliHarness() {
    }
}
