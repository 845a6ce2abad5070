package dev.modelbuilder.cli;

import dev.modelbuilder.core.Endpoints;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Endpoint;
import dev.modelbuilder.core.model.EndpointLogSource;
import dev.modelbuilder.core.model.EndpointPrediction;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code modelbuilder endpoints list|show|invoke|logs|delete}. Local endpoints live in the process that deployed them
 * ({@code deploy --backend local}), so from another process these commands find none.
 */
@Command(name = "endpoints", mixinStandardHelpOptions = true, description = "Manage the endpoints of a workspace: "
        + "list, show, invoke, logs, delete.",
        subcommands = {EndpointsCommand.ListAll.class, EndpointsCommand.Show.class, EndpointsCommand.Invoke.class,
            EndpointsCommand.Logs.class, EndpointsCommand.Delete.class})
final class EndpointsCommand {

    /** Opens the workspace's endpoints for one subcommand. */
    abstract static class Base extends EndpointCommand {
        Endpoints endpoints(ModelBuilder mb) {
            return mb.workspace(workspace()).endpoints();
        }

        void print(Endpoint e) {
            printLine(view(e), line(e));
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the endpoints of a workspace.")
    static final class ListAll extends Base {
        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                List<Endpoint> all = endpoints(mb).list().stream().toList();
                if (json) {
                    out().println(Json.line(all.stream().map(EndpointCommand::view).toList()));
                } else {
                    all.forEach(e -> out().println(line(e)));
                    if (all.isEmpty() && !backend.isAzure()) {
                        err().println("(local endpoints live in the process that deployed them)");
                    }
                }
                out().flush();
                err().flush();
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "show", mixinStandardHelpOptions = true, description = "Show an endpoint.")
    static final class Show extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                print(endpoints(mb).get(name));
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "invoke", mixinStandardHelpOptions = true, description = "Score images with an endpoint.")
    static final class Invoke extends Base {
        @Parameters(index = "0", paramLabel = "NAME")
        String name;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "IMAGE")
        List<Path> images = new ArrayList<>();

        @Override
        public Integer call() {
            PrintWriter out = out();
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                Endpoints endpoints = endpoints(mb);
                for (Path image : images) {
                    EndpointPrediction p = endpoints.invoke(name, image);
                    if (json) {
                        Map<String, Object> row = new LinkedHashMap<>();
                        row.put("image", image.toString());
                        row.put("label", p.label());
                        row.put("score", p.score());
                        row.put("scores", p.scores());
                        out.println(Json.line(row));
                    } else {
                        out.printf(Locale.ROOT, "%s: %s (%.4f)%n", Printable.of(image), Printable.of(p.label()),
                                p.score());
                    }
                }
                out.flush();
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "logs", mixinStandardHelpOptions = true, description = "Show the last lines of an endpoint's "
            + "log.")
    static final class Logs extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--tail", defaultValue = "100", paramLabel = "LINES", description = "How many of the last "
                + "lines (default 100).")
        int tail;

        @Option(names = "--container", defaultValue = "server", paramLabel = "server|storage-initializer",
                description = "The server's log (default), or, on Azure, the storage initializer's, which mounts the "
                        + "model.")
        String container;

        @Override
        public Integer call() {
            EndpointLogSource source = switch (container) {
                case "server" -> EndpointLogSource.SERVER;
                case "storage-initializer" -> EndpointLogSource.STORAGE_INITIALIZER;
                default -> throw new dev.modelbuilder.core.exception.ValidationException("--container", container,
                        "use server or storage-initializer");
            };
            if (tail < 1 || tail > 10_000) {
                throw new dev.modelbuilder.core.exception.ValidationException("--tail", tail, "use 1 to 10000 lines");
            }
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                String log = endpoints(mb).logs(name, source, tail);
                out().print(log.endsWith("\n") || log.isEmpty() ? log : log + "\n");
                out().flush();
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete an endpoint (what bills for it "
            + "stops; the model and environment versions stay in the workspace).")
    static final class Delete extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                Deletion d = endpoints(mb).delete(name);
                printLine(d, (d.existed() ? "Deleted endpoint " : "No endpoint ") + name);
            }
            return ModelBuilderCli.OK;
        }
    }
}
