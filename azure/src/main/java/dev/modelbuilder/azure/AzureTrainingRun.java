package dev.modelbuilder.azure;

import com.fasterxml.jackson.databind.JsonNode;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.model.RunError;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.model.TrainedModel;
import dev.modelbuilder.core.model.WorkStep;
import dev.modelbuilder.core.spi.PollingTrainingRun;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle on an Azure Machine Learning job. Each poll is a {@code GET {WS}/jobs/{name}} (Azure runs are not ARM
 * long-running operations: the job status is polled, every 15 s by default, within the read budget ARM allows);
 * while the job runs and when it ends, its metrics are read from MLflow. Status changes, step changes and new metric
 * values go to the listener (status changes through {@link PollingTrainingRun}, after the step and metric events of
 * the same poll). While several trials run, the metrics are the best trial's so far (by accuracy, the primary metric),
 * over the parent's; once the job completed, those of the trial AutoML tagged best. A failed run carries the service's error code and message, taken from the failed
 * trial when the parent only says that a trial failed.
 */
final class AzureTrainingRun extends PollingTrainingRun {
    private static final Logger LOG = LoggerFactory.getLogger(AzureTrainingRun.class);
    private static final Set<RunStatus> WAITING = Set.of(RunStatus.NOT_STARTED, RunStatus.STARTING,
            RunStatus.PROVISIONING, RunStatus.PREPARING, RunStatus.QUEUED);

    private final AzureRuns runs;
    private final String workspace;
    private final String id;
    private final ProgressListener listener;
    private final Map<String, Double> metrics = new LinkedHashMap<>();
    private volatile JsonNode job;
    private boolean trainStarted;
    private boolean metricsWarned;
    private String bestTrialId;
    private volatile java.time.Instant startedAt;
    private volatile java.time.Instant endedAt;

    AzureTrainingRun(AzureRuns runs, String workspace, JsonNode job, ProgressListener listener, boolean submitted) {
        super(Json.text(job, "/name"), runs.toRun(workspace, job, Map.of(), null), listener,
                runs.settings.runPollInterval(), runs.settings.clock(), runs.settings.sleeper());
        this.runs = runs;
        this.workspace = workspace;
        this.id = Json.text(job, "/name");
        this.listener = listener;
        this.job = job;
        RunStatus status = RunStatus.fromString(Json.text(job, "/properties/status"));
        this.trainStarted = !submitted && !WAITING.contains(status);
        if (status.isTerminal()) {
            updateSnapshot(observe(job, status));
        }
    }

    @Override
    protected Run pollRun() {
        JsonNode current = runs.getJobJson(workspace, id);
        RunStatus now = RunStatus.fromString(Json.text(current, "/properties/status"));
        job = current;
        RunStatus before = snapshot().status();
        if (!now.equals(before)) {
            LOG.info("run {}: {} -> {}", id, before, now);
        }
        return observe(current, now);
    }

