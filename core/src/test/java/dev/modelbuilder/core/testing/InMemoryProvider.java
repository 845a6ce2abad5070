package dev.modelbuilder.core.testing;

import dev.modelbuilder.core.operation.Page;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.dataset.ImageDataset;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.exception.ValidationException;
import dev.modelbuilder.core.model.Compute;
import dev.modelbuilder.core.model.ComputeSize;
import dev.modelbuilder.core.model.ComputeSpec;
import dev.modelbuilder.core.model.ComputeState;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.model.TrainingSpec;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.model.Workspace;
import dev.modelbuilder.core.model.WorkspaceSpec;
import dev.modelbuilder.core.spi.ComputeOperations;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import dev.modelbuilder.core.spi.PollingOperation;
import dev.modelbuilder.core.spi.PollingTrainingRun;
import dev.modelbuilder.core.spi.RunOperations;
import dev.modelbuilder.core.support.Sleeper;
import dev.modelbuilder.core.spi.WorkspaceOperations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake provider that keeps everything in memory, for testing the core and code written against the SPI.
 * Runs advance one status per poll (NotStarted, Queued, Running, Completed), so tests control time by polling;
 * the "model" it delivers is placeholder bytes, not a network. Not a training backend.
 */
public final class InMemoryProvider implements ModelBuilderProvider {
    /** The GPU size of the fake's offline catalog. */
    public static final ComputeSize GPU = new ComputeSize("mem-gpu-4", "memGpuFamily", 4, 28, 180, 1, 16, 8, 2,
            "Fake GPU", null, List.of());
    /** A retired size of the fake's offline catalog: like core, the fake does not refuse it. */
    public static final ComputeSize RETIRED_GPU = new ComputeSize("mem-gpu-old", "memGpuFamily", 12, 112, 680, 2, 24,
            48, 2, "Old fake GPU", LocalDate.of(2020, 1, 1), List.of("mem-gpu-4"));
    /** A size only the fake's live list has (found by name through {@code availableSizes}). */
    public static final ComputeSize LIVE_CPU = new ComputeSize("mem-cpu-2", null, 2, 8, 0, 0, 0, 0, 0, null, null,
            List.of());

    private final Map<String, Workspace> workspaces = new ConcurrentHashMap<>();
    private final Map<String, Compute> computes = new ConcurrentHashMap<>();
    private final Map<String, Experiment> experiments = new ConcurrentHashMap<>();
    private final Map<String, FakeRun> runs = new ConcurrentHashMap<>();
    private final AtomicInteger runCounter = new AtomicInteger();
    private final List<String> calls = new ArrayList<>();
    private volatile boolean closed;

    /** @return the operations called so far, e.g. {@code workspaces.createOrGet ws1} */
    public synchronized List<String> calls() {
        return List.copyOf(calls);
    }

    /** @return whether {@link #close()} was called */
    public boolean isClosed() {
        return closed;
    }

    private synchronized void record(String call) {
        calls.add(call);
    }

    @Override
    public String name() {
        return "in-memory";
    }

    @Override
    public void close() {
        closed = true;
    }

    @Override
    public WorkspaceOperations workspaces() {
        return new WorkspaceOperations() {
            @Override
            public LongRunningOperation<Workspace> beginCreateOrGet(WorkspaceSpec spec, ProgressListener listener) {
                record("workspaces.createOrGet " + spec.name());
                Workspace ws = workspaces.computeIfAbsent(spec.name(), n -> new Workspace(n,
                        spec.region() == null ? "local" : spec.region(), spec.resourceGroup(), "mem:" + n,
                        "Succeeded", null, spec.tags()));
                return PollingOperation.completed("create workspace " + spec.name(), ws, "ws:" + spec.name());
            }

            @Override
            public LongRunningOperation<Workspace> resumeCreateOrGet(String token) {
                if (token == null || !token.startsWith("ws:")) {
                    throw new ValidationException("resume token", token, "use a token from a create operation");
                }
                String name = token.substring(3);
                return PollingOperation.completed("create workspace " + name, get(name), token);
            }

            @Override
            public Workspace get(String name) {
                Workspace ws = workspaces.get(name);
                if (ws == null) {
                    throw new ResourceNotFoundException("workspace", name, "create it first");
                }
                return ws;
            }

            @Override
            public PagedIterable<Workspace> list() {
                return pages(workspaces.values().stream().sorted(Comparator.comparing(Workspace::name)).toList());
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String name) {
                record("workspaces.delete " + name);
                boolean existed = workspaces.remove(name) != null;
                computes.keySet().removeIf(k -> k.startsWith(name + "/"));
                experiments.keySet().removeIf(k -> k.startsWith(name + "/"));
                return PollingOperation.completed("delete workspace " + name,
                        new Deletion("workspace", name, existed), "del:" + name);
            }
        };
    }

