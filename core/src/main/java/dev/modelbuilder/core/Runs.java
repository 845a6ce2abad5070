package dev.modelbuilder.core;

import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.operation.TrainingRun;
import dev.modelbuilder.core.model.Run;
import dev.modelbuilder.core.spi.ModelBuilderProvider;
import java.util.Objects;

/** A workspace's runs, by id: re-attach after a restart, look up, cancel. */
public final class Runs {
    private final ModelBuilderProvider provider;
    private final String workspace;
    private final ProgressListener listener;

    Runs(ModelBuilderProvider provider, String workspace, ProgressListener listener) {
        this.provider = provider;
        this.workspace = workspace;
        this.listener = listener;
    }

    /**
     * @param runId a run id, e.g. from {@link TrainingRun#id()} before a restart
     * @return a handle on the run
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    public TrainingRun attach(String runId) {
        return provider.runs().attach(workspace, requireId(runId), listener);
    }

    /**
     * @param runId a run id
     * @param progressListener told about the run from now on
     * @return a handle on the run
     */
    public TrainingRun attach(String runId, ProgressListener progressListener) {
        return provider.runs().attach(workspace, requireId(runId), progressListener);
    }

    /**
     * @param runId a run id
     * @return the run now
     * @throws dev.modelbuilder.core.exception.ResourceNotFoundException when there is no such run
     */
    public Run get(String runId) {
        return provider.runs().get(workspace, requireId(runId));
    }

    /**
     * Asks for a run to be cancelled; does nothing to a run that already ended.
     *
     * @param runId a run id
     */
    public void cancel(String runId) {
        provider.runs().cancel(workspace, requireId(runId));
    }

    private static String requireId(String runId) {
        Objects.requireNonNull(runId, "runId");
        if (!runId.matches("[A-Za-z0-9_.:-]{1,255}")) {
            throw new dev.modelbuilder.core.exception.ValidationException("run id", runId,
                    "use the id the provider gave the run (letters, digits, '_', '-', '.', ':')");
        }
        return runId;
    }
}
