package dev.modelbuilder.local.implementation;

import com.fasterxml.jackson.annotation.JsonInclude;
import dev.modelbuilder.core.model.RunError;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.WorkStep;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/** The JSON documents the local provider keeps on disk. Times are ISO-8601 strings; unknown fields are ignored. */
final class Records {
    private Records() {
    }

    /**
     * {@code <root>/<workspace>/workspace.json}.
     *
     * @param name the workspace name
     * @param region the region given at creation ({@code local} when none)
     * @param resourceGroup the resource group given at creation, or {@code null}
     * @param description free text, or {@code null}
     * @param tags tags
     * @param createdAt ISO-8601 creation time
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record WorkspaceRecord(String name, String region, String resourceGroup, String description,
            Map<String, String> tags, String createdAt) {
    }

    /**
     * {@code <root>/<workspace>/computes/<name>.json}.
     *
     * @param name the compute name
     * @param sizeName the size ({@code local-cpu})
     * @param minNodes minimum nodes as given
     * @param maxNodes maximum nodes as given
     * @param idleSeconds idle time as given
     * @param tier the tier as given
     * @param createdAt ISO-8601 creation time
     */
    public record ComputeRecord(String name, String sizeName, int minNodes, int maxNodes, long idleSeconds,
            String tier, String createdAt) {
    }

    /**
     * {@code <root>/<workspace>/experiments/<name>.json}.
     *
     * @param name the experiment name
     * @param createdAt ISO-8601 creation time
     */
    public record ExperimentRecord(String name, String createdAt) {
    }

    /**
     * The process that owns a queued or running run.
     *
     * @param pid its process id
     * @param processStart ISO-8601 start time of that process (guards against reused process ids), or {@code null}
     * @param providerId the owning provider instance
     */
    public record OwnerRecord(long pid, String processStart, String providerId) {
        /**
         * @param providerId the owning provider instance
         * @return this process as owner
         */
        public static OwnerRecord current(String providerId) {
            ProcessHandle self = ProcessHandle.current();
            return new OwnerRecord(self.pid(), self.info().startInstant().map(Instant::toString).orElse(null),
                    providerId);
        }

        /** @return whether the owning process is still alive */
        public boolean isAlive() {
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive)
                    .filter(p -> processStart == null
                            || p.info().startInstant().map(Instant::toString).map(processStart::equals).orElse(true))
                    .isPresent();
        }
    }

    /**
     * Why a run failed.
     *
     * @param code e.g. {@code Interrupted}
     * @param message what happened
     * @param step the training step's name, or {@code null}
     */
    public record ErrorRecord(String code, String message, String step) {
        /** @return the core error */
        public RunError toRunError() {
            return new RunError(code, message, step == null ? null : WorkStep.valueOf(step));
        }
    }

    /**
     * {@code <root>/<workspace>/runs/<id>/run.json}: everything known about a run.
     *
     * @param id the run id
     * @param experiment the experiment
     * @param workspace the workspace
     * @param status the status's value
     * @param createdAt ISO-8601 submission time
     * @param startedAt ISO-8601 start of training, or {@code null}
     * @param endedAt ISO-8601 end, or {@code null}
     * @param metrics latest value of each metric (the best epoch's once training ended)
     * @param history each validated epoch's metrics, in order
     * @param error the failure, or {@code null}
     * @param owner the process training it while it is not terminal, or {@code null}
     * @param labels labels in class-index order
     * @param dataFolder the dataset folder
     * @param settings the resolved training settings, for the record
     * @param checkpoint whether {@code outputs/} holds a model (also true for a cancelled run with a checkpoint)
     */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RunRecord(String id, String experiment, String workspace, String status, String createdAt,
            String startedAt, String endedAt, Map<String, Double> metrics, List<Map<String, Double>> history,
            ErrorRecord error, OwnerRecord owner, List<String> labels, String dataFolder,
            Map<String, Object> settings, boolean checkpoint) {

        /** Copies the collections. */
        public RunRecord {
            Objects.requireNonNull(id, "id");
            metrics = metrics == null ? Map.of() : new LinkedHashMap<>(metrics);
            history = history == null ? List.of() : List.copyOf(history);
            labels = labels == null ? List.of() : List.copyOf(labels);
            settings = settings == null ? Map.of() : new LinkedHashMap<>(settings);
        }

        /** @return the status */
        public RunStatus runStatus() {
            return RunStatus.fromString(status);
        }

        /**
         * @param newStatus the status
         * @return a copy with it
         */
        public RunRecord withStatus(RunStatus newStatus) {
            return new RunRecord(id, experiment, workspace, newStatus.value(), createdAt, startedAt, endedAt, metrics,
                    history, error, owner, labels, dataFolder, settings, checkpoint);
        }

        /**
         * @param time ISO-8601 start time
         * @return a copy started then
         */
        public RunRecord withStartedAt(String time) {
            return new RunRecord(id, experiment, workspace, status, createdAt, time, endedAt, metrics, history, error,
                    owner, labels, dataFolder, settings, checkpoint);
        }

        /**
         * @param newMetrics latest metrics
         * @param epoch this epoch's metrics to append, or {@code null}
         * @return a copy with them
         */
        public RunRecord withMetrics(Map<String, Double> newMetrics, Map<String, Double> epoch) {
            List<Map<String, Double>> h = new ArrayList<>(history);
            if (epoch != null) {
                h.add(epoch);
            }
            return new RunRecord(id, experiment, workspace, status, createdAt, startedAt, endedAt, newMetrics, h,
                    error, owner, labels, dataFolder, settings, checkpoint);
        }

        /**
         * @param key a settings entry, e.g. {@code backbone}
         * @param value its value (JSON-serializable)
         * @return a copy with it set in {@link #settings()}
         */
        public RunRecord withSetting(String key, Object value) {
            Map<String, Object> s = new LinkedHashMap<>(settings);
            s.put(key, value);
            return new RunRecord(id, experiment, workspace, status, createdAt, startedAt, endedAt, metrics, history,
                    error, owner, labels, dataFolder, s, checkpoint);
        }

        /**
         * @param finalStatus a terminal status
         * @param time ISO-8601 end time
         * @param failure the failure, or {@code null}
         * @param hasCheckpoint whether outputs/ holds a model
         * @return a copy that ended, without owner
         */
        public RunRecord ended(RunStatus finalStatus, String time, ErrorRecord failure, boolean hasCheckpoint) {
            return new RunRecord(id, experiment, workspace, finalStatus.value(), createdAt, startedAt, time, metrics,
                    history, failure, null, labels, dataFolder, settings, hasCheckpoint);
        }
    }
}
