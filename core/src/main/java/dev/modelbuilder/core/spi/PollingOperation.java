package dev.modelbuilder.core.spi;

import dev.modelbuilder.core.support.Sleeper;

import dev.modelbuilder.core.operation.LongRunningOperation;
import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.ProgressEvent;
import dev.modelbuilder.core.operation.ProgressListener;
import dev.modelbuilder.core.exception.InvalidStateException;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.OperationNotSupportedException;
import dev.modelbuilder.core.exception.OperationTimeoutException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The waiting logic of a {@link LongRunningOperation}, shared by providers: a provider says how to poll once
 * (and how to fetch the final result); this class waits between polls, honours the service's requested
 * interval, reports status changes, and enforces timeouts. Thread-safe.
 *
 * <p>By default the first status and each change are reported as {@link ProgressEvent.OperationStatusChanged}; a
 * subclass whose operations are better described by another event (a training run's
 * {@link ProgressEvent.RunStatusChanged}) overrides {@link #statusEvent}, and one whose status changes are already
 * reported elsewhere turns reporting off in the constructor.
 *
 * @param <T> the final result
 */
public abstract class PollingOperation<T> implements LongRunningOperation<T> {
    private static final Logger LOG = LoggerFactory.getLogger(PollingOperation.class);

    /**
     * What one poll found.
     *
     * @param status the status
     * @param value the result when known at this poll, or {@code null}
     * @param retryAfter the interval the service asked for, or {@code null}
     * @param error what the service said when the status is failed, or {@code null}
     * @param <T> the result type
     */
    public record PollResponse<T>(OperationStatus status, T value, Duration retryAfter, ServiceErrorDetails error) {
        /** Checks the status. */
        public PollResponse {
            Objects.requireNonNull(status, "status");
        }

        /**
         * @param value the result
         * @param <T> the result type
         * @return a succeeded response
         */
        public static <T> PollResponse<T> succeeded(T value) {
            return new PollResponse<>(OperationStatus.SUCCEEDED, value, null, null);
        }

        /**
         * @param retryAfter the interval to wait, or {@code null}
         * @param <T> the result type
         * @return an in-progress response
         */
        public static <T> PollResponse<T> inProgress(Duration retryAfter) {
            return new PollResponse<>(OperationStatus.IN_PROGRESS, null, retryAfter, null);
        }
    }

    private final String description;
    private final ProgressListener listener;
    private final boolean reportStatus;
    private final Duration defaultInterval;
    private final Clock clock;
    private final Sleeper sleeper;
    private volatile PollResponse<T> last;
    private volatile T result;

    /**
     * @param description what the operation does, e.g. {@code create compute 'gpu'}
     * @param first what is known at submission (e.g. from the first response)
     * @param listener told of status changes
     * @param defaultInterval the poll interval when the service asks for none
     * @param clock the clock for timeouts
     * @param sleeper the waiting seam
     */
    protected PollingOperation(String description, PollResponse<T> first, ProgressListener listener,
            Duration defaultInterval, Clock clock, Sleeper sleeper) {
        this(description, first, listener, defaultInterval, clock, sleeper, true);
    }

    /**
     * @param description what the operation does, e.g. {@code create compute 'gpu'}
     * @param first what is known at submission (e.g. from the first response); reported at once
     * @param listener told of status changes
     * @param defaultInterval the poll interval when the service asks for none
     * @param clock the clock for timeouts
     * @param sleeper the waiting seam
     * @param reportStatus whether to tell the listener of the first status and of each change ({@link #statusEvent});
     *     {@code false} when whatever performs the operation already does
     */
    protected PollingOperation(String description, PollResponse<T> first, ProgressListener listener,
            Duration defaultInterval, Clock clock, Sleeper sleeper, boolean reportStatus) {
        this.description = Objects.requireNonNull(description, "description");
        this.reportStatus = reportStatus;
        this.last = Objects.requireNonNull(first, "first");
        this.listener = listener == null ? ProgressListener.none() : listener;
        this.defaultInterval = Objects.requireNonNull(defaultInterval, "defaultInterval");
        this.clock = Objects.requireNonNull(clock, "clock");
        this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
        if (first.status().isSuccess() && first.value() != null) {
            this.result = first.value();
        }
        report(null, first);
    }

    private void report(PollResponse<T> previous, PollResponse<T> current) {
        ProgressEvent event = reportStatus ? statusEvent(previous, current) : null;
        if (event != null) {
            ProgressListener.emit(listener, event);
        }
    }

    /**
     * Says what to tell the listener about a poll. Called from the constructor for the first status, so an override
     * must use only its arguments and {@link #description()}, not fields of its own class.
     *
     * @param previous what the poll before found, or {@code null} for what was known at submission
     * @param current what this poll found
     * @return the event to report, or {@code null} for none; by default an
     *     {@link ProgressEvent.OperationStatusChanged} for the first status and for each change
     */
    protected ProgressEvent statusEvent(PollResponse<T> previous, PollResponse<T> current) {
        return previous != null && previous.status().equals(current.status()) ? null
                : new ProgressEvent.OperationStatusChanged(description, current.status());
    }

    /**
     * Asks the provider once.
     *
     * @return what the poll found
     */
    protected abstract PollResponse<T> pollOnce();

    /**
     * Fetches the final result after a successful end, when the last poll did not carry it. The default returns
     * the last poll's value.
     *
     * @param lastResponse the successful poll
     * @return the result
     */
    protected T fetchResult(PollResponse<T> lastResponse) {
        return lastResponse.value();
    }

    /** @return what the operation does */
    public final String description() {
        return description;
    }

    @Override
    public final synchronized OperationStatus poll() {
        if (last.status().isTerminal()) {
            return last.status();
        }
        PollResponse<T> previous = last;
        last = pollOnce();
        LOG.debug("{}: {}", description, last.status());
        report(previous, last);
        return last.status();
    }

    @Override
    public final OperationStatus status() {
        return last.status();
    }

    @Override
    public T waitForCompletion(Duration timeout) {
        Objects.requireNonNull(timeout, "timeout");
        Instant deadline = clock.instant().plus(timeout);
        while (!last.status().isTerminal()) {
            Duration wait = last.retryAfter() != null ? last.retryAfter() : defaultInterval;
            Duration remaining = Duration.between(clock.instant(), deadline);
            if (remaining.isNegative() || remaining.isZero()) {
                throw new OperationTimeoutException(description, timeout);
            }
            try {
                sleeper.sleep(wait.compareTo(remaining) < 0 ? wait : remaining);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ModelBuilderException("interrupted while waiting for " + description
                        + "; it goes on: " + resumeHint(), e);
            }
            poll();
        }
        return finalResult();
    }

    /**
     * Says how to get back to the operation after a wait was interrupted; it goes on regardless.
     *
     * @return e.g. {@code resume it with token ...}
     */
    protected String resumeHint() {
        return "resume it with token " + resumeToken();
    }

    @Override
    public synchronized T finalResult() {
        PollResponse<T> response = last;
        if (!response.status().isTerminal()) {
            throw new InvalidStateException(description + " has not finished (status " + response.status()
                    + "): wait for it with waitForCompletion(timeout)");
        }
        if (!response.status().isSuccess()) {
            throw new RemoteOperationException(description + " ended as " + response.status(), response.error());
        }
        if (result == null) {
            result = fetchResult(response);
        }
        return result;
    }

    @Override
    public void cancel() {
        throw new OperationNotSupportedException(description + " cannot be cancelled: the service offers no way to "
                + "stop it; it ends on its own");
    }

    /**
     * @param description what the operation did
     * @param value its result
     * @param token the resume token
     * @param <T> the result type
     * @return an operation that has already succeeded
     */
    public static <T> LongRunningOperation<T> completed(String description, T value, String token) {
        return new PollingOperation<T>(description, PollResponse.succeeded(value), ProgressListener.none(),
                Duration.ofSeconds(1), Clock.systemUTC(), Sleeper.system()) {
            @Override
            protected PollResponse<T> pollOnce() {
                return PollResponse.succeeded(value);
            }

            @Override
            public String resumeToken() {
                return token;
            }
        };
    }
}
