package dev.modelbuilder.azure;

import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.Page;
import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.core.model.Experiment;
import dev.modelbuilder.core.spi.ExperimentOperations;
import dev.modelbuilder.core.spi.PollingOperation;
import java.util.ArrayList;
import java.util.List;
import java.time.Instant;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Experiments as Azure Machine Learning sees them: a job's {@code experimentName} creates the experiment the first
 * time a job names it; there is no experiment resource in Resource Manager. So {@link #getOrCreate} only checks
 * the workspace and remembers the name for this provider's lifetime (the experiment appears in Azure with its first
 * run), and {@link #get} and {@link #list} derive experiments from the workspace's jobs plus those remembered names.
 * {@link #beginDelete} deletes every job of the experiment (cancelling running ones first) and forgets the name; the
 * run-history record of the experiment, which Resource Manager does not reach, stays in the studio without runs.
 */
final class AzureExperiments implements ExperimentOperations {
    private final AzureWorkspaces workspaces;
    private final Map<String, Set<String>> pending = new ConcurrentHashMap<>();
    private AzureRuns runs;

    AzureExperiments(AzureWorkspaces workspaces) {
        this.workspaces = workspaces;
    }

    void setRuns(AzureRuns azureRuns) {
        this.runs = azureRuns;
    }

    void remember(String workspace, String experiment) {
        pending.computeIfAbsent(workspace, w -> ConcurrentHashMap.newKeySet()).add(experiment);
    }

    /** @return whether the name was remembered */
    private boolean forget(String workspace, String experiment) {
        Set<String> names = pending.get(workspace);
        return names != null && names.remove(experiment);
    }

    @Override
    public Experiment getOrCreate(String workspace, String name) {
        workspaces.getJson(workspace);
        remember(workspace, name);
        return new Experiment(name, workspace, null);
    }

    @Override
    public Experiment get(String workspace, String name) {
        Instant first = null;
        boolean found = false;
        for (JsonNode job : runs.jobs(workspace)) {
            if (name.equals(AzureRuns.experimentOf(job))) {
                found = true;
                Instant created = Json.instant(job, "/systemData/createdAt");
                if (created != null && (first == null || created.isBefore(first))) {
                    first = created;
                }
            }
        }
        if (found || pending.getOrDefault(workspace, Set.of()).contains(name)) {
            return new Experiment(name, workspace, first);
        }
        throw new ResourceNotFoundException("experiment", name, "workspace '" + workspace + "' has no run in it; "
                + "submitting a run creates it");
    }

    @Override
    public PagedIterable<Experiment> list(String workspace) {
        return new PagedIterable<>(token -> {
            Map<String, Instant> names = new TreeMap<>();
            for (JsonNode job : runs.jobs(workspace)) {
                Instant created = Json.instant(job, "/systemData/createdAt");
                names.merge(AzureRuns.experimentOf(job), created == null ? Instant.MAX : created,
                        (a, b) -> a.isBefore(b) ? a : b);
            }
            pending.getOrDefault(workspace, Set.of()).forEach(n -> names.putIfAbsent(n, Instant.MAX));
            return new Page<>(names.entrySet().stream()
                    .map(e -> new Experiment(e.getKey(), workspace, e.getValue().equals(Instant.MAX) ? null
                            : e.getValue()))
                    .toList(), null);
        });
    }

    @Override
    public LongRunningOperation<Deletion> beginDelete(String workspace, String name) {
        List<String> ids = new ArrayList<>();
        for (JsonNode job : runs.jobs(workspace)) {
            if (name.equals(AzureRuns.experimentOf(job))) {
                ids.add(Json.text(job, "/name"));
            }
        }
        boolean remembered = forget(workspace, name);
        String description = "delete experiment '" + name + "'";
        if (ids.isEmpty()) {
            return PollingOperation.completed(description, new Deletion("experiment", name, remembered), "");
        }
        return RunDeletion.start(runs, workspace, ids, description + " (" + ids.size() + " runs)",
                new Deletion("experiment", name, true));
    }
}
