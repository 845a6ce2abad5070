package dev.modelbuilder.core;

import java.time.Duration;

/** How long the blocking calls of the fluent API wait; one place, so every resource says the same. */
final class Waits {
    /** Creating, resizing or deleting a workspace, compute or experiment. */
    static final Duration RESOURCE = Duration.ofMinutes(30);
    /** Creating an endpoint: on Azure an image build and a first deployment (15-20 minutes is common). */
    static final Duration ENDPOINT = Duration.ofMinutes(90);
    /** A training run, from submission to its end. */
    static final Duration RUN = Duration.ofHours(24);

    private Waits() {
    }
}
