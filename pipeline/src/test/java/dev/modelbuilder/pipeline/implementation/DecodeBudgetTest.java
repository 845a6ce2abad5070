package dev.modelbuilder.pipeline.implementation;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.modelbuilder.core.exception.ImageTooLargeException;
import dev.modelbuilder.core.exception.ScoringException;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class DecodeBudgetTest {
    private static final long HEAP = 1L << 30;

    @Test
    void readsSharesAndSizes() {
        assertThat(DecodeBudget.parseSize("50%", HEAP, "test")).isEqualTo(HEAP / 2);
        assertThat(DecodeBudget.parseSize("12.5%", HEAP, "test")).isEqualTo(HEAP / 8);
        assertThat(DecodeBudget.parseSize("512m", HEAP, "test")).isEqualTo(512L << 20);
        assertThat(DecodeBudget.parseSize("2G", HEAP, "test")).isEqualTo(2L << 30);
        assertThat(DecodeBudget.parseSize("64k", HEAP, "test")).isEqualTo(64L << 10);
        assertThat(DecodeBudget.parseSize("1000", HEAP, "test")).isEqualTo(1000);
        for (String bad : new String[] {"abc", "0", "-5m", "150%", "0%", "m"}) {
            assertThatThrownBy(() -> DecodeBudget.parseSize(bad, HEAP, "where")).isInstanceOf(ScoringException.class)
                    .hasMessageContaining("'" + bad + "' (where) is not valid");
        }
    }

    @Test
    void thePropertyWinsOverTheEnvironmentAndDefaultsApplyOtherwise() {
        Properties props = new Properties();
        Map<String, String> env = Map.of(DecodeBudget.BUDGET_ENV, "100m", DecodeBudget.WAIT_ENV, "5",
                DecodeBudget.MAX_PIXELS_ENV, "1000000");

        DecodeBudget fromEnv = DecodeBudget.fromSettings(props, env, HEAP);
        props.setProperty(DecodeBudget.BUDGET_PROPERTY, "25%");
        props.setProperty(DecodeBudget.MAX_PIXELS_PROPERTY, "2000");
        DecodeBudget fromProperty = DecodeBudget.fromSettings(props, env, HEAP);
        DecodeBudget defaults = DecodeBudget.fromSettings(new Properties(), Map.of(), HEAP);

        assertThat(fromEnv.capacity()).isEqualTo(100L << 20);
        assertThat(fromEnv.maxPixels()).isEqualTo(1_000_000);
        assertThat(fromProperty.capacity()).isEqualTo(HEAP / 4);
        assertThat(fromProperty.maxPixels()).isEqualTo(2000);
        assertThat(defaults.capacity()).isEqualTo(HEAP / 2);
        assertThat(defaults.maxPixels()).isEqualTo(DecodeBudget.DEFAULT_MAX_PIXELS).isEqualTo(178_956_970L);
        assertThatThrownBy(() -> DecodeBudget.fromSettings(new Properties(), Map.of(DecodeBudget.WAIT_ENV, "soon"),
                HEAP)).hasMessageContaining("'soon' (" + DecodeBudget.WAIT_PROPERTY + " / " + DecodeBudget.WAIT_ENV
                + ") is not valid: give a number of seconds");
    }

    @Test
    void aDecodeLargerThanTheWholeBudgetIsRefusedAtOnce() {
        DecodeBudget budget = DecodeBudget.of(1000, Duration.ofMinutes(1), 1_000_000);
        long start = System.nanoTime();

        assertThatThrownBy(() -> budget.reserve(1001, "PNG image big.png (13000x13000)"))
                .isInstanceOf(ImageTooLargeException.class)
                .hasMessageStartingWith("PNG image big.png (13000x13000) needs 0.0 MiB to decode, more than the whole "
                        + "decode budget")
                .hasMessageContaining("-Dmodelbuilder.decode.budget");
        assertThat(System.nanoTime() - start).isLessThan(TimeUnit.SECONDS.toNanos(5));
        assertThat(budget.used()).isZero();
    }

    @Test
    void concurrentDecodesQueueForTheBudget() throws Exception {
        DecodeBudget budget = DecodeBudget.of(100, Duration.ofSeconds(30), 1_000_000);
        DecodeBudget.Reservation first = budget.reserve(80, "first");

        CompletableFuture<Long> second = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            DecodeBudget.Reservation r = budget.reserve(50, "second");
            long waited = System.nanoTime() - start;
            r.close();
            return waited;
        });
        Thread.sleep(300);
        assertThat(second).isNotDone();
        assertThat(budget.used()).isEqualTo(80);
        first.close();

        assertThat(second.get(10, TimeUnit.SECONDS)).isGreaterThanOrEqualTo(TimeUnit.MILLISECONDS.toNanos(250));
        assertThat(budget.used()).isZero();
    }

    @Test
    void aDecodeThatCannotGetTheBudgetInTimeIsRefused() {
        DecodeBudget budget = DecodeBudget.of(100, Duration.ofMillis(200), 1_000_000);
        try (DecodeBudget.Reservation held = budget.reserve(80, "held")) {
            assertThatThrownBy(() -> budget.reserve(50, "GIF image x.gif (10x5)"))
                    .isInstanceOf(ImageTooLargeException.class)
                    .hasMessageContaining("GIF image x.gif (10x5) needs").hasMessageContaining("stayed taken");
            assertThat(held).isNotNull();
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void thePixelsOfSmallImagesAreNotCountedOnceTheDecodeEnds() {
        DecodeBudget budget = DecodeBudget.of(16_000, Duration.ofSeconds(1), 1_000_000);
        byte[] pixels = new byte[999]; // under a sixteenth of the budget: the caller's data, like a training set
        try (DecodeBudget.Reservation r = budget.reserve(1500, "image")) {
            r.keep(pixels);
            assertThat(budget.used()).isEqualTo(1500);
        }
        assertThat(budget.used()).isZero();
        assertThat(pixels).hasSize(999);
    }

    @Test
    void keptPixelsStayCountedUntilTheyAreGarbage() throws Exception {
        DecodeBudget budget = DecodeBudget.of(16_000, Duration.ofSeconds(1), 1_000_000);
        byte[] pixels = new byte[1000];
        try (DecodeBudget.Reservation r = budget.reserve(1500, "image")) {
            r.keep(pixels);
        }
        assertThat(budget.used()).isEqualTo(1000);
        assertThat(pixels).hasSize(1000);

        pixels = null;
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
        while (budget.used() != 0 && System.nanoTime() < deadline) {
            System.gc();
            Thread.sleep(20);
        }
        assertThat(budget.used()).isZero();
    }

    @Test
    void aWaitingDecodeGetsTheShareOfImagesNobodyHolds() {
        DecodeBudget budget = DecodeBudget.of(10_000, Duration.ofSeconds(20), 1_000_000);
        try (DecodeBudget.Reservation r = budget.reserve(9000, "first")) {
            r.keep(new byte[9000]); // dropped at once: only a collection gives its share back
        }
        // the waiting reservation asks for collections until the first image's share comes back
        DecodeBudget.Reservation second = budget.reserve(5000, "second");
        assertThat(budget.used()).isEqualTo(5000);
        second.close();
        assertThat(budget.used()).isZero();
    }
}
