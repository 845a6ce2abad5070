package dev.modelbuilder.local.implementation;

import dev.modelbuilder.core.support.AtomicFiles;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import dev.modelbuilder.core.exception.FileAccessException;
import dev.modelbuilder.core.exception.ResourceNotFoundException;
import dev.modelbuilder.local.implementation.Records.ComputeRecord;
import dev.modelbuilder.local.implementation.Records.ExperimentRecord;
import dev.modelbuilder.local.implementation.Records.RunRecord;
import dev.modelbuilder.local.implementation.Records.WorkspaceRecord;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * The local provider's files under its root folder:
 * <pre>
 * &lt;root&gt;/&lt;workspace&gt;/workspace.json
 * &lt;root&gt;/&lt;workspace&gt;/computes/&lt;compute&gt;.json
 * &lt;root&gt;/&lt;workspace&gt;/experiments/&lt;experiment&gt;.json
 * &lt;root&gt;/&lt;workspace&gt;/runs/&lt;run id&gt;/run.json
 * &lt;root&gt;/&lt;workspace&gt;/runs/&lt;run id&gt;/outputs/{bestModel.onnx, bestModelMap.json, MLModel.zip, ...}
 * &lt;root&gt;/&lt;workspace&gt;/runs/&lt;run id&gt;/features/       (transfer learning: the backbone's features)
 * &lt;root&gt;/&lt;workspace&gt;/runs/&lt;run id&gt;/cancel-requested      (asks another process to cancel)
 * </pre>
 * Every JSON document is written with {@link AtomicFiles} (temporary file, fsync, atomic rename). Names were
 * validated by the core before they reach this class; run ids are checked here against the form this provider
 * issues, so that no id can name a path outside the root. Thread-safe (file-level atomicity).
 */
final class LocalStore {
    /** The form of the run ids this provider issues. */
    public static final Pattern RUN_ID = Pattern.compile("run-[0-9]{8}-[0-9]{6}-[0-9a-f]{8}");
    private static final String OUTPUTS = "outputs";

    private final Path root;
    private final AtomicFiles files;
    private final ObjectMapper json;

    /**
     * @param root the root folder (created when needed)
     * @param files how metadata is written
     */
    public LocalStore(Path root, AtomicFiles files) {
        this.root = Objects.requireNonNull(root, "root").toAbsolutePath().normalize();
        this.files = Objects.requireNonNull(files, "files");
        this.json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT)
                .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES);
    }

    /** @return the root folder */
    public Path root() {
        return root;
    }

    // ---- workspaces

    /**
     * @param name a workspace name
     * @return its folder
     */
    public Path workspaceDir(String name) {
        return root.resolve(name);
    }

    /**
     * @param name a workspace name
     * @return its record, if it exists
     */
    public Optional<WorkspaceRecord> findWorkspace(String name) {
        return read(workspaceDir(name).resolve("workspace.json"), WorkspaceRecord.class);
    }

    /**
     * @param name a workspace name
     * @return its record
     * @throws ResourceNotFoundException when it does not exist
     */
    public WorkspaceRecord requireWorkspace(String name) {
        return findWorkspace(name).orElseThrow(() -> new ResourceNotFoundException("workspace", name,
                "create it first with workspaces().define(\"" + name + "\").create() (local root " + root + ")"));
    }

    /** @param record the workspace to write */
    public void writeWorkspace(WorkspaceRecord record) {
        write(workspaceDir(record.name()).resolve("workspace.json"), record);
    }

    /** @return every workspace, by name */
    public List<WorkspaceRecord> listWorkspaces() {
        List<WorkspaceRecord> out = new ArrayList<>();
        for (Path dir : children(root)) {
            read(dir.resolve("workspace.json"), WorkspaceRecord.class).ifPresent(out::add);
        }
        out.sort(Comparator.comparing(WorkspaceRecord::name));
        return out;
    }

    /**
     * @param name the workspace
     * @return whether it existed
     */
    public boolean deleteWorkspace(String name) {
        Path dir = workspaceDir(name);
        boolean existed = Files.exists(dir.resolve("workspace.json"));
        try {
            // the marker goes first, so that a half-deleted folder no longer counts as a workspace
            Files.deleteIfExists(dir.resolve("workspace.json"));
            AtomicFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new FileAccessException(dir, "cannot delete workspace folder " + dir + ": " + e.getMessage(), e);
        }
        return existed;
    }

    // ---- computes

    /**
     * @param workspace the workspace
     * @param name the compute
     * @return its record, if it exists
     */
    public Optional<ComputeRecord> findCompute(String workspace, String name) {
        return read(workspaceDir(workspace).resolve("computes").resolve(name + ".json"), ComputeRecord.class);
    }

    /**
     * @param workspace the workspace
     * @param record the compute
     */
    public void writeCompute(String workspace, ComputeRecord record) {
        write(workspaceDir(workspace).resolve("computes").resolve(record.name() + ".json"), record);
    }

    /**
     * @param workspace the workspace
     * @return its computes, by name
     */
    public List<ComputeRecord> listComputes(String workspace) {
        return listJson(workspaceDir(workspace).resolve("computes"), ComputeRecord.class).stream()
                .sorted(Comparator.comparing(ComputeRecord::name)).toList();
    }

    /**
     * @param workspace the workspace
     * @param name the compute
     * @return whether it existed
     */
    public boolean deleteCompute(String workspace, String name) {
        return deleteFile(workspaceDir(workspace).resolve("computes").resolve(name + ".json"));
    }

    // ---- experiments

    /**
     * @param workspace the workspace
     * @param name the experiment
     * @return its record, if it exists
     */
    public Optional<ExperimentRecord> findExperiment(String workspace, String name) {
        return read(workspaceDir(workspace).resolve("experiments").resolve(name + ".json"), ExperimentRecord.class);
    }

    /**
     * @param workspace the workspace
     * @param record the experiment
     */
    public void writeExperiment(String workspace, ExperimentRecord record) {
        write(workspaceDir(workspace).resolve("experiments").resolve(record.name() + ".json"), record);
    }

    /**
     * @param workspace the workspace
     * @return its experiments, by name
     */
    public List<ExperimentRecord> listExperiments(String workspace) {
        return listJson(workspaceDir(workspace).resolve("experiments"), ExperimentRecord.class).stream()
                .sorted(Comparator.comparing(ExperimentRecord::name)).toList();
    }

    /**
     * @param workspace the workspace
     * @param name the experiment
     * @return whether it existed
     */
    public boolean deleteExperiment(String workspace, String name) {
        return deleteFile(workspaceDir(workspace).resolve("experiments").resolve(name + ".json"));
    }

    // ---- runs

    /**
     * @param workspace the workspace
     * @param runId a run id of this provider's form
     * @return the run's folder
     * @throws ResourceNotFoundException for an id this provider cannot have issued
     */
    public Path runDir(String workspace, String runId) {
        if (runId == null || !RUN_ID.matcher(runId).matches()) {
            throw new ResourceNotFoundException("run", runId, "in workspace " + workspace
                    + ": local run ids look like run-20250101-120000-0123abcd");
        }
        return workspaceDir(workspace).resolve("runs").resolve(runId);
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the run's artifact folder
     */
    public Path outputsDir(String workspace, String runId) {
        return runDir(workspace, runId).resolve(OUTPUTS);
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the marker another process writes to ask for cancellation
     */
    public Path cancelMarker(String workspace, String runId) {
        return runDir(workspace, runId).resolve("cancel-requested");
    }

    /**
     * @param workspace the workspace
     * @param runId the run id
     * @return the record as stored, if it exists
     */
    public Optional<RunRecord> findRun(String workspace, String runId) {
        return read(runDir(workspace, runId).resolve("run.json"), RunRecord.class);
    }

    /** @param record the run to write */
    public void writeRun(RunRecord record) {
        write(runDir(record.workspace(), record.id()).resolve("run.json"), record);
    }

    /**
     * @param workspace the workspace
     * @return every run of the workspace, as stored
     */
    public List<RunRecord> listRuns(String workspace) {
        List<RunRecord> out = new ArrayList<>();
        for (Path dir : children(workspaceDir(workspace).resolve("runs"))) {
            if (RUN_ID.matcher(dir.getFileName().toString()).matches()) {
                read(dir.resolve("run.json"), RunRecord.class).ifPresent(out::add);
            }
        }
        return out;
    }

    /**
     * Deletes a run's folder: its record first, so that a half-deleted folder no longer counts as a run.
     *
     * @param workspace the workspace
     * @param runId a run id of this provider's form
     * @return whether it existed
     */
    public boolean deleteRun(String workspace, String runId) {
        Path dir = runDir(workspace, runId);
        boolean existed = deleteFile(dir.resolve("run.json"));
        try {
            AtomicFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new FileAccessException(dir, "cannot delete run folder " + dir + ": " + e.getMessage(), e);
        }
        return existed;
    }

    // ---- plumbing

    private static boolean deleteFile(Path file) {
        try {
            return Files.deleteIfExists(file);
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot delete " + file + ": " + e.getMessage(), e);
        }
    }

    private <T> Optional<T> read(Path file, Class<T> type) {
        try {
            return Optional.of(json.readValue(Files.readAllBytes(file), type));
        } catch (NoSuchFileException e) {
            return Optional.empty();
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot read " + file + ": " + e.getMessage()
                    + " (the file is not a record this provider wrote; move it away to continue)", e);
        }
    }

    private void write(Path file, Object record) {
        try {
            files.write(file, json.writeValueAsBytes(record));
        } catch (IOException e) {
            throw new FileAccessException(file, "cannot write " + file + ": " + e.getMessage(), e);
        }
    }

    private <T> List<T> listJson(Path dir, Class<T> type) {
        List<T> out = new ArrayList<>();
        for (Path f : children(dir)) {
            String n = f.getFileName().toString();
            if (n.endsWith(".json") && !n.startsWith(".")) {
                read(f, type).ifPresent(out::add);
            }
        }
        return out;
    }

    private static List<Path> children(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> s = Files.list(dir)) {
            return s.sorted().toList();
        } catch (IOException e) {
            throw new FileAccessException(dir, "cannot list " + dir + ": " + e.getMessage(), e);
        }
    }
}
