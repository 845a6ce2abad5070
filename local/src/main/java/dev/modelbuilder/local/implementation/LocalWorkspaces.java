package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import dev.modelbuilder.local.implementation.Records.WorkspaceRecord;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Local workspaces: one folder each under the provider's root, described by a JSON record. Every operation completes
 * at once. Deleting a workspace first stops its runs that are still going.
 */
final class LocalWorkspaces implements WorkspaceOperations {
    private final LocalBackend backend;
    private final LocalStore store;

    LocalWorkspaces(LocalBackend backend) {
        this.backend = backend;
        this.store = backend.store();
    }

    @Override
    public LongRunningOperation<Workspace> beginCreateOrGet(WorkspaceSpec spec, ProgressListener listener) {
        Workspace ws;
        synchronized (backend.lock()) {
            WorkspaceRecord existing = store.findWorkspace(spec.name()).orElse(null);
            if (existing == null) {
                existing = new WorkspaceRecord(spec.name(), spec.region() == null ? "local" : spec.region(),
                        spec.resourceGroup(), spec.description(), spec.tags(), backend.clock().instant().toString());
                store.writeWorkspace(existing);
            }
            ws = toWorkspace(existing);
        }
        return PollingOperation.completed("create workspace " + spec.name(), ws, "workspace:" + spec.name());
    }

    @Override
    public LongRunningOperation<Workspace> resumeCreateOrGet(String resumeToken) {
        if (resumeToken == null || !resumeToken.startsWith("workspace:")) {
            throw new ValidationException("resume token", resumeToken,
                    "use a token from a local create-workspace operation");
        }
        String name = resumeToken.substring("workspace:".length());
        return PollingOperation.completed("create workspace " + name, get(name), resumeToken);
    }

    @Override
    public Workspace get(String name) {
        return toWorkspace(store.requireWorkspace(name));
    }

    @Override
    public PagedIterable<Workspace> list() {
        return LocalBackend.paged(() -> store.listWorkspaces().stream().map(this::toWorkspace).toList());
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String name) {
        boolean existed = false;
        if (store.findWorkspace(name).isPresent()) {
            // its runs stop first, so that none writes into the folder being deleted
            AtomicBoolean deleted = new AtomicBoolean();
            backend.runOperations().deleteRuns(name, r -> true, () -> deleted.set(store.deleteWorkspace(name)));
            existed = deleted.get();
        }
        return PollingOperation.completed("delete workspace " + name, new Deletion("workspace", name, existed),
                "delete-workspace:" + name);
    }

    private Workspace toWorkspace(WorkspaceRecord r) {
        return new Workspace(r.name(), r.region(), r.resourceGroup(), store.workspaceDir(r.name()).toString(),
                "Succeeded", null, r.tags());
    }
}
