package dev.modelbuilder.serving.implementation;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;

/**
 * The starter's Micrometer meters: {@value #PREDICTIONS} (a timer per endpoint and outcome: how many requests, how
 * long they took) and {@value #REFUSED} (images refused, per reason). Without a registry (no Actuator) it records
 * nothing.
 */
public final class ServingMetrics {
    /** Prediction requests: a timer tagged {@code endpoint} (predict, batch) and {@code outcome}. */
    public static final String PREDICTIONS = "modelbuilder.predictions";
    /** Images refused: a counter tagged {@code reason} (the error code). */
    public static final String REFUSED = "modelbuilder.images.refused";

    /** How a prediction request ended. */
    public enum Outcome {
        /** Answered with predictions. */
        SUCCESS,
        /** Refused: the client's request was wrong (4xx). */
        REFUSED,
        /** Failed inside the server, or the model was not ready (5xx). */
        FAILED;

        String tag() {
            return name().toLowerCase(java.util.Locale.ROOT);
        }
    }

    private final MeterRegistry registry;

    /** @param registry the application's registry, or null to record nothing */
    public ServingMetrics(MeterRegistry registry) {
        this.registry = registry;
    }

    /**
     * @param endpoint {@code predict} or {@code batch}
     * @param outcome how it ended
     * @param took how long it took
     */
    public void prediction(String endpoint, Outcome outcome, Duration took) {
        if (registry != null) {
            Timer.builder(PREDICTIONS).description("Prediction requests, by endpoint and outcome")
                    .tag("endpoint", endpoint).tag("outcome", outcome.tag()).register(registry).record(took);
        }
    }

    /** @param reason the error code of a refused image, e.g. {@code corrupt_image} */
    public void refused(String reason) {
        if (registry != null) {
            Counter.builder(REFUSED).description("Images refused, by reason").tag("reason", reason)
                    .register(registry).increment();
        }
    }
}
