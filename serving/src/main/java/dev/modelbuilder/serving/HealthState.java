package dev.modelbuilder.serving;

/**
 * The answer of {@code GET /health} and {@code GET /health/live}.
 *
 * @param status {@code UP}, {@code LOADING} or {@code FAILED}
 * @param live whether the service answers (always true in an answer)
 * @param ready whether the model is loaded and predictions are served
 */
public record HealthState(String status, boolean live, boolean ready) {
}
