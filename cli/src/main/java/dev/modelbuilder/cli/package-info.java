/**
 * The {@code modelbuilder} command-line tool: one picocli command per verb ({@code quickstart}, {@code train},
 * {@code package}, {@code predict}, {@code evaluate}, {@code generate}, {@code sizes}, {@code workspace},
 * {@code compute}, {@code runs}) over the SDK's public API. Not a library: {@link dev.modelbuilder.cli.ModelBuilderCli}
 * is the entry point of {@code modelbuilder.jar}; exit codes are 0 on success, 2 on bad input, 1 on other failures.
 */
package dev.modelbuilder.cli;
