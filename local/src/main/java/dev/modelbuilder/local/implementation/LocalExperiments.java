package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.local.implementation.Records.ExperimentRecord;
import java.time.Instant;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Local experiments: a JSON record each in their workspace's folder, created by the first run that names them (or
 * defined first). Deleting one deletes its runs, stopping those still going. Every operation completes at once.
 */
final class LocalExperiments implements ExperimentOperations {
    private final LocalBackend backend;
    private final LocalStore store;

    LocalExperiments(LocalBackend backend) {
        this.backend = backend;
        this.store = backend.store();
    }

    @Override
    public Experiment getOrCreate(String workspace, String name) {
        store.requireWorkspace(workspace);
        synchronized (backend.lock()) {
            ExperimentRecord r = store.findExperiment(workspace, name).orElse(null);
            if (r == null) {
                r = new ExperimentRecord(name, backend.clock().instant().toString());
                store.writeExperiment(workspace, r);
            }
            return toExperiment(workspace, r);
        }
    }

    @Override
    public Experiment get(String workspace, String name) {
        store.requireWorkspace(workspace);
        return store.findExperiment(workspace, name).map(r -> toExperiment(workspace, r))
                .orElseThrow(() -> new ResourceNotFoundException("experiment", name, "in local workspace "
                        + workspace + ": submit a run to create it"));
    }

    @Override
    public PagedIterable<Experiment> list(String workspace) {
        store.requireWorkspace(workspace);
        return LocalBackend.paged(() -> store.listExperiments(workspace).stream()
                .map(r -> toExperiment(workspace, r)).toList());
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
        AtomicBoolean existed = new AtomicBoolean();
        if (store.findWorkspace(workspace).isPresent()) {
            int runs = backend.runOperations().deleteRuns(workspace, r -> name.equals(r.experiment()),
                    () -> existed.set(store.deleteExperiment(workspace, name)));
            existed.compareAndSet(false, runs > 0);
        }
        return PollingOperation.completed("delete experiment " + name, new Deletion("experiment", name,
                existed.get()), "delete-experiment:" + workspace + "/" + name);
    }

    private static Experiment toExperiment(String workspace, ExperimentRecord r) {
        return new Experiment(r.name(), workspace, Instant.parse(r.createdAt()));
    }
}