    private void requireWorkspace(String workspace) {
        if (!workspaces.containsKey(workspace)) {
            throw new ResourceNotFoundException("workspace", workspace, "create it first");
        }
    }

    @Override
    public ComputeOperations computes() {
        return new ComputeOperations() {
            @Override
            public LongRunningOperation<Compute> beginCreateOrGet(String workspace, ComputeSpec spec,
                    ProgressListener listener) {
                requireWorkspace(workspace);
                record("computes.createOrGet " + spec.name());
                Compute c = computes.computeIfAbsent(workspace + "/" + spec.name(), k -> new Compute(spec.name(),
                        workspace, spec.size().name(), spec.size(), spec.minNodes(), spec.maxNodes(),
                        spec.idleTimeBeforeScaleDown(), spec.tier(), ComputeState.SUCCEEDED, spec.minNodes(),
                        "mem:" + k));
                return PollingOperation.completed("create compute " + spec.name(), c, "c:" + workspace + "/"
                        + spec.name());
            }

            @Override
            public LongRunningOperation<Compute> resumeCreateOrGet(String token) {
                String[] parts = token.substring(2).split("/");
                return PollingOperation.completed("create compute", get(parts[0], parts[1]), token);
            }

            @Override
            public Compute get(String workspace, String name) {
                Compute c = computes.get(workspace + "/" + name);
                if (c == null) {
                    throw new ResourceNotFoundException("compute", name, "in workspace " + workspace);
                }
                return c;
            }

            @Override
            public PagedIterable<Compute> list(String workspace) {
                requireWorkspace(workspace);
                return pages(computes.values().stream().filter(c -> c.workspace().equals(workspace))
                        .sorted(Comparator.comparing(Compute::name)).toList());
            }

            @Override
            public LongRunningOperation<Compute> beginResize(String workspace, String name, int minNodes,
                    int maxNodes) {
                Compute c = get(workspace, name);
                Compute resized = new Compute(c.name(), c.workspace(), c.sizeName(), c.size(), minNodes, maxNodes,
                        c.idleTimeBeforeScaleDown(), c.tier(), c.state(), minNodes, c.id());
                computes.put(workspace + "/" + name, resized);
                return PollingOperation.completed("resize compute " + name, resized, "r:" + name);
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
                boolean existed = computes.remove(workspace + "/" + name) != null;
                return PollingOperation.completed("delete compute " + name, new Deletion("compute", name, existed),
                        "d:" + name);
            }

            @Override
            public List<ComputeSize> availableSizes(String workspace) {
                requireWorkspace(workspace);
                record("computes.availableSizes");
                return List.of(GPU, LIVE_CPU);
            }

            @Override
            public List<ComputeSize> sizeCatalog() {
                return List.of(RETIRED_GPU, GPU);
            }
        };
    }

    @Override
    public ExperimentOperations experiments() {
        return new ExperimentOperations() {
            @Override
            public Experiment getOrCreate(String workspace, String name) {
                requireWorkspace(workspace);
                return experiments.computeIfAbsent(workspace + "/" + name,
                        k -> new Experiment(name, workspace, Instant.now()));
            }

            @Override
            public Experiment get(String workspace, String name) {
                Experiment e = experiments.get(workspace + "/" + name);
                if (e == null) {
                    throw new ResourceNotFoundException("experiment", name, "submit a run to create it");
                }
                return e;
            }

            @Override
            public PagedIterable<Experiment> list(String workspace) {
                requireWorkspace(workspace);
                return pages(experiments.values().stream().filter(e -> e.workspace().equals(workspace))
                        .sorted(Comparator.comparing(Experiment::name)).toList());
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
                boolean existed = experiments.remove(workspace + "/" + name) != null;
                runs.values().removeIf(r -> r.workspace.equals(workspace) && r.experiment.equals(name));
                return PollingOperation.completed("delete experiment " + name,
                        new Deletion("experiment", name, existed), "d:" + name);
            }
        };
    }

