package dev.modelbuilder.cli;

import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.WorkspaceDefinition;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.Deletion;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code modelbuilder workspace create|get|list|delete}. */
@Command(name = "workspace", mixinStandardHelpOptions = true, description = "Manage workspaces.",
        subcommands = {WorkspaceCommand.Create.class, WorkspaceCommand.Get.class, WorkspaceCommand.ListAll.class,
            WorkspaceCommand.Delete.class})
final class WorkspaceCommand {

    /** Shared options of the workspace subcommands. */
    abstract static class Base extends BackendCommand {
        void print(Workspace w) {
            if (json) {
                out().println(Json.line(Views.workspace(w)));
            } else {
                out().println(w.name() + "  " + w.region() + (w.resourceGroup() == null ? "" : "  " + w.resourceGroup())
                        + "  " + w.provisioningState() + "  " + w.id());
                w.portalLink().ifPresent(l -> out().println("  portal: " + l));
            }
            out().flush();
        }
    }

    @Command(name = "create", mixinStandardHelpOptions = true,
            description = "Create a workspace, or show the existing one of that name.")
    static final class Create extends Base {
        @Parameters(paramLabel = "NAME", description = "3-33 letters, digits or hyphens.")
        String name;

        @Option(names = "--yes", description = "Do not ask before creating billable Azure resources.")
        boolean yes;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open());
                    ProgressRenderer progress = new ProgressRenderer(err(), false)) {
                WorkspaceDefinition definition = mb.workspaces().define(name).withListener(progress);
                if (backend.isAzure()) {
                    definition.withRegion(backend.region).withResourceGroup(backend.resourceGroup);
                    definition.toSpec();
                    Confirmation.require(Confirmation.workspaceCost(name, backend.region, backend.resourceGroup), yes,
                            err());
                }
                print(definition.create());
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "get", mixinStandardHelpOptions = true, description = "Show a workspace.")
    static final class Get extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                print(mb.workspaces().get(name));
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "list", mixinStandardHelpOptions = true, description = "List workspaces.")
    static final class ListAll extends Base {
        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                if (json) {
                    out().println(Json.line(mb.workspaces().list().stream().map(Views::workspace).toList()));
                    out().flush();
                } else {
                    mb.workspaces().list().forEach(this::print);
                }
            }
            return ModelBuilderCli.OK;
        }
    }

    @Command(name = "delete", mixinStandardHelpOptions = true,
            description = "Delete a workspace with its computes, experiments and runs.")
    static final class Delete extends Base {
        @Parameters(paramLabel = "NAME")
        String name;

        @Option(names = "--purge", description = "Azure: delete a live workspace for good instead of keeping it "
                + "soft-deleted for 14 days, so that its name is free at once. Cannot be undone. A workspace deleted "
                + "before must be recovered or permanently deleted in the Azure portal (Azure Machine Learning > "
                + "Recently deleted).")
        boolean purge;

        @Option(names = "--yes", description = "Do not ask before purging.")
        boolean yes;

        @Override
        public Integer call() {
            try (ModelBuilder mb = ModelBuilder.using(backend.open())) {
                if (purge) {
                    Confirmation.require("This purges workspace '" + name + "' with its computes, experiments and "
                            + "runs for good; it cannot be recovered afterwards, and this cannot be undone.", yes,
                            err());
                }
                Deletion d = mb.workspaces().delete(name, purge);
                printLine(d, (d.existed() ? "Deleted workspace " : "No workspace ") + name);
            }
            return ModelBuilderCli.OK;
        }
    }
}