    /** Emits step and metric events for the status now, and builds the snapshot. */
    private Run observe(JsonNode current, RunStatus now) {
        boolean running = now.equals(RunStatus.RUNNING) || now.equals(RunStatus.FINALIZING);
        if ((running || now.equals(RunStatus.COMPLETED)) && !trainStarted) {
            trainStarted = true;
            ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.QUEUE, Duration.ZERO));
            ProgressListener.emit(listener, new ProgressEvent.StepStarted(WorkStep.TRAIN));
        }
        if (running || now.equals(RunStatus.COMPLETED)) {
            readMetrics(current, now.equals(RunStatus.COMPLETED));
        }
        RunError error = null;
        WorkStep step = trainStarted ? WorkStep.TRAIN : WorkStep.QUEUE;
        if (now.equals(RunStatus.COMPLETED)) {
            ProgressListener.emit(listener, new ProgressEvent.StepCompleted(WorkStep.TRAIN, Duration.ZERO));
        } else if (now.equals(RunStatus.FAILED)) {
            error = runs.failure(workspace, current, step);
            ProgressListener.emit(listener, new ProgressEvent.StepFailed(step, error.describe()));
        } else if (now.equals(RunStatus.CANCELED)) {
            ProgressListener.emit(listener, new ProgressEvent.StepFailed(step, "the run was cancelled"));
        }
        Map<String, Double> m;
        synchronized (metrics) {
            m = Map.copyOf(metrics);
        }
        return runs.toRun(workspace, current, m, error, startedAt, endedAt);
    }

    private void readMetrics(JsonNode current, boolean fromBestTrial) {
        try {
            String base = runs.trackingBase(workspace, current);
            if (base == null) {
                return;
            }
            JsonNode parent = runs.dataPlane.mlflowRun(base, id);
            if (parent == null) {
                return;
            }
            long start = parent.at("/info/start_time").asLong(0);
            long end = parent.at("/info/end_time").asLong(0);
            startedAt = start > 0 ? java.time.Instant.ofEpochMilli(start) : startedAt;
            endedAt = end > 0 ? java.time.Instant.ofEpochMilli(end) : endedAt;
            Map<String, Double> found = new LinkedHashMap<>(DataPlane.metrics(parent));
            String best = fromBestTrial ? DataPlane.tag(parent, ModelDownloader.BEST_CHILD_TAG) : null;
            if (best != null) {
                JsonNode bestRun = runs.dataPlane.mlflowRun(base, best);
                if (bestRun != null) {
                    found.putAll(DataPlane.metrics(bestRun));
                }
            } else if (Json.integer(current, "/properties/taskDetails/limitSettings/maxTrials", 1) > 1) {
                JsonNode bestSoFar = bestTrialSoFar(base, parent);
                if (bestSoFar != null) {
                    found.putAll(DataPlane.metrics(bestSoFar));
                }
            }
            synchronized (metrics) {
                found.forEach((k, v) -> {
                    Double old = metrics.put(k, v);
                    if (old == null || !old.equals(v)) {
                        ProgressListener.emit(listener, new ProgressEvent.MetricLogged(id, k, 0, v));
                    }
                });
            }
        } catch (ModelBuilderException e) {
            if (!metricsWarned) {
                metricsWarned = true;
                LOG.warn("cannot read the metrics of run {} from MLflow: {}", id, e.getMessage());
            }
        }
    }

    /**
     * While several trials run, the parent run logs little; the trials are the children of the HyperDrive run
     * {@code <job>_HD}. The best so far is the trial, finished or still running, with the highest accuracy (the
     * job's primary metric) logged yet.
     *
     * @return the best trial's MLflow run, or {@code null} when no trial has logged an accuracy yet
     */
    private JsonNode bestTrialSoFar(String base, JsonNode parent) {
        String experimentId = Json.text(parent, "/info/experiment_id");
        if (experimentId == null) {
            return null;
        }
        JsonNode best = null;
        double bestAccuracy = Double.NEGATIVE_INFINITY;
        for (JsonNode trial : runs.dataPlane.mlflowChildren(base, experimentId, id + ModelDownloader.SWEEP_SUFFIX)) {
            String status = Json.text(trial, "/info/status");
            Double accuracy = DataPlane.metrics(trial).get("accuracy");
            if (accuracy == null || "FAILED".equalsIgnoreCase(status) || "KILLED".equalsIgnoreCase(status)) {
                continue;
            }
            if (accuracy > bestAccuracy) {
                best = trial;
                bestAccuracy = accuracy;
            }
        }
        String trialId = best == null ? null : Json.text(best, "/info/run_id");
        if (trialId != null && !trialId.equals(bestTrialId)) {
            bestTrialId = trialId;
            LOG.info("run {}: best trial so far is {} (accuracy {})", id, trialId, bestAccuracy);
        }
        return best;
    }

    @Override
    protected void requestCancel() {
        runs.cancel(workspace, id);
    }

    @Override
    protected TrainedModel download(Run run, Path directory) {
        TrainedModel model = runs.downloader.download(workspace, job, runs.trackingBase(workspace, job), directory,
                listener);
        Map<String, Double> m = model.metrics().isEmpty() ? run.metrics() : model.metrics();
        return new TrainedModel(model.directory(), model.onnxModel(), model.labelMap(), model.pipeline(),
                model.labels(), id, m);
    }
}