    @Override
    public RunOperations runs() {
        return new RunOperations() {
            @Override
            public TrainingRun submit(String workspace, String experiment, TrainingSpec training,
                    ImageDataset dataset, ProgressListener listener) {
                experiments().getOrCreate(workspace, experiment);
                String id = experiment + "_" + runCounter.incrementAndGet();
                FakeRun run = new FakeRun(id, experiment, workspace, dataset.labels());
                runs.put(workspace + "/" + id, run);
                record("runs.submit " + id);
                return run.handle(listener);
            }

            @Override
            public TrainingRun attach(String workspace, String runId, ProgressListener listener) {
                return find(workspace, runId).handle(listener);
            }

            @Override
            public Run get(String workspace, String runId) {
                return find(workspace, runId).snapshot();
            }

            @Override
            public PagedIterable<Run> list(String workspace, String experiment) {
                return pages(runs.values().stream().filter(r -> r.workspace.equals(workspace)
                        && r.experiment.equals(experiment)).map(FakeRun::snapshot)
                        .sorted(Comparator.comparing(Run::createdAt).reversed()).toList());
            }

            @Override
            public PagedIterable<Run> list(String workspace) {
                return pages(runs.values().stream().filter(r -> r.workspace.equals(workspace)).map(FakeRun::snapshot)
                        .sorted(Comparator.comparing(Run::createdAt).reversed()).toList());
            }

            @Override
            public void cancel(String workspace, String runId) {
                find(workspace, runId).cancel();
            }

            @Override
            public LongRunningOperation<Deletion> beginDelete(String workspace, String runId) {
                FakeRun removed = runs.remove(workspace + "/" + runId);
                if (removed != null) {
                    removed.cancel();
                }
                return PollingOperation.completed("delete run " + runId, new Deletion("run", runId, removed != null),
                        "d:" + runId);
            }
        };
    }

    private FakeRun find(String workspace, String runId) {
        FakeRun run = runs.get(workspace + "/" + runId);
        if (run == null) {
            throw new ResourceNotFoundException("run", runId, "in workspace " + workspace);
        }
        return run;
    }

    /** Pages of two, so that tests exercise paging. */
    private static <T> PagedIterable<T> pages(List<T> all) {
        return new PagedIterable<>(token -> {
            int from = token == null ? 0 : Integer.parseInt(token);
            int to = Math.min(all.size(), from + 2);
            return new Page<>(all.subList(from, to), to < all.size() ? String.valueOf(to) : null);
        });
    }

    private static final List<RunStatus> LIFECYCLE =
            List.of(RunStatus.NOT_STARTED, RunStatus.QUEUED, RunStatus.RUNNING, RunStatus.COMPLETED);

    private static final class FakeRun {
        final String id;
        final String experiment;
        final String workspace;
        final List<String> labels;
        final Instant created = Instant.now();
        int stage;
        boolean cancelled;

        FakeRun(String id, String experiment, String workspace, List<String> labels) {
            this.id = id;
            this.experiment = experiment;
            this.workspace = workspace;
            this.labels = labels;
        }

        synchronized RunStatus status() {
            return cancelled ? RunStatus.CANCELED : LIFECYCLE.get(stage);
        }

        synchronized Run snapshot() {
            RunStatus s = status();
            return new Run(id, experiment, workspace, s, created, stage >= 2 ? created : null,
                    s.isTerminal() ? Instant.now() : null, null,
                    s.equals(RunStatus.COMPLETED) ? Map.of("accuracy", 1.0) : Map.of(), null);
        }

        synchronized void advance(ProgressListener listener) {
            if (status().isTerminal()) {
                return;
            }
            stage++;
            if (status().equals(RunStatus.RUNNING)) {
                ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.TRAIN));
            }
            if (status().equals(RunStatus.COMPLETED)) {
                ProgressListener.emit(listener, new ProgressEvent.MetricLogged(id, "accuracy", 1, 1.0));
                ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.TRAIN, Duration.ZERO));
            }
        }

        synchronized void cancel() {
            if (!status().isTerminal()) {
                cancelled = true;
            }
        }

        TrainingRun handle(ProgressListener listener) {
            return new FakeHandle(this, listener);
        }
    }

    private static final class FakeHandle extends PollingTrainingRun {
        private final FakeRun self;
        private final ProgressListener listener;

        FakeHandle(FakeRun self, ProgressListener listener) {
            super(self.id, self.snapshot(), listener, Duration.ofMillis(1), Clock.systemUTC(), Sleeper.system());
            this.self = self;
            this.listener = listener;
        }

        @Override
        protected Run pollRun() {
            self.advance(listener);
            return self.snapshot();
        }

        @Override
        protected void requestCancel() {
            self.cancel();
        }

        @Override
        protected TrainedModel download(Run completed, Path directory) {
            String id = completed.id();
            try {
                Files.createDirectories(directory);
                TrainedModel m = TrainedModel.inDirectory(directory, self.labels, id, Map.of("accuracy", 1.0));
                Files.write(m.onnxModel(), new byte[] {0});
                Files.writeString(m.labelMap(), "[\"" + String.join("\",\"", self.labels) + "\"]",
                        StandardCharsets.UTF_8);
                Files.write(m.pipeline(), new byte[] {0});
                return m;
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
    }
}
