package dev.modelbuilder.azure;

import com.azure.core.http.HttpHeaderName;
import com.azure.core.http.HttpMethod;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.model.Deletion;
import dev.modelbuilder.core.model.RunStatus;
import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.spi.PollingOperation;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deletes jobs of a workspace: one run, or every run of an experiment. Each job goes through up to three steps:
 *
 * <ol>
 *   <li>a job that is still going is cancelled first ({@code POST {WS}/jobs/{id}/cancel}), and its status polled
 *       ({@code GET {WS}/jobs/{id}}) until it ended;</li>
 *   <li>{@code DELETE {WS}/jobs/{id}} (REST description: {@code Jobs_Delete}, api-version 2024-04-01, a long-running
 *       operation with {@code final-state-via: location}), answered 200 or 204 when done at once, or 202 with
 *       {@code Location} and {@code Retry-After};</li>
 *   <li>the {@code Location} URL is polled: 202 while the deletion goes on, 200 or 204 when it is done (the Resource
 *       Manager's asynchronous-operation contract). The description's example names the job's own URL as
 *       {@code Location}; there, 200 means the job is still there and 404 that it is gone. Without a {@code Location}
 *       the job itself is polled until it is gone.</li>
 * </ol>
 *
 * <p>The operation succeeds when every job is gone, and fails with the service's error as soon as one deletion fails.
 */
final class RunDeletion extends PollingOperation<Deletion> {
    private static final Logger LOG = LoggerFactory.getLogger(RunDeletion.class);

    private final ArmClient arm;
    private final List<JobState> jobs;
    private final Deletion result;

    private RunDeletion(ArmClient arm, String description, PollResponse<Deletion> first, List<JobState> jobs,
            Deletion result, ProviderParameters settings) {
        super(description, first, ProgressListener.none(), settings.pollInterval(), settings.clock(),
                settings.sleeper());
        this.arm = arm;
        this.jobs = jobs;
        this.result = result;
    }

    /** Where one job's deletion stands. Touched only under the operation's lock (or before it exists). */
    private static final class JobState {
        final String id;
        final String jobUrl;
        boolean cancelRequested;
        boolean deleteSent;
        boolean done;
        String location;

        JobState(String id, String jobUrl) {
            this.id = id;
            this.jobUrl = jobUrl;
        }
    }

    /**
     * Starts deleting jobs that were seen to exist: asks the running ones to cancel, sends DELETE for the others.
     *
     * @param runs the run operations (client, settings, URLs)
     * @param workspace the workspace
     * @param ids the jobs
     * @param description what is deleted, e.g. {@code delete experiment 'flowers'}
     * @param result the result once every job is gone
     * @return the operation
     */
    static RunDeletion start(AzureRuns runs, String workspace, List<String> ids, String description,
            Deletion result) {
        List<JobState> states = new ArrayList<>();
        for (String id : ids) {
            states.add(new JobState(id, runs.jobUrl(workspace, id)));
        }
        PollResponse<Deletion> first = advance(runs.arm, states, result);
        return new RunDeletion(runs.arm, description, first, states, result, runs.settings);
    }

    @Override
    protected PollResponse<Deletion> pollOnce() {
        return advance(arm, jobs, result);
    }

    /** A deletion has nothing to resume: asking again starts from where the jobs are. */
    @Override
    public String resumeToken() {
        return "";
    }

    /** Moves each unfinished job one step on. */
    private static PollResponse<Deletion> advance(ArmClient arm, List<JobState> states, Deletion result) {
        Duration wait = null;
        for (JobState job : states) {
            if (job.done) {
                continue;
            }
            PollResponse<Deletion> step = step(arm, job);
            if (step.status().equals(OperationStatus.FAILED)) {
                return step;
            }
            if (step.retryAfter() != null && (wait == null || step.retryAfter().compareTo(wait) < 0)) {
                wait = step.retryAfter();
            }
        }
        return states.stream().allMatch(j -> j.done) ? PollResponse.succeeded(result)
                : PollResponse.inProgress(wait);
    }

    /** One step of one job: look at it (cancelling it when it still runs), delete it, or follow the deletion. */
    private static PollResponse<Deletion> step(ArmClient arm, JobState job) {
        if (!job.deleteSent) {
            ArmResponse current = arm.send(HttpMethod.GET, job.jobUrl, null);
            if (current.status() == 404) {
                job.done = true;
                return PollResponse.inProgress(null);
            }
            ArmClient.check(current, "get run " + job.id, "run", job.id);
            RunStatus status = RunStatus.fromString(Json.text(current.json(), "/properties/status"));
            if (!status.isTerminal()) {
                if (!job.cancelRequested) {
                    ArmResponse r = arm.send(HttpMethod.POST, cancelUrl(job.jobUrl), null);
                    ArmClient.check(r, "cancel run " + job.id + " before deleting it", "run", job.id);
                    job.cancelRequested = true;
                    LOG.info("asked to cancel run {} before deleting it", job.id);
                }
                return PollResponse.inProgress(null);
            }
            ArmResponse r = arm.send(HttpMethod.DELETE, job.jobUrl, null);
            job.deleteSent = true;
            if (r.status() == 404 || r.status() == 200 || r.status() == 204) {
                job.done = true;
                LOG.info("deleted run {}", job.id);
                return PollResponse.inProgress(null);
            }
            ArmClient.check(r, "delete run " + job.id, "run", job.id);
            // 202 Accepted: follow Location; without one, the job itself until it is gone
            job.location = r.header(HttpHeaderName.LOCATION);
            return PollResponse.inProgress(r.retryAfter());
        }
        boolean followJob = job.location == null || samePath(job.location, job.jobUrl);
        ArmResponse r = followJob ? arm.send(HttpMethod.GET, job.jobUrl, null) : arm.follow(job.location);
        if (r.status() == 202 || (followJob && r.status() == 200)) {
            return PollResponse.inProgress(r.retryAfter());
        }
        if (r.isSuccess() || (followJob && r.status() == 404)) {
            job.done = true;
            LOG.info("deleted run {}", job.id);
            return PollResponse.inProgress(null);
        }
        if (r.status() == 401 || r.status() == 403 || r.status() == 429) {
            ArmClient.check(r, "delete run " + job.id, "run", job.id);
        }
        ServiceErrorDetails error = ArmErrors.details(r);
        return new PollResponse<>(OperationStatus.FAILED, null, null, error);
    }

    private static String cancelUrl(String jobUrl) {
        int query = jobUrl.indexOf('?');
        return jobUrl.substring(0, query) + "/cancel" + jobUrl.substring(query);
    }

    private static boolean samePath(String a, String b) {
        try {
            return URI.create(a).getRawPath().equalsIgnoreCase(URI.create(b).getRawPath());
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
