package dev.modelbuilder.core;

import dev.modelbuilder.core.exception.InvalidStateException;

import dev.modelbuilder.core.operation.OperationStatus;
import dev.modelbuilder.core.operation.PagedIterable;
import dev.modelbuilder.core.operation.Page;
import dev.modelbuilder.core.operation.ProgressEvent;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.OperationTimeoutException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ServiceErrorDetails;
import dev.modelbuilder.core.spi.PollingOperation;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PollingAndPagingTest {

    /** A clock that moves only when the fake sleeper sleeps. */
    static final class FakeTime extends Clock {
        Instant now = Instant.parse("2026-01-01T00:00:00Z");
        final List<Duration> sleeps = new ArrayList<>();

        void sleep(Duration d) {
            sleeps.add(d);
            now = now.plus(d);
        }

        @Override
        public Instant instant() {
            return now;
        }

        @Override
        public java.time.ZoneId getZone() {
            return ZoneOffset.UTC;
        }

        @Override
        public Clock withZone(java.time.ZoneId zone) {
            return this;
        }
    }

    static PollingOperation<String> scripted(FakeTime time, Deque<PollingOperation.PollResponse<String>> script,
            List<ProgressEvent> events) {
        return new PollingOperation<>("create thing", PollingOperation.PollResponse.inProgress(null),
                events::add, Duration.ofSeconds(5), time, time::sleep) {
            @Override
            protected PollResponse<String> pollOnce() {
                return script.removeFirst();
            }

            @Override
            public String resumeToken() {
                return "token-1";
            }
        };
    }

    @Test
    void waitsHonouringRetryAfterThenReturnsTheResult() {
        FakeTime time = new FakeTime();
        Deque<PollingOperation.PollResponse<String>> script = new ArrayDeque<>(List.of(
                PollingOperation.PollResponse.inProgress(Duration.ofSeconds(30)),
                PollingOperation.PollResponse.inProgress(null),
                PollingOperation.PollResponse.succeeded("done")));
        List<ProgressEvent> events = new ArrayList<>();
        PollingOperation<String> op = scripted(time, script, events);

        assertThat(op.waitForCompletion(Duration.ofMinutes(5))).isEqualTo("done");
        // default 5 s, then the 30 s the service asked for, then the default again
        assertThat(time.sleeps).containsExactly(Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(5));
        assertThat(events).extracting(e -> ((ProgressEvent.OperationStatusChanged) e).status())
                .containsExactly(OperationStatus.IN_PROGRESS, OperationStatus.SUCCEEDED);
        assertThat(op.finalResult()).isEqualTo("done");
    }

    @Test
    void timesOutWithoutOverSleeping() {
        FakeTime time = new FakeTime();
        Deque<PollingOperation.PollResponse<String>> script = new ArrayDeque<>();
        for (int i = 0; i < 100; i++) {
            script.add(PollingOperation.PollResponse.inProgress(Duration.ofSeconds(60)));
        }
        PollingOperation<String> op = scripted(time, script, new ArrayList<>());
        assertThatThrownBy(() -> op.waitForCompletion(Duration.ofSeconds(90)))
                .isInstanceOf(OperationTimeoutException.class)
                .hasMessage("create thing did not finish within PT1M30S; it is still running: wait again or cancel it");
        assertThat(time.sleeps.stream().mapToLong(Duration::toSeconds).sum()).isEqualTo(90);
        assertThatThrownBy(op::finalResult).isInstanceOf(InvalidStateException.class);
    }

    @Test
    void failedOperationThrowsTheServiceError() {
        FakeTime time = new FakeTime();
        ServiceErrorDetails error = new ServiceErrorDetails(0, "QuotaExceeded", "no cores", "req-1");
        Deque<PollingOperation.PollResponse<String>> script = new ArrayDeque<>(List.of(
                new PollingOperation.PollResponse<>(OperationStatus.FAILED, null, null, error)));
        PollingOperation<String> op = scripted(time, script, new ArrayList<>());
        assertThatThrownBy(() -> op.waitForCompletion(Duration.ofMinutes(1)))
                .isInstanceOfSatisfying(RemoteOperationException.class, e -> {
                    assertThat(e.serviceCode()).contains("QuotaExceeded");
                    assertThat(e.requestId()).contains("req-1");
                    assertThat(e.getMessage()).isEqualTo("create thing ended as Failed: QuotaExceeded: no cores"
                            + " (request id req-1)");
                });
    }

    @Test
    void interruptionKeepsTheFlagAndNamesTheResumeToken() {
        PollingOperation<String> op = new PollingOperation<>("create thing",
                PollingOperation.PollResponse.inProgress(null), null, Duration.ofSeconds(5), Clock.systemUTC(),
                d -> {
                    throw new InterruptedException();
                }) {
            @Override
            protected PollResponse<String> pollOnce() {
                return PollResponse.inProgress(null);
            }

            @Override
            public String resumeToken() {
                return "tok";
            }
        };
        assertThatThrownBy(() -> op.waitForCompletion(Duration.ofMinutes(1))).hasMessageContaining("token tok");
        assertThat(Thread.interrupted()).isTrue();
    }

    @Test
    void pagesAreFetchedLazilyAndNotCached() {
        AtomicInteger fetches = new AtomicInteger();
        PagedIterable<Integer> numbers = new PagedIterable<>(token -> {
            fetches.incrementAndGet();
            int start = token == null ? 0 : Integer.parseInt(token);
            List<Integer> items = List.of(start, start + 1, start + 2);
            return new Page<>(items, start + 3 < 9 ? String.valueOf(start + 3) : null);
        });
        assertThat(fetches).hasValue(0);
        assertThat(numbers.toList(4)).containsExactly(0, 1, 2, 3);
        assertThat(fetches).hasValue(2);
        assertThat(numbers.stream().toList()).containsExactly(0, 1, 2, 3, 4, 5, 6, 7, 8);
        assertThat(fetches).hasValue(5);
        assertThat(numbers.streamByPage("6").toList()).singleElement()
                .satisfies(p -> assertThat(p.next()).isEmpty());
    }
}
