package dev.modelbuilder.cli;

import dev.modelbuilder.core.ComputeDefinition;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ComputeTier;
import dev.modelbuilder.core.model.Deletion;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelbuilder compute create|get|list|delete}. */
@Command(name = "compute", mixinStandardHelpOptions = true, description = "Manage compute clusters of a workspace.",
        subcommands = {ComputeCommand.Create.class, ComputeCommand.Get.class, ComputeCommand.ListAll.class,
            ComputeCommand.Delete.class})
final class ComputeCommand {

    /** Shared options of the compute subcommands. */
    abstract static class Base extends BackendCommand.InWorkspace {
        void print(Compute c) {
            if (json) {
                out().println(Json.line(Views.compute(c)));
            } else {
                out().println(c.name() + "  " + c.sizeName() + "  nodes " + c.minNodes() + ".." + c.maxNodes() + "  "
                        + c.state() + "  current " + c.currentNodes());
            }
            out().flush();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a compute, or show the existing one of that name.")
    static final class Create extends Base {
        @Parameters(paramLabel = "NAME", description = "2-16 letters, digits or hyphens, starting with a letter.")
        String name;

        @Option(names = "--size", paramLabel = "SIZE",
                description = "VM size, e.g. Standard_NC4as_T4_v3 (see 'modelbuilder sizes'); local: local-cpu.")
        String size;

        @Option(names = "--min-nodes", defaultValue = "0", description = "Nodes kept when idle (default 0).")
        int minNodes;

        @Option(names = "--max-nodes", defaultValue = "1", description = "Most nodes (default 1).")
        int maxNodes;

        @Option(names = "--idle-time", defaultValue = "120s", converter = DurationConverter.class,
                description = "Idle time before a node is released, e.g. 120s, 10m (default 120s).")
        Duration idleTime;

        @Option(names = "--tier", defaultValue = "dedicated", description = "dedicated or low-priority.")
        String tier;

        @Option(names = "--yes", description = "Do not ask before creating billable Azure resources.")
        boolean yes;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open());
                    ProgressRenderer progress = new ProgressRenderer(err(), false)) {
                ComputeDefinition definition = mb.workspace(workspace).computes().define(name)
                        .withMinNodes(minNodes).withMaxNodes(maxNodes).withIdleTimeBeforeScaleDown(idleTime)
                        .withTier(ComputeTier.parse(tier)).withListener(progress);
                if (size != null) {
                    definition.withSize(size);
                } else if (!backend.isAzure()) {
                    definition.withSize(mb.workspace(workspace).computes().availableSizes().get(0));
                } else {
                    throw new dev.modelbuilder.core.exception.ValidationException("--size", null,
                            "choose a VM size, e.g. Standard_NC4as_T4_v3 (see 'modelbuilder sizes')");
                }
                ComputeSpec validated = definition.toSpec();
                if (backend.isAzure()) {
                    Confirmation.require(Confirmation.computeCost(workspace, validated), yes, err());
                }
                print(definition.create());
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a compute.")
    static final class Get extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                print(mb.workspace(workspace).computes().get(name));
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List the computes of a workspace.")
    static final class ListAll extends Base {
        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                if (json) {
                    out().println(Json.line(mb.workspace(workspace).computes().list().stream().map(Views::compute)
                            .toList()));
                    out().flush();
                } else {
                    mb.workspace(workspace).computes().list().forEach(this::print);
                }
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true, description = "Delete a compute and its nodes.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                Deletion d = mb.workspace(workspace).computes().delete(name);
                printLine(d, (d.existed() ? "Deleted compute " : "No compute ") + name);
            }
            return ModelBuilderCli.OK;
        }
    }
}
