package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ComputeState;
import dev.modelbuilder.core.model.ComputeTier;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.local.implementation.Records.ComputeRecord;
import java.time.Duration;
import java.util.List;

/**
 * Local computes: named records of this machine's CPU (the only size, {@value LocalBackend#CPU}), kept so that code
 * written for Azure runs unchanged. Every operation completes at once.
 */
final class LocalComputes implements ComputeOperations {
    private final LocalBackend backend;
    private final LocalStore store;

    LocalComputes(LocalBackend backend) {
        this.backend = backend;
        this.store = backend.store();
    }

    @Override
    public LongRunningOperation<Compute> beginCreateOrGet(String workspace, ComputeSpec spec,
            ProgressListener listener) {
        store.requireWorkspace(workspace);
        requireCpuSize(spec.size());
        Compute c = createOrGet(workspace, spec);
        return PollingOperation.completed("create compute " + spec.name(), c,
                "compute:" + workspace + "/" + spec.name());
    }

    @Override
    public LongRunningOperation<Compute> resumeCreateOrGet(String resumeToken) {
        if (resumeToken == null || !resumeToken.matches("compute:[^/]+/[^/]+")) {
            throw new ValidationException("resume token", resumeToken,
                    "use a token from a local create-compute operation");
        }
        String[] parts = resumeToken.substring("compute:".length()).split("/");
        return PollingOperation.completed("create compute " + parts[1], get(parts[0], parts[1]), resumeToken);
    }

    @Override
    public Compute get(String workspace, String name) {
        store.requireWorkspace(workspace);
        return store.findCompute(workspace, name).map(r -> toCompute(workspace, r))
                .orElseThrow(() -> new ResourceNotFoundException("compute", name, "in local workspace "
                        + workspace + ": create it with computes().define(\"" + name
                        + "\").withSize(\"" + LocalBackend.CPU + "\")"));
    }

    @Override
    public PagedIterable<Compute> list(String workspace) {
        store.requireWorkspace(workspace);
        return LocalBackend.paged(() -> store.listComputes(workspace).stream().map(r -> toCompute(workspace, r))
                .toList());
    }

    @Override
    public LongRunningOperation<Compute> beginResize(String workspace, String name, int minNodes, int maxNodes) {
        Compute c = get(workspace, name);
        ComputeRecord r = new ComputeRecord(c.name(), LocalBackend.CPU, minNodes, maxNodes,
                c.idleTimeBeforeScaleDown().getSeconds(), c.tier().name(),
                store.findCompute(workspace, name).map(ComputeRecord::createdAt).orElse(null));
        store.writeCompute(workspace, r);
        return PollingOperation.completed("resize compute " + name, toCompute(workspace, r),
                "compute:" + workspace + "/" + name);
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
        boolean existed = store.findWorkspace(workspace).isPresent() && store.deleteCompute(workspace, name);
        return PollingOperation.completed("delete compute " + name, new Deletion("compute", name, existed),
                "delete-compute:" + workspace + "/" + name);
    }

    @Override
    public List<ComputeSize> availableSizes(String workspace) {
        return List.of(backend.cpuSize());
    }

    /** @return this machine's CPU size, the only one: known without a workspace */
    @Override
    public List<ComputeSize> sizeCatalog() {
        return List.of(backend.cpuSize());
    }

    private void requireCpuSize(ComputeSize size) {
        if (size != null && size.isNamed(LocalBackend.CPU)) {
            return;
        }
        ComputeSize cpu = backend.cpuSize();
        String name = size == null ? null : size.name();
        String why = size != null && size.isRetired() ? " (it was also retired on " + size.retiredOn() + ")" : "";
        throw new ValidationException("compute size", name, "the local backend trains on this machine's CPU: use"
                + " size '" + LocalBackend.CPU + "' (" + cpu.vcpus() + " vCPUs, " + cpu.memoryGiB() + " GiB); GPU"
                + " sizes are for the Azure backend" + why);
    }

    /**
     * Returns the compute, writing its record first when there is none.
     *
     * @param workspace an existing workspace
     * @param spec the compute
     * @return the compute
     */
    Compute createOrGet(String workspace, ComputeSpec spec) {
        synchronized (backend.lock()) {
            ComputeRecord r = store.findCompute(workspace, spec.name()).orElse(null);
            if (r == null) {
                r = new ComputeRecord(spec.name(), LocalBackend.CPU, spec.minNodes(), spec.maxNodes(),
                        spec.idleTimeBeforeScaleDown().getSeconds(), spec.tier().name(),
                        backend.clock().instant().toString());
                store.writeCompute(workspace, r);
            }
            return toCompute(workspace, r);
        }
    }

    private Compute toCompute(String workspace, ComputeRecord r) {
        ComputeTier tier = r.tier() == null ? ComputeTier.DEDICATED : ComputeTier.valueOf(r.tier());
        return new Compute(r.name(), workspace, LocalBackend.CPU, backend.cpuSize(), r.minNodes(), r.maxNodes(),
                Duration.ofSeconds(Math.max(1, r.idleSeconds())), tier, ComputeState.SUCCEEDED, 1,
                "local:" + workspace + "/computes/" + r.name());
    }
}
