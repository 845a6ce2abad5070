package dev.modelbuilder.azure;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.azure.testing.FaultPlan.Fault;
import dev.modelbuilder.core.ModelBuilder;
import dev.modelbuilder.core.exception.ModelBuilderException;
import dev.modelbuilder.core.exception.RemoteOperationException;
import dev.modelbuilder.core.exception.ThrottledException;
import dev.modelbuilder.core.support.Sleeper;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Retries, back-off, Retry-After, timeouts, dropped connections, interruption, idempotent creates. */
@ExtendWith(EmulatedAzureExtension.class)
class ResilienceTest {
    private final EmulatedAzure azure;
    private AzureMlProvider provider;
    private ModelBuilder mb;

    ResilienceTest(EmulatedAzure azure) {
        this.azure = azure;
    }

    @BeforeEach
    void open() {
        provider = azure.builder().build();
        mb = ModelBuilder.using(provider);
        mb.workspaces().define("res-ws").withRegion("eastus").create();
        azure.sleeper.clear();
    }

    @AfterEach
    void close() {
        mb.close();
    }

    @Test
    void throttlingIsRetriedAfterTheWaitTheServiceAsksFor() {
        azure.arm.faults().script(Fault.THROTTLE, Fault.THROTTLE_MS, Fault.UNAVAILABLE);
        assertThat(mb.workspaces().get("res-ws").name()).isEqualTo("res-ws");
        assertThat(azure.sleeper.waits()).containsExactly(Duration.ofSeconds(3), Duration.ofMillis(250),
                Duration.ofSeconds(1));
        assertThat(provider.stats().retries.get()).isEqualTo(3);
    }

    @Test
    void retryAfterIsReallyWaitedWithTheSystemSleeper() {
        try (AzureMlProvider real = azure.builder().withSleeper(Sleeper.system()).build()) {
            azure.arm.faults().script(Fault.THROTTLE_MS);
            long start = System.nanoTime();
            real.workspaces().get("res-ws");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(250));
        }
    }

    @Test
    void serverErrorsAndLostConnectionsAreRetriedWithJitteredBackOff() {
        azure.arm.faults().script(Fault.SERVER_ERROR, Fault.GATEWAY_TIMEOUT_AFTER, Fault.DROP_BEFORE,
                Fault.DROP_AFTER, Fault.SERVER_ERROR);
        assertThat(mb.workspaces().get("res-ws").name()).isEqualTo("res-ws");
        assertThat(azure.arm.interactions()).filteredOn(i -> i.fault() != null).hasSize(5);
        assertThat(azure.sleeper.waits()).isNotEmpty()
                .allSatisfy(d -> assertThat(d).isBetween(Duration.ofMillis(1), Duration.ofMillis(20)));
    }

    @Test
    void aSlowAnswerTimesOutAndIsRetried() {
        try (AzureMlProvider impatient = azure.builder().withHttpClient(EmulatedAzure.httpClient(azure.arm,
                Duration.ofMillis(300))).build()) {
            azure.arm.faults().slowDelay(Duration.ofMillis(800)).script(Fault.SLOW);
            long start = System.nanoTime();
            assertThat(impatient.workspaces().get("res-ws").name()).isEqualTo("res-ws");
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofMillis(790));
            assertThat(impatient.stats().retries.get()).isEqualTo(1);
        }
    }

    @Test
    void throttlingThatOutlastsTheRetriesIsReportedWithRetryAfter() {
        azure.arm.faults().script(Fault.THROTTLE, Fault.THROTTLE, Fault.THROTTLE, Fault.THROTTLE, Fault.THROTTLE,
                Fault.THROTTLE, Fault.THROTTLE, Fault.THROTTLE, Fault.THROTTLE);
        assertThatThrownBy(() -> mb.workspaces().get("res-ws")).isInstanceOfSatisfying(ThrottledException.class, e -> {
            assertThat(e.retryAfter()).contains(Duration.ofSeconds(3));
            assertThat(e.serviceCode()).contains("TooManyRequests");
            assertThat(e.requestId()).isPresent();
            assertThat(e.getMessage()).contains("HTTP 429");
        });
        assertThat(provider.stats().retries.get()).isEqualTo(8);
    }

    @Test
    void persistentServerErrorsBecomeARemoteOperationError() {
        azure.arm.failNext("GET", "/workspaces/res-ws$", 500, "InternalServerError", "boom", 20);
        assertThatThrownBy(() -> mb.workspaces().get("res-ws")).isInstanceOfSatisfying(RemoteOperationException.class,
                e -> {
                    assertThat(e.serviceCode()).contains("InternalServerError");
                    assertThat(e.details()).hasValueSatisfying(d -> assertThat(d.httpStatus()).isEqualTo(500));
                    assertThat(e.getMessage()).contains("boom").contains("request id");
                });
    }

    @Test
    void aRetriedCreateNeverMakesASecondCompute() {
        azure.arm.faults().scope(p -> p.startsWith("PUT ") && p.endsWith("/computes/gpu"))
                .script(Fault.DROP_AFTER, Fault.DROP_AFTER);
        mb.workspace("res-ws").computes().define("gpu").withSize(AzureVmSizes.STANDARD_NC4AS_T4_V3).create();
        assertThat(azure.arm.computeNames("res-ws")).containsExactly("gpu");
        assertThat(azure.arm.count("PUT", "/computes/gpu$")).isGreaterThanOrEqualTo(2);
    }

    @Test
    void aWaitForARetryStopsOnInterrupt() throws Exception {
        try (AzureMlProvider real = azure.builder().withSleeper(Sleeper.system()).build()) {
            azure.arm.failNext("GET", "/workspaces/res-ws$", 429, "TooManyRequests", "slow down", 1);
            azure.arm.faults().script(Fault.THROTTLE);
            AtomicReference<Throwable> thrown = new AtomicReference<>();
            AtomicReference<Boolean> flag = new AtomicReference<>();
            Thread t = new Thread(() -> {
                try {
                    real.workspaces().get("res-ws");
                } catch (Throwable e) {
                    thrown.set(e);
                    flag.set(Thread.currentThread().isInterrupted());
                }
            });
            long start = System.nanoTime();
            t.start();
            Thread.sleep(300);
            t.interrupt();
            t.join(5000);
            assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(2));
            assertThat(thrown.get()).isInstanceOf(ModelBuilderException.class).hasMessageContaining("interrupted");
            assertThat(flag.get()).isTrue();
        }
    }
}
